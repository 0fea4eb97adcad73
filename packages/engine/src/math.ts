/** Clamps to 0..1. */
export function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Rounds a score to 4 decimals: scores are coarse by nature, and short numbers read better on the wire. */
export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Rounds a ratio to 6 significant digits, keeping tiny values (1e-5 volatility) meaningful. */
export function significant6(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(6));
}
