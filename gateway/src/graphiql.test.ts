import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_ASSETS_PATH, renderOfflineGraphiQL } from './graphiql.ts';
import { type RunningGateway, startGateway } from './server.ts';

/** Debian's `chromium` package; CI installs it (`.ci/run`), elsewhere the browser test is skipped without it. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env['CI'] === 'true') {
  throw new Error(`${CHROMIUM} is missing: CI=true requires the GraphiQL browser test (apt-get install -y chromium)`);
}

describe('GraphiQL offline', () => {
  let gateway: RunningGateway;
  let origin: string;

  beforeAll(async () => {
    // The committed supergraph; no subgraph is needed to load GraphiQL and introspect the schema.
    gateway = await startGateway({ port: 0, host: '127.0.0.1', logging: false });
    origin = new URL(gateway.url).origin;
  });
  afterAll(() => gateway?.close());

  it('names only the gateway itself as the source of every asset, each served with its content type', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(page.status).toBe(200);
    // (The logo's SVG names its XML namespace by URL; that is not a request.)
    expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs|(?:src|href)="https?:/);
    const assets = [...html.matchAll(/(?:href|src)="([^"]+)"|"(\/graphiql\/[^"]+)"/g)]
      .map((m) => m[1] ?? m[2])
      .filter((url) => !url?.startsWith('data:'));
    expect(assets.length).toBe(5);
    for (const path of assets) {
      expect(path?.startsWith(GRAPHIQL_ASSETS_PATH)).toBe(true);
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(path?.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect((await fetch(`${origin}${GRAPHIQL_ASSETS_PATH}../package.json`)).status).toBe(404);
  });

  it('keeps option values from closing the script element', () => {
    const html = renderOfflineGraphiQL({ title: '<b>x</b>', defaultQuery: '</script><script>alert(1)</script>' });
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('<title>&#60;b&#62;x&#60;/b&#62;</title>');
  });

  describe.skipIf(!haveChromium)('in headless Chromium with no network but 127.0.0.1', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        // Every host name but 127.0.0.1 fails to resolve: nothing can leave the machine even past interception.
        args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      });
    });
    afterAll(() => browser?.close());

    it('renders the editor, introspects the schema through the gateway, and sends no request anywhere else', async () => {
      const page = await browser.newPage();
      const requested: string[] = [];
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        const url = new URL(request.url());
        requested.push(request.url());
        if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') void request.continue();
        else void request.abort();
      });
      // GraphiQL's introspection query goes to the gateway and gets the schema.
      const introspection = page.waitForResponse(
        (response) => response.url() === gateway.url && response.request().method() === 'POST',
        { timeout: 30_000 },
      );
      await page.goto(gateway.url, { waitUntil: 'load' });
      await page.waitForSelector('.graphiql-container .graphiql-query-editor .monaco-editor', { timeout: 30_000 });
      const introspected = await introspection;
      expect(introspected.status()).toBe(200);
      expect(JSON.stringify(await introspected.json())).toContain('"__schema"');

      const elsewhere = requested.filter((url) => {
        const { origin: from, protocol } = new URL(url);
        return from !== origin && protocol !== 'data:' && protocol !== 'blob:';
      });
      expect(elsewhere).toEqual([]);
      expect(requested.some((url) => url.endsWith('yoga-graphiql.umd.js'))).toBe(true);
    });
  });
});
