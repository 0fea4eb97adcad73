import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { type Database, MIGRATIONS_FOLDER } from './client.ts';
import * as schema from './schema/index.ts';

/** Another process has the PGlite data directory open. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`${dataDir} is in use by process ${pid}: stop it, or set DATA_DIR to another directory`);
    this.name = 'DataDirInUseError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Takes the data directory for this process. PGlite is single-process: a second one writing the same files
 * would corrupt them. A lock left by a process that has died is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = join(dataDir, 'alphintra.lock');
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lock, 'utf8'));
    if (holder !== process.pid && Number.isInteger(holder) && isRunning(holder)) {
      throw new DataDirInUseError(dataDir, holder);
    }
    writeFileSync(lock, String(process.pid));
  }
  return () => rmSync(lock, { force: true });
}

/** Embedded Postgres (PGlite), kept in `dataDir` or in memory; migrations applied. */
export async function openPglite(dataDir?: string): Promise<Database> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    const client = dataDir ? new PGlite(dataDir) : new PGlite();
    const db = drizzle({ client, schema, casing: 'snake_case' });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
