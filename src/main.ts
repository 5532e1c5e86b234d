/**
 * slotkv-server entry: `slotkv-server [redis.conf] [--name value ...]`. Prints one line when it
 * listens (version, port, shards, pid) and shuts down cleanly on SIGTERM and SIGINT.
 */
import { parseCommandLine } from './config/config.ts';
import { SlotkvError } from './errors.ts';
import { Server } from './server/server.ts';
import { VERSION } from './server/server-info.ts';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(`slotkv-server v=${VERSION} node=${process.versions.node}`);
    return;
  }
  const config = parseCommandLine(argv);
  const configFile = argv[0] !== undefined && !argv[0].startsWith('--') ? argv[0] : '';
  const server = new Server(config, configFile);
  await server.start();
  console.log(
    `slotkv ${VERSION} ready: port ${server.port}, shards ${config.shards}${config.inlineShard ? ' (inline)' : ''}, io-threads ${config.ioThreads}, pid ${process.pid}`,
  );
  // A second signal during shutdown (SHUTDOWN sends one itself) must not cut it short.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`slotkv: ${signal} received, shutting down`);
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof SlotkvError) console.error(`slotkv: ${err.message} (${err.code})`);
  else console.error('slotkv: fatal:', err);
  process.exit(1);
});
