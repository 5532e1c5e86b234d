/**
 * Geohash math as Redis's geohash.c, geohash_helper.c and geo.c do it, rewritten from the
 * algorithm: a point is a sorted-set member whose score is a 52-bit geohash (26 bits of
 * latitude on the even bits, 26 of longitude on the odd bits, over latitudes ±85.05112878, the
 * Web Mercator limits), and a radius or box search scans the score ranges of the geohash box
 * around the centre and its 8 neighbours, at a step chosen from the radius, then keeps the
 * points whose haversine distance fits. Every floating-point step is the same IEEE operation
 * in the same order as Redis's C, so results match to the printed digit.
 *
 * Hash bits of a box are BigInt (a box at the top edge can carry bit 52 or 53, past 2^53);
 * scores of stored points are numbers and are decoded in 32-bit halves, which allocates nothing.
 */
import type { ZSet } from './zset.ts';

export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const GEO_STEP_MAX = 26;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

export interface GeoRange {
  min: number;
  max: number;
}

/** A geohash box: `step` bits per coordinate; step 0 with bits 0 is "no box". */
export interface GeoHashBits {
  bits: bigint;
  step: number;
}

export interface GeoArea {
  lon: GeoRange;
  lat: GeoRange;
}

const WGS84_LON: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

// ---------------------------------------------------------------------------------------------
// Bit interleaving in 32-bit halves
// ---------------------------------------------------------------------------------------------

/** The 16 low bits of x spread to the even bits of a 32-bit word. */
function spread(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit word gathered into 16 bits. */
function squash(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** lat on the even bits, lon on the odd bits, as a 64-bit BigInt. Allocates. */
function interleave(lat: number, lon: number): bigint {
  const lo = (spread(lat) | (spread(lon) << 1)) >>> 0;
  const hi = (spread(lat >>> 16) | (spread(lon >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

let outLat = 0;
let outLon = 0;

/** Splits a 64-bit hash given as halves into outLat (even bits) and outLon (odd bits). */
function deinterleave(hi: number, lo: number): void {
  outLat = (squash(lo) | (squash(hi) << 16)) >>> 0;
  outLon = (squash(lo >>> 1) | (squash(hi >>> 1) << 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Encode and decode
// ---------------------------------------------------------------------------------------------

/** The box of `step` bits holding (lon, lat) in the given ranges, or undefined when outside. */
export function geohashEncode(lonR: GeoRange, latR: GeoRange, lon: number, lat: number, step: number): GeoHashBits | undefined {
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return undefined;
  if (lat < latR.min || lat > latR.max || lon < lonR.min || lon > lonR.max) return undefined;
  let latOffset = (lat - latR.min) / (latR.max - latR.min);
  let lonOffset = (lon - lonR.min) / (lonR.max - lonR.min);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  // C converts each offset to uint32_t, truncating.
  return { bits: interleave(Math.trunc(latOffset) >>> 0, Math.trunc(lonOffset) >>> 0), step };
}

/** The sorted-set score GEOADD stores for a point (already range checked). */
export function geoScore(lon: number, lat: number): number {
  const h = geohashEncode(WGS84_LON, WGS84_LAT, lon, lat, GEO_STEP_MAX)!;
  return Number(align52(h));
}

function align52(h: GeoHashBits): bigint {
  return h.bits << BigInt(52 - h.step * 2);
}

/** The area of a box in the given ranges. */
function decodeArea(lonR: GeoRange, latR: GeoRange, hi: number, lo: number, step: number): GeoArea {
  deinterleave(hi, lo);
  const latScale = latR.max - latR.min;
  const lonScale = lonR.max - lonR.min;
  const cells = 2 ** step;
  return {
    lat: { min: latR.min + (outLat / cells) * latScale, max: latR.min + ((outLat + 1) / cells) * latScale },
    lon: { min: lonR.min + (outLon / cells) * lonScale, max: lonR.min + ((outLon + 1) / cells) * lonScale },
  };
}

function geohashDecode(h: GeoHashBits): GeoArea {
  return decodeArea(WGS84_LON, WGS84_LAT, Number((h.bits >> 32n) & 0xffffffffn), Number(h.bits & 0xffffffffn), h.step);
}

/**
 * (uint64_t)score as C converts a double on x86-64, as 32-bit halves. Geo scores are
 * non-negative integers below 2^53; anything else follows cvttsd2si.
 */
function scoreHalves(score: number): [number, number] {
  if (score >= 0 && score < 2 ** 53) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / 2 ** 32);
    return [hi, t - hi * 2 ** 32];
  }
  let u: bigint;
  if (score >= 2 ** 63) u = score < 2 ** 64 ? BigInt(score) : 0n;
  else if (score > -(2 ** 63)) u = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  else u = 1n << 63n;
  return [Number(u >> 32n), Number(u & 0xffffffffn)];
}

/** A point's [longitude, latitude] from its score: the centre of its step-26 box. */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = scoreHalves(score);
  const a = decodeArea(WGS84_LON, WGS84_LAT, hi, lo, GEO_STEP_MAX);
  let lon = (a.lon.min + a.lon.max) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (a.lat.min + a.lat.max) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's 11-character string: the point re-encoded over the standard latitude range ±90
 * (the stored score uses ±85.05...), 52 bits in 10 characters and a final '0'.
 */
export function standardGeohash(score: number): string {
  const [lon, lat] = decodeScore(score);
  const h = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, lon, lat, GEO_STEP_MAX);
  const bits = h === undefined ? 0n : h.bits;
  let out = '';
  for (let i = 0; i < 10; i++) out += BASE32[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return out + '0';
}

// ---------------------------------------------------------------------------------------------
// Distances
// ---------------------------------------------------------------------------------------------

/** Haversine great-circle distance in meters. */
export function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

// ---------------------------------------------------------------------------------------------
// Search areas
// ---------------------------------------------------------------------------------------------

/** A search: a circle of `radius`, or a box `width` x `height`, in units of `conversion` meters. */
export interface GeoShape {
  box: boolean;
  lon: number;
  lat: number;
  radius: number;
  width: number;
  height: number;
  conversion: number;
}

/** How many bits per coordinate make a box about the size of the radius. */
function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // make sure the range is inside in most cases
  // Meridians converge towards the poles: widen the boxes there.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(Math.max(step, 1), 26);
}

/** [minLon, minLat, maxLon, maxLat] of the shape. */
function boundingBox(s: GeoShape): [number, number, number, number] {
  const height = s.conversion * (s.box ? s.height / 2 : s.radius);
  const width = s.conversion * (s.box ? s.width / 2 : s.radius);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
  // The widest edge of the box is the one nearer the equator.
  const south = s.lat < 0;
  return [
    south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop,
    s.lat - latDelta,
    south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop,
    s.lat + latDelta,
  ];
}

const M55 = 0x5555555555555555n;
const MAA = 0xaaaaaaaaaaaaaaaan;

/**
 * The box d steps along one axis (d > 0: east or north), wrapping around as unsigned bits do.
 * `mask` selects the interleaved bits of the axis that moves, `other` those of the one that stays.
 */
function moveAlong(h: GeoHashBits, d: number, mask: bigint, other: bigint): GeoHashBits {
  if (d === 0) return h;
  let moving = h.bits & mask;
  const staying = h.bits & other;
  const shift = BigInt(64 - h.step * 2);
  const zz = other >> shift;
  moving = d > 0 ? moving + (zz + 1n) : (moving | zz) - (zz + 1n);
  moving &= mask >> shift;
  return { bits: moving | staying, step: h.step };
}

/** The box d steps east (d > 0) or west. */
const moveX = (h: GeoHashBits, d: number): GeoHashBits => moveAlong(h, d, MAA, M55);
/** The box d steps north (d > 0) or south. */
const moveY = (h: GeoHashBits, d: number): GeoHashBits => moveAlong(h, d, M55, MAA);

const NONE: GeoHashBits = { bits: 0n, step: 0 };

/**
 * The boxes to scan, in Redis's order: centre, N, S, E, W, NE, NW, SE, SW; a box that cannot
 * hold part of the shape is NONE.
 */
export function searchBoxes(s: GeoShape): GeoHashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const radiusMeters = s.conversion * (s.box ? Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2)) : s.radius);
  let steps = estimateSteps(radiusMeters, s.lat);
  let hash = geohashEncode(WGS84_LON, WGS84_LAT, s.lon, s.lat, steps) ?? { bits: 0n, step: steps };
  // Near a box edge the estimated step can leave part of the shape outside the neighbours.
  const north = geohashDecode(moveY(hash, 1));
  const south = geohashDecode(moveY(hash, -1));
  const east = geohashDecode(moveX(hash, 1));
  const west = geohashDecode(moveX(hash, -1));
  if (steps > 1 && (north.lat.max < maxLat || south.lat.min > minLat || east.lon.max < maxLon || west.lon.min > minLon)) {
    steps--;
    hash = geohashEncode(WGS84_LON, WGS84_LAT, s.lon, s.lat, steps) ?? { bits: 0n, step: steps };
  }
  const area = geohashDecode(hash);
  const at = (dx: number, dy: number): GeoHashBits => moveY(moveX(hash, dx), dy);
  // centre, N, S, E, W, NE, NW, SE, SW
  const boxes = [hash, at(0, 1), at(0, -1), at(1, 0), at(-1, 0), at(1, 1), at(-1, 1), at(1, -1), at(-1, -1)];
  if (steps >= 2) {
    const drop = (...which: number[]): void => which.forEach((i) => (boxes[i] = NONE));
    if (area.lat.min < minLat) drop(2, 8, 7);
    if (area.lat.max > maxLat) drop(1, 5, 6);
    if (area.lon.min < minLon) drop(4, 8, 6);
    if (area.lon.max > maxLon) drop(3, 7, 5);
  }
  return boxes;
}

// ---------------------------------------------------------------------------------------------
// Searching a sorted set
// ---------------------------------------------------------------------------------------------

export interface GeoPoint {
  member: string;
  score: number;
  lon: number;
  lat: number;
  /** Meters until the command divides by the unit. */
  dist: number;
}

/** The point at score when it lies inside the shape, with its distance from the centre. */
function pointIfInside(s: GeoShape, score: number, member: string): GeoPoint | undefined {
  const [lon, lat] = decodeScore(score);
  let dist: number;
  if (s.box) {
    const lonDistance = geoDistance(lon, lat, s.lon, lat);
    const latDistance = geoDistance(lon, lat, lon, s.lat);
    if (lonDistance > (s.width * s.conversion) / 2 || latDistance > (s.height * s.conversion) / 2) return undefined;
    dist = geoDistance(s.lon, s.lat, lon, lat);
  } else {
    dist = geoDistance(s.lon, s.lat, lon, lat);
    if (dist > s.radius * s.conversion) return undefined;
  }
  return { member, score, lon, lat, dist };
}

/**
 * Every member inside the shape, box by box in Redis's order, stopping once `limit` (when
 * non-zero) are found. Like Redis it skips a box only when it equals the box scanned just
 * before it, so a huge radius can list a member twice.
 */
export function geoSearch(z: ZSet, s: GeoShape, limit: number): GeoPoint[] {
  const boxes = searchBoxes(s);
  const found: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i]!;
    if (box.bits === 0n && box.step === 0) continue;
    if (last !== 0 && box.bits === boxes[last]!.bits && box.step === boxes[last]!.step) continue;
    if (found.length > 0 && limit > 0 && found.length >= limit) break;
    // Scores in [box, next box): min inclusive, max exclusive.
    const min = Number(align52(box));
    const max = Number(align52({ bits: box.bits + 1n, step: box.step }));
    z.eachInScoreRange({ min, max, minex: false, maxex: true }, (member, score) => {
      const p = pointIfInside(s, score, member);
      if (p !== undefined) found.push(p);
      return !(found.length > 0 && limit > 0 && found.length >= limit);
    });
    last = i;
  }
  return found;
}
