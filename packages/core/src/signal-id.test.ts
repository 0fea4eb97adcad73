import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signalId } from './signal.ts';

/** The signal id test vectors of docs/contract.md: the rows of the table whose header starts `| strategy id`. */
function contractVectors() {
  const lines = readFileSync(new URL('../../../docs/contract.md', import.meta.url), 'utf8').split('\n');
  const header = lines.findIndex((line) => /^\|\s*strategy id\s*\|/.test(line));
  if (header < 0) throw new Error('docs/contract.md has no signal id test vector table');
  const rows: { strategyId: string; version: number; symbol: string; closeTime: number; id: string }[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [strategyId = '', version = '', symbol = '', closeTime = '', id = ''] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim().replaceAll('`', ''));
    rows.push({ strategyId, version: Number(version), symbol, closeTime: Number(closeTime), id });
  }
  return rows;
}

/**
 * The recipe as docs/contract.md states it, written byte-wise (RFC 9562 UUIDv8) rather than on hex digits as
 * `signalId` is, so the two only agree if both follow the documented recipe.
 */
function documentedRecipe(strategyId: string, version: number, symbol: string, closeTime: number): string {
  const bytes = createHash('sha256').update(`${strategyId}|${version}|${symbol}|${closeTime}`, 'utf8').digest();
  const uuid = Buffer.from(bytes.subarray(0, 16));
  uuid[6] = ((uuid[6] ?? 0) & 0x0f) | 0x80;
  uuid[8] = ((uuid[8] ?? 0) & 0x3f) | 0x80;
  const hex = uuid.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

describe('signal id test vectors (docs/contract.md)', () => {
  const vectors = contractVectors();

  it('has at least three well-formed rows', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(3);
    for (const row of vectors) {
      expect(Number.isInteger(row.version) && Number.isInteger(row.closeTime)).toBe(true);
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('signalId gives every documented id', () => {
    for (const row of vectors) {
      expect(signalId(row.strategyId, row.version, row.symbol, row.closeTime), JSON.stringify(row)).toBe(row.id);
    }
  });

  it('the documented recipe gives every documented id', () => {
    for (const row of vectors) {
      expect(documentedRecipe(row.strategyId, row.version, row.symbol, row.closeTime), JSON.stringify(row)).toBe(
        row.id,
      );
    }
  });
});
