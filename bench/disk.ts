import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { type LatencySummary, Samples } from './measure.ts';
import { integerOption } from './report.ts';

/** What `measureDiskFlush` measured. */
export interface DiskFlushResult {
  /** Where the probe wrote (a temporary directory, removed afterwards). */
  readonly directory: string;
  /** Whether that is the file system of `sameDeviceAs` (the database's data directory), null when not asked or unreadable. */
  readonly sameDevice: boolean | null;
  readonly intervalMs: number;
  /** Time of each write + `fdatasync`, ms. */
  readonly flush: LatencySummary | null;
  /** Flushes that took longer than `stallMs`. */
  readonly stalls: number;
  readonly stallMs: number;
  /** Share of the probe's wall time spent inside those flushes: 0.05 = 5 %. */
  readonly stalledShare: number;
}

/**
 * Times what a durable commit waits for on this machine's disk: an 8 KB write (one WAL page) and `fdatasync`, every
 * `intervalMs` for `seconds`, in a temporary directory. A flush over `stallMs` holds up every commit behind it, so
 * `stalledShare` is the share of the time in which no commit, however small, can be acknowledged within `stallMs`.
 */
export async function measureDiskFlush(
  options: {
    seconds?: number;
    intervalMs?: number;
    stallMs?: number;
    /** The directory to probe in (in a temporary directory made there). Default: the system's temporary directory. */
    in?: string;
    sameDeviceAs?: string | null;
  } = {},
): Promise<DiskFlushResult> {
  const seconds = options.seconds ?? 10;
  const intervalMs = options.intervalMs ?? 10;
  const stallMs = options.stallMs ?? 10;
  const directory = mkdtempSync(join(options.in ?? tmpdir(), 'alphintra-disk-'));
  let sameDevice: boolean | null = null;
  if (options.sameDeviceAs) {
    try {
      sameDevice = statSync(options.sameDeviceAs).dev === statSync(directory).dev;
    } catch {
      sameDevice = null;
    }
  }
  const page = Buffer.alloc(8_192, 0x5a);
  const samples = new Samples();
  let stalls = 0;
  let stalledMs = 0;
  const file = openSync(join(directory, 'probe'), 'w');
  const started = performance.now();
  try {
    for (let index = 0; performance.now() - started < seconds * 1_000; index++) {
      const before = performance.now();
      // Over a small file, as a WAL segment is rewritten in place.
      writeSync(file, page, 0, page.length, (index % 128) * page.length);
      fdatasyncSync(file);
      const took = performance.now() - before;
      samples.push(took);
      if (took > stallMs) {
        stalls++;
        stalledMs += took;
      }
      await sleep(Math.max(0, intervalMs - took));
    }
  } finally {
    closeSync(file);
    rmSync(directory, { recursive: true, force: true });
  }
  return {
    directory,
    sameDevice,
    intervalMs,
    flush: samples.summary(),
    stalls,
    stallMs,
    stalledShare: stalledMs / (performance.now() - started),
  };
}

// `tsx bench/disk.ts [seconds] [directory]`: the probe alone, in a directory of the disk to judge, e.g. on a host meant
// for PostgreSQL (`pnpm bench:disk 30 /var/lib/postgresql`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureDiskFlush({
    seconds: integerOption('seconds', process.argv[2], 10),
    ...(process.argv[3] === undefined ? {} : { in: process.argv[3] }),
  });
  console.log(JSON.stringify(result, null, 2));
}
