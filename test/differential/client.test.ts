/**
 * CLIENT PAUSE and UNPAUSE argument checks compared byte for byte with redis-server; what a pause
 * does to other clients is in integration/client-pause.test.ts.
 */
import { describe, it } from 'vitest';
import { useDifferential } from '../helpers/differential.ts';
import { SLOTKV_CONFIGS } from '../helpers/servers.ts';

describe.each(SLOTKV_CONFIGS)('CLIENT PAUSE matches redis-server ($name)', (config) => {
  const s = useDifferential(config);

  it('checks its timeout and mode as Redis 7.0 does', () =>
    s.d.run([
      ['CLIENT', 'PAUSE'], ['CLIENT', 'PAUSE', 'x'], ['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', '1.5'],
      ['CLIENT', 'PAUSE', '99999999999999999999'], ['CLIENT', 'PAUSE', '10', 'foo'], ['CLIENT', 'PAUSE', '10', '1'],
      ['CLIENT', 'PAUSE', '10', 'all', 'x'], ['CLIENT', 'PAUSE', '0'], ['CLIENT', 'PAUSE', '0', 'WRITE'],
      ['CLIENT', 'UNPAUSE', 'x'], ['CLIENT', 'UNPAUSE'], ['PING'],
    ]));
});
