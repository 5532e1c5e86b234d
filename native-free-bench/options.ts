/**
 * Command-line options of the load generator, named as redis-benchmark and memtier name them
 * (-c/--clients, -P/--pipeline, -n/--requests, -d/--value-size, -r/--keyspace, -t/--tests,
 * --ratio set:get). Parsing is a pure function so that tests can check every rule.
 */

export const TEST_NAMES = [
  'ping', 'set', 'get', 'incr', 'lpush', 'rpush', 'lpop', 'rpop', 'sadd', 'hset', 'spop', 'zadd', 'mset', 'mget',
] as const;
export type TestName = (typeof TEST_NAMES)[number];
export type Distribution = 'uniform' | 'zipf';

export interface Options {
  host: string;
  port: number;
  password: string | null;
  clients: number;
  pipeline: number;
  /** Total requests per test; null when the run is bounded by duration instead. */
  requests: number | null;
  /** Seconds per test, when requests is null. */
  duration: number;
  valueSize: number;
  keyspace: number;
  distribution: Distribution;
  zipfExponent: number;
  tests: TestName[];
  /** memtier-style mixed run: SETs and GETs interleaved in this proportion. */
  ratio: { set: number; get: number } | null;
  threads: number;
  json: string | null;
  svg: string | null;
  compare: boolean;
  /** --compare-fsync: SET against slotkv and redis-server under each appendfsync setting. */
  compareFsync: boolean;
  /** --memory: bytes per key of each data type, slotkv against redis-server. */
  memory: boolean;
  /** Keys loaded per type in --memory. */
  memoryKeys: number;
  /** --floor: --compare also starts the Node floor (floor-server.ts). */
  floor: boolean;
  quick: boolean;
  /** Rounds of A B C ... alternation in --compare. */
  rounds: number;
  seed: number;
  help: boolean;
}

export const DEFAULTS: Options = {
  host: '127.0.0.1',
  port: 6379,
  password: null,
  clients: 50,
  pipeline: 1,
  requests: null,
  duration: 5,
  valueSize: 3,
  keyspace: 100_000,
  distribution: 'uniform',
  zipfExponent: 0.99,
  tests: ['set', 'get'],
  ratio: null,
  threads: 2,
  json: null,
  svg: null,
  compare: false,
  compareFsync: false,
  memory: false,
  memoryKeys: 1_000_000,
  floor: false,
  quick: false,
  rounds: 3,
  seed: 1,
  help: false,
};

export const USAGE = `Usage: npm run bench -- [options]
  --host H            server host (127.0.0.1)
  --port P            server port (6379)
  --password PW       AUTH before the run
  -c, --clients N     connections (50), spread over the load threads
  -P, --pipeline N    requests in flight per connection (1)
  -n, --requests N    requests per test (default: run for --duration)
  --duration S        seconds per test (5)
  -d, --value-size B  value bytes (3)
  -r, --keyspace N    distinct keys (100000)
  --distribution D    uniform | zipf (uniform)
  --zipf-exponent S   zipf skew (0.99)
  -t, --tests LIST    ${TEST_NAMES.join(',')} (set,get)
  --ratio S:G         mixed SET:GET run instead of --tests, e.g. 1:10
  --threads T         load-generating worker threads (2)
  --json FILE         write results as JSON (default under bench-results/)
  --svg FILE          write the chart (default under bench-results/)
  --compare           start slotkv (default), slotkv (--shards 1 --io-threads 0) and redis-server,
                      run GET/SET at pipeline 1 and 16 against each in alternation
  --compare-fsync     start slotkv and redis-server with appendfsync always, everysec and no (a fresh
                      data dir each, no snapshots), run SET at pipeline 1 and 16 in alternation
  --memory            load --keys small keys of each type (string, hash, list, set, zset) into fresh
                      slotkv (1 shard; default) and redis-server, persistence off; report bytes per key
  --keys N            keys per type in --memory (1000000)
  --floor             with --compare: also start the Node floor, a Node server that answers canned
                      replies (what Node's socket work alone costs; native-free-bench/floor-server.ts)
  --quick             with --compare or --compare-fsync: short runs, finishes in under 2 minutes
  --rounds N          alternation rounds in --compare and --compare-fsync (3)
  --seed N            key generator seed (1)`;

export class OptionError extends Error {}

function int(name: string, text: string | undefined, min: number): number {
  if (text === undefined) throw new OptionError(`${name} needs a value`);
  if (!/^\d+$/.test(text)) throw new OptionError(`${name}: not an integer: ${text}`);
  const n = Number(text);
  if (n < min) throw new OptionError(`${name}: must be at least ${min}`);
  return n;
}

function num(name: string, text: string | undefined, min: number): number {
  if (text === undefined) throw new OptionError(`${name} needs a value`);
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min) throw new OptionError(`${name}: bad number: ${text}`);
  return n;
}

function parseTests(text: string | undefined): TestName[] {
  if (text === undefined) throw new OptionError('--tests needs a value');
  const names = text.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new OptionError('--tests: empty list');
  for (const n of names) {
    if (!(TEST_NAMES as readonly string[]).includes(n)) throw new OptionError(`--tests: unknown test ${n}`);
  }
  return [...new Set(names)] as TestName[];
}

function parseRatio(text: string | undefined): { set: number; get: number } {
  const m = text === undefined ? null : /^(\d+):(\d+)$/.exec(text);
  if (m === null) throw new OptionError(`--ratio: expected SET:GET such as 1:10, got ${text ?? 'nothing'}`);
  const set = Number(m[1]);
  const get = Number(m[2]);
  if (set + get === 0) throw new OptionError('--ratio: both sides are 0');
  return { set, get };
}

const ALIASES: Record<string, string> = {
  '-h': '--host', '-p': '--port', '-a': '--password', '-c': '--clients', '-P': '--pipeline', '-n': '--requests',
  '-d': '--value-size', '-r': '--keyspace', '-t': '--tests', '--data-size': '--value-size',
};

export function parseOptions(argv: readonly string[]): Options {
  const o: Options = { ...DEFAULTS, tests: [...DEFAULTS.tests] };
  let sawDuration = false;
  let sawKeys = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    arg = ALIASES[arg] ?? arg;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (arg) {
      case '--help': o.help = true; break;
      case '--host': o.host = value() ?? ''; if (o.host === '') throw new OptionError('--host needs a value'); break;
      case '--port': o.port = int(arg, value(), 1); if (o.port > 65535) throw new OptionError('--port: out of range'); break;
      case '--password': o.password = value() ?? null; if (o.password === null) throw new OptionError('--password needs a value'); break;
      case '--clients': o.clients = int(arg, value(), 1); break;
      case '--pipeline': o.pipeline = int(arg, value(), 1); break;
      case '--requests': o.requests = int(arg, value(), 1); break;
      case '--duration': o.duration = num(arg, value(), 0.1); sawDuration = true; break;
      case '--value-size': o.valueSize = int(arg, value(), 0); break;
      case '--keyspace': o.keyspace = int(arg, value(), 1); break;
      case '--distribution': {
        const d = value();
        if (d !== 'uniform' && d !== 'zipf') throw new OptionError(`--distribution: uniform or zipf, got ${d ?? 'nothing'}`);
        o.distribution = d;
        break;
      }
      case '--zipf-exponent': o.zipfExponent = num(arg, value(), 0); break;
      case '--tests': o.tests = parseTests(value()); break;
      case '--ratio': o.ratio = parseRatio(value()); break;
      case '--threads': o.threads = int(arg, value(), 1); break;
      case '--json': o.json = value() ?? null; break;
      case '--svg': o.svg = value() ?? null; break;
      case '--compare': o.compare = true; break;
      case '--compare-fsync': o.compareFsync = true; break;
      case '--memory': o.memory = true; break;
      case '--keys': o.memoryKeys = int(arg, value(), 1); sawKeys = true; break;
      case '--quick': o.quick = true; break;
      case '--floor': o.floor = true; break;
      case '--rounds': o.rounds = int(arg, value(), 1); break;
      case '--seed': o.seed = int(arg, value(), 0); break;
      default: throw new OptionError(`unknown option ${argv[i]}`);
    }
  }
  if (o.requests !== null && sawDuration) throw new OptionError('--requests and --duration exclude each other');
  const modes = [o.compare && '--compare', o.compareFsync && '--compare-fsync', o.memory && '--memory'].filter((m) => m !== false);
  if (modes.length > 1) throw new OptionError(`${modes.join(' and ')} exclude each other`);
  if (o.quick && !o.compare && !o.compareFsync) throw new OptionError('--quick only applies to --compare and --compare-fsync');
  if (o.floor && !o.compare) throw new OptionError('--floor only applies to --compare');
  if (sawKeys && !o.memory) throw new OptionError('--keys only applies to --memory');
  // More threads than connections would leave threads idle.
  o.threads = Math.min(o.threads, o.clients);
  return o;
}
