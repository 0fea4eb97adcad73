import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A GraphQL response that carried errors; `errors` keeps each error's `extensions.code`. */
export class GraphQLRequestError extends Error {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors.map((e) => `${e.message} (${String(e.extensions?.['code'] ?? 'no code')})`).join('; '));
    this.name = 'GraphQLRequestError';
  }

  /** The `extensions.code` of the first error. */
  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.['code'];
    return typeof code === 'string' ? code : undefined;
  }
}

export interface AlphintraClientOptions {
  /** The gateway's HTTP endpoint, e.g. http://localhost:4000/graphql. */
  readonly url: string;
  /** Its WebSocket endpoint; derived from `url` by default. */
  readonly wsUrl?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A typed client of the platform's gateway: queries and mutations over HTTP, subscriptions over graphql-ws. */
export class AlphintraClient {
  readonly #url: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #ws: Client;

  constructor(options: AlphintraClientOptions) {
    this.#url = options.url;
    this.#headers = options.headers ?? {};
    this.#ws = createClient({
      url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 5,
    });
  }

  /** Runs a query or mutation; throws `GraphQLRequestError` when the response has errors. */
  async request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TData> {
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...this.#headers },
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
    });
    const body = (await response.json()) as { data?: TData | null; errors?: GraphQLFormattedError[] };
    if (body.errors?.length) throw new GraphQLRequestError(body.errors);
    if (body.data == null) throw new Error(`no data in the response (HTTP ${response.status})`);
    return body.data;
  }

  /**
   * Subscribes; the iterator yields each event's data and throws `GraphQLRequestError` on an error event.
   * Breaking out of the loop (or calling `return`) unsubscribes.
   */
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): AsyncIterableIterator<TData> {
    const events = this.#ws.iterate<TData>({ query: print(document), variables });
    const next = async (): Promise<IteratorResult<TData>> => {
      const result = await events.next();
      if (result.done) return { done: true, value: undefined };
      if (result.value.errors?.length) throw new GraphQLRequestError(result.value.errors);
      return { done: false, value: result.value.data as TData };
    };
    const iterator: AsyncIterableIterator<TData> = {
      next,
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  async close(): Promise<void> {
    await this.#ws.dispose();
  }
}
