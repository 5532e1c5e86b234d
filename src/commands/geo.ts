/**
 * Geo commands (Redis geo.c): GEOADD, GEOHASH, GEOPOS, GEODIST, GEORADIUS and
 * GEORADIUSBYMEMBER (with their _RO forms), GEOSEARCH and GEOSEARCHSTORE, over sorted sets
 * whose scores are 52-bit geohashes (shard/types/geohash.ts, shard/types/zset.ts).
 *
 * Rewritten for the log: GEOADD becomes the ZADD it amounts to (Redis replaces the command
 * vector the same way), so a replay never recomputes geohashes.
 *
 * The STORE/STOREDIST key of GEORADIUS* is a key the table's first/last/step cannot name, so
 * the handler itself answers CROSSSLOT when it is in another slot than the source key, as
 * Redis Cluster would before running the command.
 */
import { ERR_CROSSSLOT, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './replies.ts';
import { cmd, DENYOOM, MOVABLEKEYS, READONLY, WRITE, type CommandSpec, type ExecCtx } from './table.ts';
import { argIs } from './strings.ts';
import { keyString } from '../shard/keyspace.ts';
import { slotOfBytes } from '../routing/slot.ts';
import { Status, string2ll } from '../shard/types/string.ts';
import { zsetForWrite, ZSet, ZADD_ADDED, ZADD_NX, ZADD_UPDATED, ZADD_XX } from '../shard/types/zset.ts';
import { decodeScore, geoDistance, geoScore, geoSearch, standardGeohash, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX,
  GEO_LONG_MIN, type GeoPoint, type GeoShape } from '../shard/types/geohash.ts';
import { formatFixed, replyCoordinate, replyDistance } from './geo-format.ts';
import { doubleOrReply, zsetOrReply } from './zset-args.ts';

const ERR_UNIT = 'ERR unsupported unit provided. please use M, KM, FT, MI';
const ERR_DECODE_MEMBER = 'ERR could not decode requested zset member';

export const GEO_COMMANDS: readonly CommandSpec[] = [
  //   name                   arity flags                          first last step handler
  cmd('GEOADD',                  -5, WRITE | DENYOOM,                 1,    1,   1,   geoaddCommand),
  cmd('GEOHASH',                 -2, READONLY,                        1,    1,   1,   geohashCommand),
  cmd('GEOPOS',                  -2, READONLY,                        1,    1,   1,   geoposCommand),
  cmd('GEODIST',                 -4, READONLY,                        1,    1,   1,   geodistCommand),
  cmd('GEORADIUS',               -6, WRITE | DENYOOM | MOVABLEKEYS,   1,    1,   1,   georadiusCommand),
  cmd('GEORADIUSBYMEMBER',       -5, WRITE | DENYOOM | MOVABLEKEYS,   1,    1,   1,   georadiusbymemberCommand),
  cmd('GEORADIUS_RO',            -6, READONLY,                        1,    1,   1,   georadiusroCommand),
  cmd('GEORADIUSBYMEMBER_RO',    -5, READONLY,                        1,    1,   1,   georadiusbymemberroCommand),
  cmd('GEOSEARCH',               -7, READONLY,                        1,    1,   1,   geosearchCommand),
  cmd('GEOSEARCHSTORE',          -8, WRITE | DENYOOM,                 1,    2,   1,   geosearchstoreCommand),
];

// ---------------------------------------------------------------------------------------------
// Argument parsers (each writes its error and returns undefined)
// ---------------------------------------------------------------------------------------------

/** argv[at], argv[at + 1] as a valid [longitude, latitude]. */
function lonLatOrReply(ctx: ExecCtx, argv: Buffer[], at: number): [number, number] | undefined {
  const lon = doubleOrReply(ctx.out, argv[at]!);
  if (lon === undefined) return undefined;
  const lat = doubleOrReply(ctx.out, argv[at + 1]!);
  if (lat === undefined) return undefined;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    ctx.out.error(`ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`);
    return undefined;
  }
  return [lon, lat];
}

/** Meters per unit, or writes the error. */
function unitOrReply(ctx: ExecCtx, arg: Buffer): number | undefined {
  if (argIs(arg, 'm')) return 1;
  if (argIs(arg, 'km')) return 1000;
  if (argIs(arg, 'ft')) return 0.3048;
  if (argIs(arg, 'mi')) return 1609.34;
  ctx.out.error(ERR_UNIT);
  return undefined;
}

/** argv[at] radius and argv[at + 1] unit into shape. */
function radiusOrReply(ctx: ExecCtx, argv: Buffer[], at: number, shape: GeoShape): boolean {
  const r = doubleOrReply(ctx.out, argv[at]!, 'ERR need numeric radius');
  if (r === undefined) return false;
  if (r < 0) {
    ctx.out.error('ERR radius cannot be negative');
    return false;
  }
  const unit = unitOrReply(ctx, argv[at + 1]!);
  if (unit === undefined) return false;
  shape.box = false;
  shape.radius = r;
  shape.conversion = unit;
  return true;
}

/** argv[at] width, argv[at + 1] height and argv[at + 2] unit into shape. */
function boxOrReply(ctx: ExecCtx, argv: Buffer[], at: number, shape: GeoShape): boolean {
  const w = doubleOrReply(ctx.out, argv[at]!, 'ERR need numeric width');
  if (w === undefined) return false;
  const h = doubleOrReply(ctx.out, argv[at + 1]!, 'ERR need numeric height');
  if (h === undefined) return false;
  if (w < 0 || h < 0) {
    ctx.out.error('ERR height or width cannot be negative');
    return false;
  }
  const unit = unitOrReply(ctx, argv[at + 2]!);
  if (unit === undefined) return false;
  shape.box = true;
  shape.width = w;
  shape.height = h;
  shape.conversion = unit;
  return true;
}

// ---------------------------------------------------------------------------------------------
// GEOADD, GEOHASH, GEOPOS, GEODIST
// ---------------------------------------------------------------------------------------------

// GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
function geoaddCommand(ctx: ExecCtx, argv: Buffer[]): void {
  let nx = false;
  let xx = false;
  let ch = false;
  let at = 2;
  for (; at < argv.length; at++) {
    if (argIs(argv[at]!, 'nx')) nx = true;
    else if (argIs(argv[at]!, 'xx')) xx = true;
    else if (argIs(argv[at]!, 'ch')) ch = true;
    else break;
  }
  // No triples at all is ZADD's syntax error, since Redis hands GEOADD over to ZADD.
  if ((argv.length - at) % 3 !== 0 || (nx && xx) || argv.length === at) return ctx.out.error(ERR_SYNTAX);
  const zadd: (Buffer | string)[] = ['ZADD', ...argv.slice(1, at)];
  const scores: number[] = [];
  for (let i = at; i < argv.length; i += 3) {
    const xy = lonLatOrReply(ctx, argv, i);
    if (xy === undefined) return;
    const score = geoScore(xy[0], xy[1]);
    scores.push(score);
    zadd.push(String(score), argv[i + 2]!);
  }
  const key = keyString(argv[1]!);
  const found = zsetForWrite(ctx.db, key);
  if (found === Status.WRONGTYPE) return ctx.out.error(ERR_WRONGTYPE);
  if (found.created && xx) return ctx.out.integer(0);
  if (found.created) ctx.db.set(key, found.zset);
  let added = 0;
  let updated = 0;
  const flags = (nx ? ZADD_NX : 0) | (xx ? ZADD_XX : 0);
  for (let j = 0; j < scores.length; j++) {
    const r = found.zset.add(keyString(argv[at + j * 3 + 2]!), scores[j]!, flags);
    if (r.flags & ZADD_ADDED) added++;
    if (r.flags & ZADD_UPDATED) updated++;
  }
  if (added + updated > 0) {
    ctx.dirty += added + updated;
    ctx.propagate(zadd);
  }
  ctx.out.integer(ch ? added + updated : added);
}


// GEOHASH key [member ...]
function geohashCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z === null) return;
  ctx.out.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = z?.score(keyString(argv[i]!));
    if (score === undefined) ctx.out.nullBulk();
    else ctx.out.bulkLatin1(standardGeohash(score));
  }
}

// GEOPOS key [member ...]
function geoposCommand(ctx: ExecCtx, argv: Buffer[]): void {
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z === null) return;
  ctx.out.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = z?.score(keyString(argv[i]!));
    if (score === undefined) {
      ctx.out.nullArray();
      continue;
    }
    const [lon, lat] = decodeScore(score);
    ctx.out.arrayHeader(2);
    replyCoordinate(ctx.out, lon);
    replyCoordinate(ctx.out, lat);
  }
}

// GEODIST key member1 member2 [M|KM|FT|MI]
function geodistCommand(ctx: ExecCtx, argv: Buffer[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    const unit = unitOrReply(ctx, argv[4]!);
    if (unit === undefined) return;
    toMeter = unit;
  } else if (argv.length > 5) return ctx.out.error(ERR_SYNTAX);
  const z = zsetOrReply(ctx, keyString(argv[1]!));
  if (z === null) return;
  const s1 = z?.score(keyString(argv[2]!));
  const s2 = z?.score(keyString(argv[3]!));
  if (s1 === undefined || s2 === undefined) return ctx.out.nullBulk();
  const [lon1, lat1] = decodeScore(s1);
  const [lon2, lat2] = decodeScore(s2);
  replyDistance(ctx.out, geoDistance(lon1, lat1, lon2, lat2) / toMeter);
}

// ---------------------------------------------------------------------------------------------
// Searches
// ---------------------------------------------------------------------------------------------

const RADIUS_COORDS = 1 << 0; // centre given as longitude latitude
const RADIUS_MEMBER = 1 << 1; // centre given as a member
const RADIUS_NOSTORE = 1 << 2; // the _RO forms: STORE is a syntax error
const GEOSEARCH = 1 << 3; // GEOSEARCH's FROM*/BY* syntax
const GEOSEARCHSTORE = 1 << 4; // ... whose destination is argv[1]

// GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
//   [COUNT count [ANY]] [ASC|DESC] [STORE key] [STOREDIST key]
function georadiusCommand(ctx: ExecCtx, argv: Buffer[]): void {
  georadiusGeneric(ctx, argv, 1, RADIUS_COORDS);
}

// GEORADIUSBYMEMBER key member radius M|KM|FT|MI [options as GEORADIUS]
function georadiusbymemberCommand(ctx: ExecCtx, argv: Buffer[]): void {
  georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER);
}

// GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [options as GEORADIUS but STORE*]
function georadiusroCommand(ctx: ExecCtx, argv: Buffer[]): void {
  georadiusGeneric(ctx, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE);
}

// GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [options as GEORADIUS but STORE*]
function georadiusbymemberroCommand(ctx: ExecCtx, argv: Buffer[]): void {
  georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE);
}

// GEOSEARCH key FROMMEMBER member|FROMLONLAT lon lat BYRADIUS r unit|BYBOX w h unit
//   [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
function geosearchCommand(ctx: ExecCtx, argv: Buffer[]): void {
  georadiusGeneric(ctx, argv, 1, GEOSEARCH);
}

// GEOSEARCHSTORE destination source FROMMEMBER ...|FROMLONLAT ... BYRADIUS ...|BYBOX ...
//   [ASC|DESC] [COUNT count [ANY]] [STOREDIST]
function geosearchstoreCommand(ctx: ExecCtx, argv: Buffer[]): void {
  georadiusGeneric(ctx, argv, 2, GEOSEARCH | GEOSEARCHSTORE);
}

/** True when every STORE/STOREDIST key is in the source key's slot; else answers CROSSSLOT. */
function storeKeysInSlot(ctx: ExecCtx, argv: Buffer[]): boolean {
  const slot = slotOfBytes(argv[1]!);
  for (let i = 5; i < argv.length - 1; i++) {
    if (!argIs(argv[i]!, 'store') && !argIs(argv[i]!, 'storedist')) continue;
    i++;
    if (slotOfBytes(argv[i]!) !== slot) {
      ctx.out.error(ERR_CROSSSLOT);
      return false;
    }
  }
  return true;
}

interface SearchOptions {
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  any: boolean;
  sort: number; // 0 none, 1 asc, -1 desc
  count: number;
  storeKey: Buffer | null;
  storeDist: boolean;
}

function georadiusGeneric(ctx: ExecCtx, argv: Buffer[], srcAt: number, flags: number): void {
  if ((flags & (RADIUS_NOSTORE | GEOSEARCH)) === 0 && !storeKeysInSlot(ctx, argv)) return;
  const z = zsetOrReply(ctx, keyString(argv[srcAt]!));
  if (z === null) return;
  const shape: GeoShape = { box: false, lon: 0, lat: 0, radius: 0, width: 0, height: 0, conversion: 1 };
  let base: number;
  if (flags & RADIUS_COORDS) {
    base = 6;
    const xy = lonLatOrReply(ctx, argv, 2);
    if (xy === undefined) return;
    [shape.lon, shape.lat] = xy;
    if (!radiusOrReply(ctx, argv, 4, shape)) return;
  } else if (flags & RADIUS_MEMBER) {
    base = 5;
    // A missing key still parses the options, so the reply can follow STORE; the radius is
    // not even read then, as in Redis.
    if (z !== undefined) {
      const score = z.score(keyString(argv[2]!));
      if (score === undefined) return ctx.out.error(ERR_DECODE_MEMBER);
      [shape.lon, shape.lat] = decodeScore(score);
      if (!radiusOrReply(ctx, argv, 3, shape)) return;
    }
  } else {
    base = srcAt + 1;
  }
  const o: SearchOptions = {
    withDist: false, withHash: false, withCoord: false, any: false, sort: 0, count: 0, storeKey: null, storeDist: false,
  };
  if (flags & GEOSEARCHSTORE) o.storeKey = argv[1]!;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  const n = argv.length - base;
  for (let i = 0; i < n; i++) {
    const arg = argv[base + i]!;
    if (argIs(arg, 'withdist')) o.withDist = true;
    else if (argIs(arg, 'withhash')) o.withHash = true;
    else if (argIs(arg, 'withcoord')) o.withCoord = true;
    else if (argIs(arg, 'any')) o.any = true;
    else if (argIs(arg, 'asc')) o.sort = 1;
    else if (argIs(arg, 'desc')) o.sort = -1;
    else if (argIs(arg, 'count') && i + 1 < n) {
      const c = string2ll(argv[base + i + 1]!);
      if (c === undefined) return ctx.out.error(ERR_NOT_INTEGER);
      if (c <= 0) return ctx.out.error('ERR COUNT must be > 0');
      o.count = Number(c);
      i++;
    } else if ((argIs(arg, 'store') || argIs(arg, 'storedist')) && i + 1 < n && (flags & (RADIUS_NOSTORE | GEOSEARCH)) === 0) {
      o.storeKey = argv[base + i + 1]!;
      o.storeDist = argIs(arg, 'storedist');
      i++;
    } else if (argIs(arg, 'storedist') && (flags & GEOSEARCHSTORE) !== 0) {
      o.storeDist = true;
    } else if (argIs(arg, 'frommember') && i + 1 < n && (flags & GEOSEARCH) !== 0 && !fromLoc) {
      if (z !== undefined) {
        const score = z.score(keyString(argv[base + i + 1]!));
        if (score === undefined) return ctx.out.error(ERR_DECODE_MEMBER);
        [shape.lon, shape.lat] = decodeScore(score);
      }
      fromMember = true;
      i++;
    } else if (argIs(arg, 'fromlonlat') && i + 2 < n && (flags & GEOSEARCH) !== 0 && !fromMember) {
      const xy = lonLatOrReply(ctx, argv, base + i + 1);
      if (xy === undefined) return;
      [shape.lon, shape.lat] = xy;
      fromLoc = true;
      i += 2;
    } else if (argIs(arg, 'byradius') && i + 2 < n && (flags & GEOSEARCH) !== 0 && !byBox) {
      if (!radiusOrReply(ctx, argv, base + i + 1, shape)) return;
      byRadius = true;
      i += 2;
    } else if (argIs(arg, 'bybox') && i + 3 < n && (flags & GEOSEARCH) !== 0 && !byRadius) {
      if (!boxOrReply(ctx, argv, base + i + 1, shape)) return;
      byBox = true;
      i += 3;
    } else return ctx.out.error(ERR_SYNTAX);
  }
  if (o.storeKey !== null && (o.withDist || o.withHash || o.withCoord)) {
    const what = flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    return ctx.out.error(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  const name = argv[0]!.toString('latin1');
  if (flags & GEOSEARCH && !fromMember && !fromLoc) {
    return ctx.out.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  }
  if (flags & GEOSEARCH && !byRadius && !byBox) {
    return ctx.out.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  }
  if (o.any && o.count === 0) return ctx.out.error('ERR the ANY argument requires COUNT argument');
  if (z === undefined) {
    if (o.storeKey === null) return ctx.out.arrayHeader(0);
    if (ctx.db.delete(keyString(o.storeKey))) ctx.dirty++;
    return ctx.out.integer(0);
  }
  // COUNT needs an order to pick the nearest, unless ANY asked for whichever come first.
  if (o.count !== 0 && o.sort === 0 && !o.any) o.sort = 1;
  const found = geoSearch(z, shape, o.any ? o.count : 0);
  if (found.length === 0 && o.storeKey === null) return ctx.out.arrayHeader(0);
  // Stable, like glibc's merge-sort qsort; Redis's partial sort under COUNT may order equal
  // distances differently.
  if (o.sort !== 0) found.sort((a, b) => (a.dist === b.dist ? 0 : a.dist > b.dist ? o.sort : -o.sort));
  const returned = o.count === 0 || found.length < o.count ? found.length : o.count;
  for (let i = 0; i < returned; i++) found[i]!.dist /= shape.conversion;
  if (o.storeKey === null) return replySearch(ctx, found, returned, o);
  storeSearch(ctx, found, returned, o);
}

function replySearch(ctx: ExecCtx, found: GeoPoint[], returned: number, o: SearchOptions): void {
  const extra = (o.withDist ? 1 : 0) + (o.withCoord ? 1 : 0) + (o.withHash ? 1 : 0);
  ctx.out.arrayHeader(returned);
  for (let i = 0; i < returned; i++) {
    const p = found[i]!;
    if (extra > 0) ctx.out.arrayHeader(extra + 1);
    ctx.out.bulkLatin1(p.member);
    if (o.withDist) replyDistance(ctx.out, p.dist);
    if (o.withHash) ctx.out.integer(Number.isSafeInteger(p.score) ? p.score : BigInt.asIntN(64, BigInt(Math.trunc(p.score))));
    if (o.withCoord) {
      ctx.out.arrayHeader(2);
      replyCoordinate(ctx.out, p.lon);
      replyCoordinate(ctx.out, p.lat);
    }
  }
}

/** STORE/STOREDIST: the results replace the destination (no results delete it). */
function storeSearch(ctx: ExecCtx, found: GeoPoint[], returned: number, o: SearchOptions): void {
  const key = keyString(o.storeKey!);
  if (returned === 0) {
    if (ctx.db.delete(key)) ctx.dirty++;
    return ctx.out.integer(0);
  }
  // Redis builds the result as a skiplist, then turns it into a listpack when it fits.
  const z = new ZSet();
  z.forceSkiplist();
  for (let i = 0; i < returned; i++) {
    const p = found[i]!;
    // A member listed twice (a huge radius) would trip an assertion in Redis; keep the first.
    if (z.score(p.member) === undefined) z.insertNew(p.member, o.storeDist ? p.dist : p.score);
  }
  z.compactIfSmall();
  ctx.db.set(key, z);
  ctx.dirty += returned;
  ctx.out.integer(returned);
}
