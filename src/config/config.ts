/**
 * Reading configuration: a redis.conf-style file (first argument), then `--name value ...`
 * flags that override it, exactly as redis-server takes them. Values are validated against the
 * directive table; anything wrong stops the start with a message naming the directive.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ConfigError } from '../errors.ts';
import { DIRECTIVE_BY_NAME, DIRECTIVES, type Directive } from './defaults.ts';
import { splitArgs } from '../util/split-args.ts';

export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** The typed settings the server reads; `raw` keeps every directive's text for CONFIG GET. */
export interface ServerConfig {
  port: number;
  bind: string[];
  shards: number;
  ioThreads: number;
  /** The one shard runs on the main thread (no shard worker). */
  inlineShard: boolean;
  requirePass: string;
  instanceId: string;
  dir: string;
  databases: number;
  protoMaxBulkLen: number;
  maxClients: number;
  outputLimitNormal: OutputLimit;
  hz: number;
  appendonly: boolean;
  appendfsync: 'always' | 'everysec' | 'no';
  /** `save <seconds> <changes>` rules; empty when saving is off (`save ""`). */
  saveRules: [number, number][];
  raw: Map<string, string>;
}

/** Parses redis.conf memory units: 1k = 1000, 1kb = 1024, likewise m/mb, g/gb. */
export function parseBytes(text: string): number | undefined {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const units: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * units[(m[2] ?? '').toLowerCase()]!;
}

function validate(dir: Directive, value: string): string {
  const fail = (why: string) => new ConfigError(`Bad directive or wrong number of arguments: '${dir.name}' ${why}`);
  switch (dir.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(value)) throw fail(`expects an integer, got '${value}'`);
      if (dir.min !== undefined && Number(value) < dir.min) throw fail(`must be at least ${dir.min}`);
      return value;
    }
    case 'bytes': {
      const n = parseBytes(value);
      if (n === undefined) throw fail(`expects a size such as 32mb, got '${value}'`);
      if (dir.min !== undefined && n < dir.min) throw fail(`must be at least ${dir.min} bytes`);
      return value;
    }
    case 'bool':
      if (value !== 'yes' && value !== 'no') throw fail(`expects yes or no, got '${value}'`);
      return value;
    case 'enum':
      if (!dir.values!.includes(value.toLowerCase())) throw fail(`expects one of ${dir.values!.join(', ')}`);
      return value.toLowerCase();
    default:
      return value;
  }
}

/** Applies `name value...` to raw settings; unknown names are an error, as in redis-server. */
export function setDirective(raw: Map<string, string>, name: string, args: string[]): void {
  const dir = DIRECTIVE_BY_NAME.get(name.toLowerCase());
  if (!dir) throw new ConfigError(`Bad directive or wrong number of arguments: unknown directive '${name}'`);
  const joined = dir.kind === 'list' || dir.kind === 'string' ? args.join(' ') : args.length === 1 ? args[0]! : '';
  if (dir.kind !== 'list' && dir.kind !== 'string' && args.length !== 1) {
    throw new ConfigError(`Bad directive or wrong number of arguments: '${dir.name}' takes one value`);
  }
  raw.set(dir.name, validate(dir, joined));
}

/** Reads a config file's directives into raw settings. */
export function loadConfigFile(raw: Map<string, string>, path: string): void {
  const text = readFileSync(path, 'latin1');
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const words = splitArgs(trimmed);
    if (words === null) throw new ConfigError(`${path}:${i + 1}: unbalanced quotes`);
    try {
      setDirective(raw, words[0]!, words.slice(1));
    } catch (e) {
      throw new ConfigError(`${path}:${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** argv after the program name: [config-file] [--name value ...]. */
export function parseCommandLine(argv: readonly string[]): ServerConfig {
  const raw = new Map(DIRECTIVES.map((x) => [x.name, x.default]));
  let i = 0;
  if (argv[0] !== undefined && !argv[0].startsWith('--')) loadConfigFile(raw, argv[i++]!);
  while (i < argv.length) {
    const flag = argv[i++]!;
    if (!flag.startsWith('--')) throw new ConfigError(`expected a --flag, got '${flag}'`);
    const values: string[] = [];
    while (i < argv.length && !argv[i]!.startsWith('--')) values.push(argv[i++]!);
    setDirective(raw, flag.slice(2), values.length === 0 ? ['yes'] : values);
  }
  return fromRaw(raw);
}

/**
 * One busy thread per core, half of them on connections and half on shards: a command costs
 * the connection thread and the shard about the same CPU (docs/benchmarks.md, CPU per
 * operation). Above 2 cores, half of them are I/O workers (the main thread then only accepts)
 * and half are shards. On 2 cores or fewer the main thread does the socket work (it beat 1 or
 * 2 I/O workers) and runs the one shard itself (inline-shard): with a client on the same
 * host there is about one core left for the server, and handing each batch to a shard thread
 * and back (two wake-ups and a context switch each way) cost more than the second thread gave.
 */
function defaultThreads(raw: Map<string, string>): { shards: number; ioThreads: number; inlineShard: boolean } {
  const cores = availableParallelism();
  const shards = Number(raw.get('shards')) || Math.max(1, Math.floor(cores / 2));
  const io = Number(raw.get('io-threads'));
  const ioThreads = io >= 0 ? io : cores > 2 ? Math.floor(cores / 2) : 0;
  const inline = raw.get('inline-shard');
  if (inline === 'yes' && (shards !== 1 || ioThreads !== 0)) {
    throw new ConfigError(`inline-shard yes needs shards 1 and io-threads 0 (got shards ${shards}, io-threads ${ioThreads})`);
  }
  const threadsLeftToDefaults = raw.get('shards') === '0' && raw.get('io-threads') === '-1';
  return { shards, ioThreads, inlineShard: inline === 'yes' || (inline === 'auto' && threadsLeftToDefaults && cores <= 2) };
}

function parseOutputLimit(text: string): OutputLimit {
  const words = text.split(/\s+/);
  for (let i = 0; i + 3 < words.length + 0; i += 4) {
    if (words[i] === 'normal') {
      return { hard: parseBytes(words[i + 1]!) ?? 0, soft: parseBytes(words[i + 2]!) ?? 0, softSeconds: Number(words[i + 3]) };
    }
  }
  return { hard: 0, soft: 0, softSeconds: 0 };
}

function parseSaveRules(text: string): [number, number][] {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length % 2 !== 0 || words.some((w) => !/^\d+$/.test(w))) {
    throw new ConfigError(`Bad directive or wrong number of arguments: 'save' takes pairs of <seconds> <changes>, got '${text}'`);
  }
  const rules: [number, number][] = [];
  for (let i = 0; i < words.length; i += 2) rules.push([Number(words[i]), Number(words[i + 1])]);
  return rules;
}

export function fromRaw(raw: Map<string, string>): ServerConfig {
  const { shards, ioThreads, inlineShard } = defaultThreads(raw);
  return {
    port: Number(raw.get('port')),
    bind: raw.get('bind')!.split(/\s+/).filter(Boolean),
    shards,
    ioThreads,
    inlineShard,
    requirePass: raw.get('requirepass')!,
    instanceId: raw.get('instance-id')!,
    dir: raw.get('dir')!,
    databases: Number(raw.get('databases')),
    protoMaxBulkLen: parseBytes(raw.get('proto-max-bulk-len')!)!,
    maxClients: Number(raw.get('maxclients')),
    outputLimitNormal: parseOutputLimit(raw.get('client-output-buffer-limit')!),
    hz: Number(raw.get('hz')),
    appendonly: raw.get('appendonly') === 'yes',
    appendfsync: raw.get('appendfsync') as ServerConfig['appendfsync'],
    saveRules: parseSaveRules(raw.get('save')!),
    raw,
  };
}
