/**
 * CONFIG SET's rules, as Redis 7.0 applies them: one or more `name value` pairs, all or nothing.
 * A first pass over the names refuses an unknown one, one fixed while the server runs, or one
 * given twice; a second pass reads each value. Errors carry Redis's exact text. Which
 * directives change at runtime, and where, is their `runtime` field in defaults.ts.
 */
import { DIRECTIVE_BY_NAME, type Directive } from './defaults.ts';
import { parseBytes } from './config.ts';
import { string2ll } from '../shard/types/string.ts';

/** One validated change, its value in the form CONFIG GET shows it. */
export interface ConfigChange {
  name: string;
  value: string;
  where: 'threads' | 'shards' | 'stored';
}

const failed = (name: string, why: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;

/** The value as CONFIG GET will show it, or Redis's error for it. */
function readValue(dir: Directive, text: string): { value: string } | { error: string } {
  const outOfRange = (n: bigint) => dir.range !== undefined && (n < BigInt(dir.range[0]) || n > BigInt(dir.range[1]));
  const rangeError = () => ({ error: failed(dir.name, `argument must be between ${dir.range![0]} and ${dir.range![1]} inclusive`) });
  switch (dir.kind) {
    case 'int': {
      const n = string2ll(text);
      if (n === undefined) return { error: failed(dir.name, "argument couldn't be parsed into an integer") };
      return outOfRange(BigInt(n)) ? rangeError() : { value: String(n) };
    }
    case 'bytes': {
      const bytes = text.startsWith('-') ? undefined : parseBytes(text);
      if (bytes === undefined) return { error: failed(dir.name, 'argument must be a memory value') };
      return outOfRange(BigInt(bytes)) ? rangeError() : { value: String(bytes) };
    }
    case 'bool': {
      const b = text.toLowerCase();
      return b === 'yes' || b === 'no' ? { value: b } : { error: failed(dir.name, "argument must be 'yes' or 'no'") };
    }
    case 'enum': {
      const e = text.toLowerCase();
      if (dir.values!.includes(e)) return { value: e };
      return { error: failed(dir.name, `argument(s) must be one of the following: ${dir.values!.join(', ')}`) };
    }
    default:
      return { value: text };
  }
}

/** args: CONFIG SET's arguments after SET. The changes to make, or the error to answer. */
export function parseConfigSet(args: readonly string[]): ConfigChange[] | string {
  if (args.length % 2 !== 0) return 'ERR syntax error';
  const dirs: Directive[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const dir = DIRECTIVE_BY_NAME.get(args[i]!.toLowerCase());
    if (dir === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${args[i]}'`;
    // These name the argument as given; errors about a value name the directive.
    if (dir.runtime === undefined) return failed(args[i]!, "can't set immutable config");
    if (dirs.includes(dir)) return failed(args[i]!, 'duplicate parameter');
    dirs.push(dir);
  }
  const changes: ConfigChange[] = [];
  for (let i = 0; i < dirs.length; i++) {
    const dir = dirs[i]!;
    const read = readValue(dir, args[2 * i + 1]!);
    if ('error' in read) return read.error;
    changes.push({ name: dir.name, value: read.value, where: dir.runtime! });
  }
  return changes;
}
