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
