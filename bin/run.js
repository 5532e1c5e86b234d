// Launches one of slotkv's TypeScript entry points on the pinned Node 24 (the npm package
// `node`), whichever node started this script: `npm start` and npm scripts already put it on
// PATH, but a bin can also be called from a shell whose node is older. Plain JS on purpose.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs entry in this process when it is Node 24 already started with nodeFlags, else in a child
 * on the pinned Node with them, passing signals on and its exit code back.
 */
export function run(entry, nodeFlags = []) {
  const script = join(root, entry);
  const args = process.argv.slice(2);
  const modern = Number(process.versions.node.split('.')[0]) >= 24;
  if (modern && nodeFlags.every((f) => process.execArgv.includes(f))) {
    return import(script);
  }
  const node = modern ? process.execPath : pinnedNode();
  const child = spawn(node, [...nodeFlags, script, ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function pinnedNode() {
  const local = join(root, 'node_modules', '.bin', 'node');
  if (existsSync(local)) return local;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('node/package.json')), 'bin', 'node');
}
