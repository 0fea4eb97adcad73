import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** What each kind of local process used over an interval: busy share of one core, 1 = a whole core. */
export interface MachineCpu {
  /** The whole machine: busy time of all cores over the interval, as cores (2 = two cores busy throughout). */
  readonly machineCores: number;
  /** Cores the machine has. */
  readonly cores: number;
  /** By kind of process, as cores busy on average. */
  readonly byProcess: Readonly<Record<string, number>>;
}

/** How a process is recognised from its `comm` and command line: the first kind that matches. */
export type ProcessKinds = Readonly<
  Record<string, (process: { pid: number; comm: string; cmdline: string }) => boolean>
>;

interface Snapshot {
  readonly at: number;
  readonly machineBusy: number;
  readonly byProcess: Map<string, number>;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/**
 * Reads Linux's `/proc`: the machine's CPU time (`/proc/stat`) and each process's user + system time
 * (`/proc/<pid>/stat`), summed by kind. Null where there is no `/proc`. Processes that start or end during the
 * interval count for the part of it they were seen in both snapshots, or from zero if they started in it.
 */
function snapshot(kinds: ProcessKinds): Snapshot | null {
  const stat = read('/proc/stat');
  if (stat === null) return null;
  // cpu  user nice system idle iowait irq softirq steal ...
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const byProcess = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const procStat = read(`/proc/${entry}/stat`);
    if (procStat === null) continue;
    // The command name is in parentheses and may hold spaces: the fields after it are counted from its end.
    const close = procStat.lastIndexOf(')');
    const comm = procStat.slice(procStat.indexOf('(') + 1, close);
    const rest = procStat.slice(close + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    const cmdline = (read(`/proc/${entry}/cmdline`) ?? '').replaceAll('\0', ' ');
    const kind = Object.entries(kinds).find(([, matches]) => matches({ pid: Number(entry), comm, cmdline }))?.[0];
    if (kind !== undefined) byProcess.set(`${kind}\u0000${entry}`, ticks);
  }
  return { at: performance.now(), machineBusy: total - idle, byProcess };
}

/** Starts measuring; the function it returns ends the interval and answers what was used (null without `/proc`). */
export function measureMachineCpu(kinds: ProcessKinds): () => MachineCpu | null {
  const start = snapshot(kinds);
  return () => {
    const end = snapshot(kinds);
    if (start === null || end === null) return null;
    const seconds = (end.at - start.at) / 1_000;
    const byProcess: Record<string, number> = {};
    for (const kind of Object.keys(kinds)) byProcess[kind] = 0;
    for (const [key, ticks] of end.byProcess) {
      const kind = key.slice(0, key.indexOf('\u0000'));
      const used = ticks - (start.byProcess.get(key) ?? 0);
      byProcess[kind] = (byProcess[kind] ?? 0) + used / TICKS_PER_SECOND / seconds;
    }
    return {
      machineCores: (end.machineBusy - start.machineBusy) / TICKS_PER_SECOND / seconds,
      cores: availableParallelism(),
      byProcess,
    };
  };
}

/** USER_HZ: the unit of `/proc` CPU times, 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;
