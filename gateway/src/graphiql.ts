import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** Where the gateway serves GraphiQL's own files (from the installed `@graphql-yoga/graphiql`, never a CDN). */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

/** The files the page loads, with their content types: the bundle, its styles and the editor's web workers. */
const ASSETS: Readonly<Record<string, string>> = {
  'graphiql.css': 'text/css; charset=utf-8',
  'yoga-graphiql.umd.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/editor.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/json.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/graphql.worker..bundle.js': 'text/javascript; charset=utf-8',
};

const DIST = dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql'));

/** GraphiQL options the gateway passes to the page (title, default query, ...). */
export type GraphiQLPageOptions = { readonly title?: string; readonly favicon?: string } & Record<string, unknown>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The GraphiQL page of `graphql-yoga`'s `renderGraphiQL`, with every asset URL pointing at the gateway itself
 * ({@link GRAPHIQL_ASSETS_PATH}) instead of unpkg.com, so the page works without Internet access.
 */
export function renderOfflineGraphiQL(options: GraphiQLPageOptions = {}): string {
  const title = escapeHtml(options.title ?? 'GraphiQL');
  const asset = (name: string) => `${GRAPHIQL_ASSETS_PATH}${name}`;
  const workers = {
    editorWorkerService: asset('monacoeditorwork/editor.worker.bundle.js'),
    json: asset('monacoeditorwork/json.worker.bundle.js'),
    graphql: asset('monacoeditorwork/graphql.worker..bundle.js'),
  };
  // `<` escaped so that no option value can close the script element.
  const json = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');
  const favicon = options.favicon === undefined ? '' : `<link rel="icon" href="${escapeHtml(options.favicon)}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
${favicon}
<link rel="stylesheet" href="${asset('graphiql.css')}">
</head>
<body id="body" class="no-focus-outline">
<noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root">Loading ${title}...</div>
<script>
const workers = {};
const workerUrls = ${json(workers)};
function prepareWorkers() {
  return Promise.all(Object.entries(workerUrls).map(async ([name, url]) => {
    const source = await (await fetch(url)).text();
    workers[name] = URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
  }));
}
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => workers[label] };
</script>
<script src="${asset('yoga-graphiql.umd.js')}"></script>
<script>prepareWorkers().finally(() => YogaGraphiQL.renderYogaGraphiQL(root, ${json(options)}));</script>
</body>
</html>`;
}

/** Serves GraphiQL's files under {@link GRAPHIQL_ASSETS_PATH}; each is read once and kept in memory. */
export function useGraphiQLAssets(): GatewayPlugin {
  const cache = new Map<string, Promise<Buffer>>();
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || !url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) return;
      const name = url.pathname.slice(GRAPHIQL_ASSETS_PATH.length);
      const type = ASSETS[name];
      if (type === undefined) {
        endResponse(new fetchAPI.Response('not found', { status: 404 }));
        return;
      }
      let body = cache.get(name);
      if (body === undefined) {
        body = readFile(join(DIST, name));
        cache.set(name, body);
      }
      return body.then((bytes) => {
        endResponse(
          new fetchAPI.Response(new Uint8Array(bytes), {
            headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' },
          }),
        );
      });
    },
  };
}
