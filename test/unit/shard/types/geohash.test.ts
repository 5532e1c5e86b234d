/**
 * Geohash math without sockets: scores, positions and geohash strings redis-server 7.0.15 gave
 * for the same points, the edge of the Mercator range, and the boxes a search scans.
 */
import { describe, expect, it } from 'vitest';
import { decodeScore, geoDistance, geoScore, searchBoxes, standardGeohash } from '../../../../src/shard/types/geohash.ts';
import { formatFixed, humanDouble } from '../../../../src/commands/geo-format.ts';

describe('geohash scores', () => {
  it('encodes and decodes points as redis-server does', () => {
    expect(geoScore(13.361389, 38.115556)).toBe(3479099956230698);
    expect(geoScore(15.087269, 37.502669)).toBe(3479447370796909);
    expect(decodeScore(3479099956230698).map(humanDouble)).toEqual(['13.36138933897018433', '38.11555639549629859']);
    expect(standardGeohash(3479099956230698)).toBe('sqc8b49rny0');
    expect(standardGeohash(3479447370796909)).toBe('sqdtr74hyu0');
  });

  it('puts the north-east corner past 2^53, as Redis does, and still decodes it to the corner', () => {
    expect(geoScore(180, 85.05112878)).toBe(13510798882111488);
    expect(decodeScore(13510798882111488).map(humanDouble)).toEqual(['180', '85.0511287799999991']);
  });

  it('measures haversine distances on Redis\'s earth radius', () => {
    const [lon1, lat1] = decodeScore(3479099956230698);
    const [lon2, lat2] = decodeScore(3479447370796909);
    expect(formatFixed(geoDistance(lon1, lat1, lon2, lat2) / 1000, 4)).toBe('166.2742');
  });

  it('scans nine boxes for a small radius and drops the ones the radius cannot reach', () => {
    const shape = { box: false, lon: 15, lat: 37, radius: 200, width: 0, height: 0, conversion: 1000 };
    const boxes = searchBoxes(shape);
    expect(boxes).toHaveLength(9);
    expect(boxes[0]!.step).toBeGreaterThan(1);
    expect(boxes.filter((b) => b.step === 0).length).toBeGreaterThan(0);
  });
});

describe('number formats', () => {
  it('formatFixed rounds exact ties to even like glibc printf, and others to nearest', () => {
    expect(formatFixed(200.0078125, 6)).toBe('200.007812');
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(0.09375, 4)).toBe('0.0938');
    expect(formatFixed(-1.5, 0)).toBe('-2');
    expect(formatFixed(1e300, 2)).toBe(`${BigInt(1e300)}.00`);
    expect(formatFixed(Infinity, 6)).toBe('inf');
    expect(formatFixed(166.27415156960038, 4)).toBe('166.2742');
  });

  it('humanDouble prints 17 decimals of the exact value without trailing zeros', () => {
    expect(humanDouble(0)).toBe('0');
    expect(humanDouble(-0)).toBe('0');
    expect(humanDouble(0.5)).toBe('0.5');
    expect(humanDouble(0.1)).toBe('0.10000000000000001');
    expect(humanDouble(-180)).toBe('-180');
  });
});
