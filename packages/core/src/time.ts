/** Answers kept by `isoTime` before it starts again. */
const KEPT = 256;
const kept = new Map<number, string>();

/**
 * `new Date(ms).toISOString()` (ISO 8601, UTC, milliseconds), with the latest answers kept: the signals of one
 * candle share their timestamp, and often their expiry, and formatting a date costs about a microsecond each time.
 */
export function isoTime(ms: number): string {
  let text = kept.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (kept.size >= KEPT) kept.clear();
    kept.set(ms, text);
  }
  return text;
}
