import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import type { LatencySummary } from './measure.ts';

/** A whole number with thousands separators. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Milliseconds with three decimals (microsecond resolution). */
export function ms(value: number): string {
  return value.toFixed(3);
}

/** `p50 / p90 / p99 / max` in ms, or `n/a` without samples. */
export function latencyLine(summary: LatencySummary | null): string {
  if (summary === null) return 'n/a (no samples)';
  return `${ms(summary.p50)} / ${ms(summary.p90)} / ${ms(summary.p99)} / ${ms(summary.max)} (n=${count(summary.count)})`;
}

/** An aligned plain-text table with a header rule; numbers are expected pre-formatted. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

/** A command-line option that must be a whole number ≥ 0, or `fallback` when absent. */
export function integerOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new RangeError(`--${name} must be a non-negative integer`);
  return parsed;
}

/** Runs one part of a benchmark; a failure is reported beside the other parts' figures instead of losing them. */
export async function attempt<T>(run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The machine a report was measured on, for the head of each `bench/results/*.json`. */
export function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage1m: loadavg()[0] ?? 0,
  };
}

/** Writes a report as pretty JSON, creating `bench/results/` if needed, and says where. */
export function writeReport(url: URL, report: unknown): void {
  mkdirSync(new URL('.', url), { recursive: true });
  writeFileSync(url, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${url.pathname}`);
}
