import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPAT_PATH, renderCompatibility } from '../../../scripts/gen-compat.ts';

describe('docs/compatibility.md', () => {
  it('is what the command table generates (run npm run docs:compat after adding a command)', () => {
    expect(readFileSync(COMPAT_PATH, 'utf8')).toBe(renderCompatibility());
  });

  it('lists a supported command as supported and an absent one as not yet', () => {
    const page = renderCompatibility();
    expect(page).toMatch(/\| GET \| supported \| owning shard \| yes \|/);
    expect(page).toMatch(/\| MIGRATE \| not yet \|/);
  });
});
