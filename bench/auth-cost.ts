/**
 * `pnpm bench:auth`: the auth-cost part of `pnpm bench` alone (see `runAuthCost`), to repeat it on a noisy machine.
 * Prints the table and writes `bench/results/auth-cost.json`. Options: `--events <n>` (signals per mode over all
 * rounds, default 300), `--rate <n>` (signals/s, default 50).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { authCostReport, runAuthCost } from './gateway.ts';

const { values } = parseArgs({ options: { events: { type: 'string' }, rate: { type: 'string' } } });
const events = Number(values.events ?? 300);
const rate = Number(values.rate ?? 50);
if (!Number.isInteger(events) || events < 1 || !Number.isFinite(rate) || rate <= 0) {
  throw new RangeError('--events must be a positive integer and --rate a positive number');
}
// Other work on a small machine moves the figures: the load at the start and the end says how quiet it was.
const loadBefore = loadavg()[0] ?? 0;
const result = await runAuthCost({ events, rate });
const loadAfter = loadavg()[0] ?? 0;
console.log(`load average ${loadBefore.toFixed(2)} -> ${loadAfter.toFixed(2)}`);
console.log(authCostReport(result));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/auth-cost.json', import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, ...result }, null, 2)}\n`,
);
