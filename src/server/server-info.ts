/**
 * What connection threads know about the server as a whole: plain data made by the main thread
 * (so it crosses into I/O workers), turned into the ConnServerInfo that handlers read.
 */
import { arch, platform, release } from 'node:os';
import { COMMANDS, lookupCommand } from '../commands/index.ts';
import type { ConnServerInfo } from '../commands/table.ts';
import {
  GAUGE_BLOCKED_CLIENTS,
  GAUGE_CONNECTED_CLIENTS,
  GAUGE_CONNECTIONS_AT_RESET,
  GAUGE_REJECTED_CONNECTIONS,
  GAUGE_TOTAL_CONNECTIONS,
} from '../ring/topology.ts';

export const VERSION = '0.1.0';
/** The Redis version slotkv answers as: clients pick features by it. */
export const REDIS_VERSION = '3.2.100';

export interface ServerInfoData {
  requirePass: string;
  instanceId: string;
  shardCount: number;
  ioThreads: number;
  /** Shard worker threads: 0 with inline-shard (the main thread runs the shard). */
  shardThreads: number;
  databases: number;
  port: number;
  pid: number;
  startedAtMs: number;
  runId: string;
  configFile: string;
  gauges: SharedArrayBuffer;
  /** Every directive's text, for CONFIG GET. */
  config: Map<string, string>;
}

export function serverInfoFor(data: ServerInfoData): ConnServerInfo {
  const gauges = new Int32Array(data.gauges);
  const lines = (fields: [string, string | number][]) => fields.map(([k, v]) => `${k}:${v}`).join('\r\n');
  return {
    requirePass: data.requirePass,
    instanceId: data.instanceId,
    shardCount: data.shardCount,
    databases: data.databases,
    config: data.config,
    redisVersion: REDIS_VERSION,
    commandTable: () => COMMANDS,
    lookup: lookupCommand,
    infoSections() {
      const uptime = Math.floor((Date.now() - data.startedAtMs) / 1000);
      return new Map([
        [
          'server',
          lines([
            ['redis_version', REDIS_VERSION],
            ['slotkv_version', VERSION],
            ['redis_mode', 'standalone'],
            ['os', `${platform()} ${release()} ${arch()}`],
            ['arch_bits', 64],
            ['multiplexing_api', 'epoll'],
            ['node_version', process.versions.node],
            ['process_id', data.pid],
            ['run_id', data.runId],
            ['tcp_port', data.port],
            ['uptime_in_seconds', uptime],
            ['uptime_in_days', Math.floor(uptime / 86400)],
            ['hz', data.config.get('hz') ?? 10],
            ['configured_hz', data.config.get('hz') ?? 10],
            ['shards', data.shardCount],
            ['io_threads', data.ioThreads],
            ['shard_threads', data.shardThreads],
            ['config_file', data.configFile],
          ]),
        ],
        [
          'clients',
          lines([
            ['connected_clients', Atomics.load(gauges, GAUGE_CONNECTED_CLIENTS)],
            ['blocked_clients', Atomics.load(gauges, GAUGE_BLOCKED_CLIENTS)],
          ]),
        ],
        [
          'stats',
          lines([
            ['total_connections_received', (Atomics.load(gauges, GAUGE_TOTAL_CONNECTIONS) - Atomics.load(gauges, GAUGE_CONNECTIONS_AT_RESET)) >>> 0],
            ['rejected_connections', Atomics.load(gauges, GAUGE_REJECTED_CONNECTIONS)],
          ]),
        ],
      ]);
    },
    resetStats() {
      Atomics.store(gauges, GAUGE_CONNECTIONS_AT_RESET, Atomics.load(gauges, GAUGE_TOTAL_CONNECTIONS));
      Atomics.store(gauges, GAUGE_REJECTED_CONNECTIONS, 0);
    },
  };
}
