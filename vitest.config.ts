/**
 * Vitest configuration for the whole suite: unit, integration and differential tests.
 *
 * Integration and differential files start real servers (slotkv and redis-server) as child
 * processes, so each file runs in its own forked process and gets timeouts sized for server
 * startup and 1 MB payloads. The CI machine has 2 cores and every test file also spawns
 * servers, so at most 2 files run at once; more workers would only fight for the same cores
 * and make timing-sensitive tests (TTL tolerance) flaky.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // Differential and integration tests drive thousands of commands over TCP.
    testTimeout: 30_000,
    // beforeAll starts servers; startSlotkv itself gives up after 15 s with the server's output.
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    // A slow file is worth seeing, not failing: the whole suite must stay under 15 minutes.
    slowTestThreshold: 2_000,
  },
});
