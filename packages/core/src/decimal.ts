/**
 * Formats a computed price (a stop, a target) as a plain decimal string rounded to the instrument's tick
 * precision: never exponent notation, never fewer decimals than the market quotes (prices can be 1e-8).
 */
export function formatPrice(value: number, decimals: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite price: ${value}`);
  const fixed = value.toFixed(decimals);
  if (!fixed.includes('.')) return fixed;
  const trimmed = fixed.replace(/0+$/, '');
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

/** Number of decimals in a decimal string ("0.00141342" -> 8). */
export function decimalPlaces(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}
