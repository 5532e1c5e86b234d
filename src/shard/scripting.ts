/**
 * A shard's Lua scripts (EVAL, EVALSHA), on fengari: Lua 5.3 in JavaScript, whose strings are
 * bytes, so keys and values pass through unchanged. The environment is Redis's: the base,
 * table, string and math libraries, bit, cjson (script-libs.lua), `unpack`, a `redis`
 * table (call, pcall, error_reply, status_reply, sha1hex, log), KEYS and ARGV, and a global
 * table that can be neither written nor read where a name is missing. Replies convert both
 * ways by Redis's rules, and errors read as Redis 7.0's.
 *
 * The engine is made on a shard's first script (loading fengari costs ~40 ms), and compiled
 * scripts are kept by SHA1 until SCRIPT FLUSH.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReplyWriter } from '../commands/replies.ts';
import { formatDouble, formatG } from './types/double.ts';

type LuaState = object;
/** fengari ships no types: its mirror of Lua's C API, loosely typed. */
type LuaApi = Record<string, any>;
interface Fengari {
  lua: LuaApi;
  lauxlib: LuaApi;
  lualib: LuaApi;
  to_luastring(s: string): Uint8Array;
}

let fengari: Fengari | null = null;
let libs: Uint8Array | null = null;
/** cjson, written in Lua. */
const libsSource = (): Uint8Array => (libs ??= readFileSync(new URL('./script-libs.lua', import.meta.url)));
/**
 * Loads fengari set to print numbers as Lua 5.1 (Redis's Lua) does: a whole float as 2, not
 * 2.0 (LUA_COMPAT_FLOATSTRING, read from the environment as it loads), and any float with C's
 * "%.14g" (its own number-to-string, which its other modules take when they load, differs).
 */
function loadFengari(): Fengari {
  if (fengari !== null) return fengari;
  const require = createRequire(import.meta.url);
  const before = process.env.FENGARICONF;
  process.env.FENGARICONF = JSON.stringify({ LUA_COMPAT_FLOATSTRING: true });
  try {
    require('fengari/src/defs.js'); // first, as fengari loads it: it and luaconf.js need each other
    const luaconf = require('fengari/src/luaconf.js') as { lua_number2str: (n: number) => string };
    luaconf.lua_number2str = (n) => formatG(n, 14);
    return (fengari = require('fengari') as Fengari);
  } finally {
    if (before === undefined) delete process.env.FENGARICONF;
    else process.env.FENGARICONF = before;
  }
}

/** Runs one command for a script; its reply as RESP bytes. */
export type ScriptCall = (argv: Buffer[]) => Buffer;

export const sha1hex = (body: Uint8Array): string => createHash('sha1').update(body).digest('hex');

const ENVIRONMENT = `
unpack = table.unpack
loadfile, dofile, require, package, io, os, debug, utf8, coroutine = nil, nil, nil, nil, nil, nil, nil, nil, nil
setmetatable(_G, {
  __index = function(_, name) error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2) end,
  __newindex = function() error("Attempt to modify a readonly table", 2) end,
})
`;

export class ScriptEngine {
  private readonly f: Fengari;
  private readonly L: LuaState;
  /** Registry references of compiled scripts, by SHA1. */
  private readonly compiled = new Map<string, number>();
  /** The command runner of the script running now. */
  private call: ScriptCall | null = null;

  constructor() {
    const f = (this.f = loadFengari());
    const { lua, lauxlib, lualib } = f;
    const L = (this.L = lauxlib.luaL_newstate());
    lualib.luaL_openlibs(L);
    lua.lua_createtable(L, 0, 8);
    this.setFunction('call', (state) => this.redisCall(state, true));
    this.setFunction('pcall', (state) => this.redisCall(state, false));
    this.setFunction('error_reply', (state) => this.replyTable(state, 'err'));
    this.setFunction('status_reply', (state) => this.replyTable(state, 'ok'));
    this.setFunction('sha1hex', (state) => {
      lua.lua_pushstring(state, f.to_luastring(sha1hex(lauxlib.luaL_checklstring(state, 1))));
      return 1;
    });
    this.setFunction('log', () => 0);
    for (const [name, level] of [['LOG_DEBUG', 0], ['LOG_VERBOSE', 1], ['LOG_NOTICE', 2], ['LOG_WARNING', 3]] as const) {
      lua.lua_pushinteger(L, level);
      lua.lua_setfield(L, -2, f.to_luastring(name));
    }
    lua.lua_setglobal(L, f.to_luastring('redis'));
    this.openBit();
    this.openCjson();
    this.runChunk('=redis-env', f.to_luastring(ENVIRONMENT), 0, 0);
  }

  /** Compiles body under sha unless it is known; an error reply's text when it does not compile. */
  load(sha: string, body: Uint8Array): string | null {
    if (this.compiled.has(sha)) return null;
    const { lua, lauxlib, to_luastring } = this.f;
    if (lauxlib.luaL_loadbuffer(this.L, body, null, to_luastring('@user_script')) !== 0) {
      // Lua 5.1, which Redis runs, quotes the end of input as a token: near '<eof>'.
      const message = (lua.lua_tojsstring(this.L, -1) as string).replace(/near <eof>$/, "near '<eof>'");
      lua.lua_pop(this.L, 1);
      return `ERR Error compiling script (new function): ${message}`;
    }
    this.compiled.set(sha, lauxlib.luaL_ref(this.L, lua.LUA_REGISTRYINDEX));
    return null;
  }

  has(sha: string): boolean {
    return this.compiled.has(sha);
  }

  flush(): void {
    for (const ref of this.compiled.values()) this.f.lauxlib.luaL_unref(this.L, this.f.lua.LUA_REGISTRYINDEX, ref);
    this.compiled.clear();
  }

  /** Runs a loaded script; its reply as RESP bytes, written into out. */
  run(sha: string, keys: Buffer[], args: Buffer[], call: ScriptCall, out: ReplyWriter): void {
    const { lua } = this.f;
    const L = this.L;
    this.setArray('KEYS', keys);
    this.setArray('ARGV', args);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.compiled.get(sha)!);
    this.call = call;
    try {
      if (lua.lua_pcall(L, 0, 1, 0) !== 0) out.error(this.errorText(sha));
      else this.writeReply(out, -1);
    } finally {
      // Even when a command's handler threw through Lua (a bug the shard reports), the next
      // script starts from an empty stack.
      this.call = null;
      lua.lua_settop(L, 0);
    }
  }

  /** Loads and runs a chunk with nargs arguments on the stack, leaving nresults. */
  private runChunk(name: string, source: Uint8Array, nargs: number, nresults: number): void {
    const { lua, lauxlib, to_luastring } = this.f;
    const L = this.L;
    if (lauxlib.luaL_loadbuffer(L, source, null, to_luastring(name)) !== 0) throw new Error(`${name}: ${lua.lua_tojsstring(L, -1)}`);
    if (nargs > 0) lua.lua_insert(L, -1 - nargs);
    if (lua.lua_pcall(L, nargs, nresults, 0) !== 0) throw new Error(`${name}: ${lua.lua_tojsstring(L, -1)}`);
  }

  /** bit, LuaBitOp's operations on signed 32-bit integers, which is what JavaScript's are. */
  private openBit(): void {
    const { lua, lauxlib, to_luastring } = this.f;
    const L = this.L;
    const arg = (i: number): number => Math.round(lauxlib.luaL_checknumber(L, i) as number) | 0;
    const result = (n: number): number => {
      lua.lua_pushinteger(L, n | 0);
      return 1;
    };
    const fold = (op: (a: number, b: number) => number) => (): number => {
      let r = arg(1);
      for (let i = 2; i <= lua.lua_gettop(L); i++) r = op(r, arg(i));
      return result(r);
    };
    const ops: Record<string, () => number> = {
      tobit: () => result(arg(1)),
      bnot: () => result(~arg(1)),
      band: fold((a, b) => a & b),
      bor: fold((a, b) => a | b),
      bxor: fold((a, b) => a ^ b),
      lshift: () => result(arg(1) << (arg(2) & 31)),
      rshift: () => result(arg(1) >>> (arg(2) & 31)),
      arshift: () => result(arg(1) >> (arg(2) & 31)),
      rol: () => result((arg(1) << (arg(2) & 31)) | (arg(1) >>> (32 - (arg(2) & 31)))),
      ror: () => result((arg(1) >>> (arg(2) & 31)) | (arg(1) << (32 - (arg(2) & 31)))),
      bswap: () => {
        const v = arg(1);
        return result(((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24));
      },
      tohex: () => {
        const n = lua.lua_isnoneornil(L, 2) ? 8 : arg(2);
        const digits = Math.min(Math.abs(n), 8);
        const hex = (arg(1) >>> 0).toString(16).padStart(8, '0').slice(8 - digits);
        lua.lua_pushstring(L, to_luastring(n < 0 ? hex.toUpperCase() : hex));
        return 1;
      },
    };
    lua.lua_createtable(L, 0, Object.keys(ops).length);
    for (const [name, fn] of Object.entries(ops)) this.setFunction(name, fn);
    lua.lua_setglobal(L, to_luastring('bit'));
  }

  /**
   * cjson: written in Lua (script-libs.lua); encode and decode are called through JavaScript
   * functions so that an error names the script's line, as lua-cjson's C functions' errors do.
   */
  private openCjson(): void {
    const { lua, lauxlib, to_luastring } = this.f;
    const L = this.L;
    lua.lua_pushjsfunction(L, (state: LuaState) => {
      lua.lua_pushstring(state, to_luastring(formatG(lauxlib.luaL_checknumber(state, 1) as number, 14)));
      return 1;
    });
    this.runChunk('=redis-libs', libsSource(), 1, 3); // null, encode, decode
    const decode = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    const encode = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_createtable(L, 0, 3);
    lua.lua_insert(L, -2);
    lua.lua_setfield(L, -2, to_luastring('null'));
    for (const [name, ref] of [['encode', encode], ['decode', decode]] as const) {
      this.setFunction(name, (state) => {
        lua.lua_rawgeti(state, lua.LUA_REGISTRYINDEX, ref);
        lua.lua_insert(state, 1);
        if (lua.lua_pcall(state, lua.lua_gettop(state) - 1, 1, 0) !== 0) {
          lauxlib.luaL_where(state, 1);
          lua.lua_insert(state, -2);
          lua.lua_concat(state, 2);
          return lua.lua_error(state);
        }
        return 1;
      });
    }
    lua.lua_setglobal(L, to_luastring('cjson'));
  }

  private setFunction(name: string, fn: (L: LuaState) => number): void {
    this.f.lua.lua_pushjsfunction(this.L, fn);
    this.f.lua.lua_setfield(this.L, -2, this.f.to_luastring(name));
  }

  /** KEYS and ARGV: set with rawset, past the metatable that forbids new globals. */
  private setArray(name: string, items: Buffer[]): void {
    const { lua, to_luastring } = this.f;
    const L = this.L;
    lua.lua_pushglobaltable(L);
    lua.lua_pushstring(L, to_luastring(name));
    lua.lua_createtable(L, items.length, 0);
    items.forEach((item, i) => {
      lua.lua_pushlstring(L, item, item.length);
      lua.lua_rawseti(L, -2, i + 1);
    });
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
  }

  /** redis.error_reply / status_reply: a table with one field, err or ok. */
  private replyTable(L: LuaState, field: 'err' | 'ok'): number {
    const { lua, lauxlib, to_luastring } = this.f;
    let text = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
    if (field === 'err') text = errorWithCode(text);
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushlstring(L, text, text.length);
    lua.lua_setfield(L, -2, to_luastring(field));
    return 1;
  }

  /** redis.call (raises on an error reply) and redis.pcall (returns it as {err=...}). */
  private redisCall(L: LuaState, raise: boolean): number {
    const { lua, lauxlib } = this.f;
    const argc = lua.lua_gettop(L);
    let reply: Buffer;
    if (argc === 0) {
      reply = errorReply('ERR Please specify at least one argument for this redis lib call');
    } else {
      const argv: Buffer[] = [];
      for (let i = 1; i <= argc; i++) {
        const t = lua.lua_type(L, i);
        if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) {
          reply = errorReply('ERR Lua redis lib command arguments must be strings or integers');
          break;
        }
        argv.push(t === lua.LUA_TNUMBER ? Buffer.from(this.numberText(L, i), 'latin1') : Buffer.from(lua.lua_tolstring(L, i) as Uint8Array));
      }
      reply ??= this.call!(argv);
    }
    lua.lua_settop(L, 0);
    if (reply[0] === 0x2d && raise) {
      lauxlib.luaL_where(L, 1);
      const where = lua.lua_tojsstring(L, -1) as string;
      lua.lua_pop(L, 1);
      this.pushReply(L, reply, 0);
      lua.lua_pushstring(L, this.f.to_luastring(where));
      lua.lua_setfield(L, -2, this.f.to_luastring('where'));
      return lua.lua_error(L);
    }
    this.pushReply(L, reply, 0);
    return 1;
  }

  /** A number argument as Redis 7.0 writes it ("%.17g"), not as Lua 5.3 does ("2.0"). */
  private numberText(L: LuaState, i: number): string {
    const { lua } = this.f;
    return lua.lua_isinteger(L, i) ? String(lua.lua_tointeger(L, i)) : formatDouble(lua.lua_tonumber(L, i) as number);
  }

  /** Pushes the RESP reply at buf[at] as a Lua value; returns where it ends. */
  private pushReply(L: LuaState, buf: Buffer, at: number): number {
    const { lua, to_luastring } = this.f;
    const lineEnd = buf.indexOf(13, at);
    const line = buf.subarray(at + 1, lineEnd);
    const next = lineEnd + 2;
    switch (buf[at]) {
      case 0x2b: // + status: {ok=...}
      case 0x2d: // - error: {err=...}
        lua.lua_createtable(L, 0, 1);
        lua.lua_pushlstring(L, line, line.length);
        lua.lua_setfield(L, -2, to_luastring(buf[at] === 0x2b ? 'ok' : 'err'));
        return next;
      case 0x3a: // : a float, as every Lua 5.1 number is (fengari's integers are 32-bit and wrap)
        lua.lua_pushnumber(L, Number(line.latin1Slice()));
        return next;
      case 0x24: { // $
        const len = Number(line.latin1Slice());
        if (len < 0) {
          lua.lua_pushboolean(L, false);
          return next;
        }
        lua.lua_pushlstring(L, buf.subarray(next, next + len), len);
        return next + len + 2;
      }
      default: { // *
        const count = Number(line.latin1Slice());
        if (count < 0) {
          lua.lua_pushboolean(L, false);
          return next;
        }
        lua.lua_createtable(L, count, 0);
        let pos = next;
        for (let i = 1; i <= count; i++) {
          pos = this.pushReply(L, buf, pos);
          lua.lua_rawseti(L, -2, i);
        }
        return pos;
      }
    }
  }

  /** The Lua value at idx as a reply, by Redis's rules. */
  private writeReply(out: ReplyWriter, idx: number): void {
    const { lua, to_luastring } = this.f;
    const L = this.L;
    switch (lua.lua_type(L, idx)) {
      case lua.LUA_TSTRING: {
        const s = lua.lua_tolstring(L, idx) as Uint8Array;
        return out.bulk(s);
      }
      case lua.LUA_TNUMBER:
        return out.integer(Math.trunc(lua.lua_tonumber(L, idx) as number));
      case lua.LUA_TBOOLEAN:
        return lua.lua_toboolean(L, idx) ? out.integer(1) : out.nullBulk();
      case lua.LUA_TTABLE: {
        const table = lua.lua_absindex(L, idx);
        for (const field of ['err', 'ok'] as const) {
          lua.lua_getfield(L, table, to_luastring(field));
          if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
            const text = Buffer.from(lua.lua_tolstring(L, -1) as Uint8Array).latin1Slice().replace(/[\r\n]/g, ' ');
            lua.lua_pop(L, 1);
            return field === 'err' ? out.raw(Buffer.from(`-${text}\r\n`, 'latin1')) : out.simple(text);
          }
          lua.lua_pop(L, 1);
        }
        // An array: up to the first nil, as Redis stops there.
        let n = 0;
        while (lua.lua_rawgeti(L, table, n + 1) !== lua.LUA_TNIL) {
          lua.lua_pop(L, 1);
          n++;
        }
        lua.lua_pop(L, 1);
        out.arrayHeader(n);
        for (let i = 1; i <= n; i++) {
          lua.lua_rawgeti(L, table, i);
          this.writeReply(out, -1);
          lua.lua_pop(L, 1);
        }
        return;
      }
      default:
        return out.nullBulk();
    }
  }

  /** The error a failed script answers, as Redis 7.0 words it. */
  private errorText(sha: string): string {
    const { lua, to_luastring } = this.f;
    const L = this.L;
    const suffix = (line: string) => ` script: ${sha}, on @user_script:${line}.`;
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
      // A redis.call error: {err="CODE message", where="user_script:N: "}.
      lua.lua_getfield(L, -1, to_luastring('err'));
      const err = lua.lua_type(L, -1) === lua.LUA_TSTRING ? (lua.lua_tojsstring(L, -1) as string) : 'ERR unknown error';
      lua.lua_getfield(L, -2, to_luastring('where'));
      const where = lua.lua_type(L, -1) === lua.LUA_TSTRING ? (lua.lua_tojsstring(L, -1) as string) : '';
      lua.lua_pop(L, 2);
      const line = /:(\d+):/.exec(where)?.[1] ?? '?';
      return `${err.replace(/^-/, '')}${suffix(line)}`;
    }
    const message = lua.lua_type(L, -1) === lua.LUA_TSTRING ? (lua.lua_tojsstring(L, -1) as string) : 'unknown error';
    const line = /^user_script:(\d+):/.exec(message)?.[1] ?? '?';
    return `ERR ${message}${suffix(line)}`;
  }
}

/** An error reply as a script sees it: "-CODE message" with ERR as the code when none is given. */
function errorWithCode(text: Uint8Array): Buffer {
  const s = Buffer.from(text).latin1Slice().replace(/^-/, '');
  return Buffer.from(s.includes(' ') ? s : `ERR ${s}`, 'latin1');
}

/** An error reply's bytes, as a command would have answered it. */
export function errorReply(message: string): Buffer {
  return Buffer.from(`-${message}\r\n`, 'latin1');
}
