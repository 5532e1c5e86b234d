/**
 * One slotkv for a describe block: started in its beforeAll, stopped in its afterAll. What most
 * integration files did by hand with a `let server` and two hooks.
 */
import { afterAll, beforeAll } from 'vitest';
import { startSlotkv, type ServerHandle, type SlotkvOptions } from './servers.ts';

/**
 * Registers the hooks in the enclosing describe and returns the server's handle, usable from
 * the tests on (reading it before beforeAll has run throws).
 */
export function useSlotkv(options: SlotkvOptions): ServerHandle {
  let started: ServerHandle | undefined;
  beforeAll(async () => {
    started = await startSlotkv(options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const server = (): ServerHandle => {
    if (started === undefined) throw new Error('useSlotkv: the server starts in beforeAll');
    return started;
  };
  return {
    get name() {
      return server().name;
    },
    get host() {
      return server().host;
    },
    get port() {
      return server().port;
    },
    get dir() {
      return server().dir;
    },
    output: () => server().output(),
    exited: () => server().exited(),
    stop: () => server().stop(),
    kill: () => server().kill(),
  };
}
