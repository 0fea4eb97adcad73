/**
 * Composes `schema/supergraph.graphql` (what the gateway runs) and `schema/api.graphql` (what clients see) from
 * the subgraphs' SDL: `pnpm compose`. With `--check`, fails when the committed files differ from a fresh
 * composition.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { COMPOSED_FILES, compose } from '../gateway/src/compose.ts';

const fresh = compose();
const check = process.argv.includes('--check');
let stale = false;
for (const [kind, file] of Object.entries(COMPOSED_FILES) as [keyof typeof COMPOSED_FILES, URL][]) {
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== fresh[kind]) {
      console.error(`${file.pathname} is stale: run \`pnpm compose\``);
      stale = true;
    }
  } else {
    writeFileSync(file, fresh[kind]);
    console.log(`wrote ${file.pathname}`);
  }
}
if (stale) process.exit(1);
