/**
 * Geo commands compared byte for byte with redis-server: stored scores, positions and
 * geohashes, distances in every unit, the exact error texts, and radius searches around
 * seeded random points (global, a dense city, near the poles, across the antimeridian) with
 * every reply option. STORE keys share the source's hash tag; a STORE key in another slot is
 * the one place slotkv answers CROSSSLOT where standalone Redis would not.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32, useDifferential, type Command, type Comparator, type Step } from '../helpers/differential.ts';
import { decodeReply } from '../helpers/resp-client.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

const SICILY: Command[] = [['GEOADD', '{g}s', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania']];

interface Region {
  name: string;
  lon: [number, number];
  lat: [number, number];
}

const REGIONS: Region[] = [
  { name: 'world', lon: [-180, 180], lat: [-85.05, 85.05] },
  { name: 'city', lon: [2.2, 2.5], lat: [48.8, 48.95] },
  { name: 'north', lon: [-180, 180], lat: [70, 85.05112878] },
  { name: 'antimeridian', lon: [170, 180], lat: [-20, 20] },
  { name: 'south', lon: [-60, -50], lat: [-84, -60] },
];

const UNITS = ['m', 'km', 'ft', 'mi', 'KM'];
const METERS: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34, KM: 1000 };

/**
 * ZRANGE WITHSCORES of a STOREDIST result: the same members in the same order, and distances
 * within 1e-13 relative. The full 17 digits expose glibc's sin/cos/asin against V8's (fdlibm),
 * which differ in the last bit or two for about 1 distance in 8 (more near antipodes, where
 * asin magnifies them); every distance printed with %.4f (WITHDIST, GEODIST) matched exactly.
 */
const sameDistances: Comparator = (ref, sub) => {
  if (ref.equals(sub)) return undefined;
  const a = decodeReply(ref) as Buffer[];
  const b = decodeReply(sub) as Buffer[];
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return 'different lengths';
  for (let i = 0; i < a.length; i += 2) {
    if (!a[i]!.equals(b[i]!)) return `member ${i / 2} differs`;
    const x = Number(a[i + 1]!.toString());
    const y = Number(b[i + 1]!.toString());
    if (Math.abs(x - y) > 1e-13 * Math.max(Math.abs(x), Math.abs(y))) return `distance of ${a[i]!.toString()} differs`;
  }
  return undefined;
};

const coord = (rnd: () => number, [lo, hi]: [number, number]): string => (lo + rnd() * (hi - lo)).toFixed(6);

describe.each(SLOTKV_CONFIGS)('geo commands match redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('GEOADD stores the same scores and GEOPOS, GEOHASH and GEODIST read them back alike', () =>
    s.d.run([
      ...SICILY, ['ZRANGE', '{g}s', '0', '-1', 'WITHSCORES'], ['GEOPOS', '{g}s', 'Palermo', 'nope', 'Catania'],
      ['GEOHASH', '{g}s', 'Palermo', 'Catania', 'nope'], ['GEODIST', '{g}s', 'Palermo', 'Catania'],
      ['GEODIST', '{g}s', 'Palermo', 'Catania', 'km'], ['GEODIST', '{g}s', 'Palermo', 'Catania', 'MI'],
      ['GEODIST', '{g}s', 'Palermo', 'Catania', 'ft'], ['GEODIST', '{g}s', 'Palermo', 'Palermo'],
      ['GEODIST', '{g}s', 'Palermo', 'nope'], ['GEODIST', 'missing', 'a', 'b'], ['GEODIST', '{g}s', 'Palermo', 'Catania', 'yd'],
      ['GEODIST', '{g}s', 'Palermo', 'Catania', 'km', 'x'], ['GEOPOS', 'missing', 'a'], ['GEOPOS', '{g}s'],
      ['GEOHASH', 'missing', 'a', 'b'], ['GEOHASH', '{g}s'],
    ]));

  it('GEOADD takes NX, XX and CH, and edge coordinates encode as in Redis', () =>
    s.d.run([
      ['GEOADD', 'g', 'XX', '1', '1', 'a'], ['EXISTS', 'g'], ['GEOADD', 'g', 'NX', '1', '1', 'a'],
      ['GEOADD', 'g', 'NX', '2', '2', 'a', '3', '3', 'b'], ['GEOADD', 'g', 'XX', 'CH', '4', '4', 'a', '5', '5', 'c'],
      ['GEOADD', 'g', 'CH', '4', '4', 'a', '6', '6', 'b'], ['GEOADD', 'g', 'ch', 'nx', '7', '7', 'd'],
      ['GEOADD', 'g', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw', '0', '0', 'zero', '-0', '-0', 'negzero'],
      ['GEOADD', 'g', '179.99999999', '-85.05112877', 'x', '1e-320', '5e-324', 'tiny', '0x10', '0x1p-2', 'hex'],
      ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'], ['GEOPOS', 'g', 'ne', 'sw', 'zero', 'negzero', 'x', 'tiny', 'hex', 'a'],
      ['GEOHASH', 'g', 'ne', 'sw', 'zero', 'x', 'tiny', 'hex'], ['GEODIST', 'g', 'ne', 'sw', 'km'],
    ]));

  it('GEOADD rejects bad coordinates and syntax with Redis texts, adding nothing', () =>
    s.d.run([
      ['GEOADD', 'g', '200', '100', 'x'], ['GEOADD', 'g', '-180.000001', '0', 'x'], ['GEOADD', 'g', '0', '85.05112879', 'x'],
      ['GEOADD', 'g', '1e300', '-1e300', 'x'], ['GEOADD', 'g', 'inf', '0', 'x'], ['GEOADD', 'g', '200.0078125', '0', 'x'],
      ['GEOADD', 'g', '10', 'abc', 'x'], ['GEOADD', 'g', ' 10', '1', 'x'], ['GEOADD', 'g', '10', '', 'x'],
      ['GEOADD', 'g', 'nan', '1', 'x'], ['GEOADD', 'g', '1', '1', 'a', '200', '1', 'b'], ['EXISTS', 'g'],
      ['GEOADD', 'g', 'xx', 'nx', '1', '1', 'a'], ['GEOADD', 'g', 'ch', 'ch', 'ch'], ['GEOADD', 'g', '1', '1', 'a', '2'],
      ['GEOADD', 'g', 'nx', 'xx', 'ch'], ['GEOADD', 'g', '1', '1'], ['SET', 'str', 'v'], ['GEOADD', 'str', '1', '1', 'a'],
      ['GEOADD', 'str', '1', '1000', 'a'], ['GEOPOS', 'str', 'a'], ['GEOHASH', 'str', 'a'], ['GEODIST', 'str', 'a', 'b'],
      ['GEORADIUS', 'str', '1', '1', '1', 'km'], ['GEORADIUSBYMEMBER', 'str', 'a', '1', 'km'],
    ]));

  it('GEORADIUS option errors match, in Redis order', () =>
    s.d.run([
      ...SICILY,
      ['GEORADIUS', '{g}s', '15', '37', '-1', 'km'], ['GEORADIUS', '{g}s', '15', '37', 'x', 'km'],
      ['GEORADIUS', '{g}s', '15', '37', '1', 'yd'], ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'COUNT', '0'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'COUNT', 'x'], ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'COUNT'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'ANY'], ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'BOGUS'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'STORE', '{g}x', 'WITHDIST'],
      ['GEORADIUS', '{g}s', '200', '37', '200', 'km'], ['GEORADIUS', '{g}s', '15', 'y', '200', 'km'],
      ['GEORADIUS_RO', '{g}s', '15', '37', '200', 'km', 'STORE', '{g}x'],
      ['GEORADIUSBYMEMBER', '{g}s', 'nosuch', '10', 'km'], ['GEORADIUSBYMEMBER', '{g}s', 'Palermo', '-1', 'km'],
      ['GEORADIUSBYMEMBER', 'missing', 'x', 'bad', 'unit'], ['GEORADIUSBYMEMBER', '{g}missing', 'x', '1', 'km', 'STORE', '{g}s'],
      ['EXISTS', '{g}s'], ['GEORADIUS', 'missing', '1', '1', '1', 'km'], ['GEORADIUS', 'missing', '1', '1', '1', 'parsec'],
      ['GEORADIUS', '{g}s', '15', '37', '0', 'km'], ['GEORADIUS', '{g}s', '15.087269', '37.502669', '0', 'm'],
    ]));

  it('GEORADIUS and GEORADIUSBYMEMBER return what Redis returns with every option', () =>
    s.d.run([
      ...SICILY,
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH', 'ASC'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'DESC', 'WITHDIST'], ['GEORADIUS', '{g}s', '15', '37', '200', 'km'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'COUNT', '1'], ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'COUNT', '1', 'DESC'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'], ['GEORADIUS', '{g}s', '15', '37', '100', 'km'],
      ['GEORADIUSBYMEMBER', '{g}s', 'Palermo', '200', 'km', 'WITHDIST', 'ASC'],
      ['GEORADIUSBYMEMBER_RO', '{g}s', 'Catania', '200000', 'm', 'WITHCOORD', 'DESC'],
      ['GEORADIUS_RO', '{g}s', '15', '37', '200', 'km', 'WITHHASH'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'STORE', '{g}dst'], ['ZRANGE', '{g}dst', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'STOREDIST', '{g}dst', 'DESC'], ['ZRANGE', '{g}dst', '0', '-1', 'WITHSCORES'],
      ['GEORADIUSBYMEMBER', '{g}s', 'Palermo', '1', 'km', 'STORE', '{g}dst'], ['ZRANGE', '{g}dst', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', '{g}s', '0', '0', '1', 'km', 'STORE', '{g}dst'], ['EXISTS', '{g}dst'],
      ['GEORADIUS', '{g}s', '15', '37', '200', 'km', 'STORE', '{g}dst', 'STOREDIST', '{g}dst2'], ['ZRANGE', '{g}dst2', '0', '-1', 'WITHSCORES'],
    ]));

  it('a STORE key in another slot answers CROSSSLOT in slotkv and stores nothing', async () => {
    await s.d.run(SICILY);
    const r = await s.d.sub.call('GEORADIUS', '{g}s', '15', '37', '200', 'km', 'STORE', 'elsewhere');
    expect(r.toString()).toBe("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    const r2 = await s.d.sub.call('GEORADIUSBYMEMBER', '{g}s', 'Palermo', '200', 'km', 'STOREDIST', 'elsewhere');
    expect(r2.toString()).toBe("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    expect((await s.d.sub.call('EXISTS', 'elsewhere')).toString()).toBe(':0\r\n');
  });

  it('GEOSEARCH and GEOSEARCHSTORE by radius and by box match', () =>
    s.d.run([
      ...SICILY, ['GEOADD', '{g}s', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2'],
      ['GEOSEARCH', '{g}s', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC', 'WITHDIST', 'WITHCOORD'],
      ['GEOSEARCH', '{g}s', 'FROMMEMBER', 'Palermo', 'BYBOX', '400', '400', 'km', 'DESC', 'WITHHASH'],
      ['GEOSEARCH', '{g}s', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'COUNT', '2'],
      ['GEOSEARCH', '{g}s', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'FROMMEMBER', 'Palermo'],
      ['GEOSEARCH', '{g}s', 'BYRADIUS', '200', 'km'], ['GEOSEARCH', '{g}s', 'FROMMEMBER', 'Palermo', 'ASC'],
      ['GEOSEARCH', '{g}s', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'], ['GEOSEARCH', '{g}s', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '1', 'km'],
      ['GEOSEARCH', '{g}s', 'FROMLONLAT', '15', '37', 'BYBOX', 'w', '1', 'km'], ['GEOSEARCH', '{g}s', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'h', 'km'],
      ['GEOSEARCH', 'missing', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'], ['GEOSEARCH', '{g}s', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'STORE', 'x'],
      ['GEOSEARCHSTORE', '{g}d', '{g}s', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'STOREDIST'],
      ['ZRANGE', '{g}d', '0', '-1', 'WITHSCORES'], ['GEOSEARCHSTORE', '{g}d', '{g}s', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '10', 'km', 'WITHDIST'],
      ['GEOSEARCHSTORE', '{g}d', '{g}missing', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '10', 'km'], ['EXISTS', '{g}d'],
    ]));

  it.each(REGIONS)('searches around seeded random points agree to the printed digit ($name)', async (region) => {
    const rnd = mulberry32(region.name.length * 7919 + 1);
    const add: string[] = ['GEOADD', '{g}pts'];
    for (let i = 0; i < 400; i++) add.push(coord(rnd, region.lon), coord(rnd, region.lat), `p${i}`);
    await s.d.run([add, ['ZRANGE', '{g}pts', '0', '-1', 'WITHSCORES']]);
    const span = Math.max(region.lon[1] - region.lon[0], region.lat[1] - region.lat[0]) * 111_000;
    const steps: (Command | Step)[] = [];
    for (let q = 0; q < 60; q++) {
      const unit = UNITS[q % UNITS.length]!;
      const radius = ((rnd() ** 3 * span) / METERS[unit]!).toFixed(3);
      const lon = coord(rnd, region.lon);
      const lat = coord(rnd, region.lat);
      const member = `p${Math.floor(rnd() * 400)}`;
      steps.push(
        ['GEORADIUS', '{g}pts', lon, lat, radius, unit, 'WITHDIST', 'WITHCOORD', 'WITHHASH', 'ASC'],
        ['GEORADIUS', '{g}pts', lon, lat, radius, unit],
        ['GEORADIUSBYMEMBER', '{g}pts', member, radius, unit, 'WITHDIST', 'DESC', 'COUNT', '5'],
        ['GEOSEARCH', '{g}pts', 'FROMLONLAT', lon, lat, 'BYBOX', radius, String(Number(radius) / 2), unit, 'ASC', 'WITHDIST'],
        ['GEODIST', '{g}pts', member, `p${q}`, unit],
        ['GEOPOS', '{g}pts', member], ['GEOHASH', '{g}pts', member],
        ['GEORADIUS', '{g}pts', lon, lat, radius, unit, 'STOREDIST', '{g}out', 'ASC'],
        { cmd: ['ZRANGE', '{g}out', '0', '-1', 'WITHSCORES'], compare: sameDistances },
        ['GEORADIUS', '{g}pts', lon, lat, radius, unit, 'STORE', '{g}out2'], ['ZRANGE', '{g}out2', '0', '-1', 'WITHSCORES'],
      );
    }
    await s.d.run(steps);
  });
});
