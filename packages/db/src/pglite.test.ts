import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, openPglite } from './pglite.ts';

describe('a PGlite data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alphintra-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused while another live process holds it', async () => {
    writeFileSync(join(dir, 'alphintra.lock'), String(process.ppid));
    await expect(openPglite(dir)).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(openPglite(dir)).rejects.toThrow(/set DATA_DIR to another directory/);
  });

  it('is taken over from a process that died, and released on close', async () => {
    writeFileSync(join(dir, 'alphintra.lock'), '2147480000');
    const database = await openPglite(dir);
    expect(readFileSync(join(dir, 'alphintra.lock'), 'utf8')).toBe(String(process.pid));
    await database.close();
    expect(() => readFileSync(join(dir, 'alphintra.lock'))).toThrow(/ENOENT/);
  });
});
