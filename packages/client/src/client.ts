import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, type GraphQLFormattedError, getOperationAST, Kind, print } from 'graphql';
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
  /** A JWT or API key: sent as `Authorization: Bearer` over HTTP and as `connectionParams.authorization` over graphql-ws. */
  readonly token?: string;
  /**
   * How many times in a row a lost connection is retried (and, for a resumable `signals` subscription, how many
   * times in a row it is resubscribed after the server ended it) before the subscription fails. Default 10.
   */
  readonly retryAttempts?: number;
}

/** Error codes that say the request itself is wrong: resubscribing would fail again, so they end a subscription. */
const FINAL_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
]);

function isFinal(errors: readonly GraphQLFormattedError[]): boolean {
  return errors.some((e) => FINAL_CODES.has(String(e.extensions?.['code'])));
}

/** Back-off between reconnects and resubscriptions: 250 ms doubling to 5 s, with full jitter. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(5_000, 250 * 2 ** attempt);
}

/**
 * The response key of the root `signals` field of a subscription that declares a `$since` variable: such a
 * subscription can be resumed after the last signal received. Null for any other operation.
 */
function resumableField(document: DocumentNode): string | null {
  const operation = getOperationAST(document);
  if (operation?.operation !== 'subscription') return null;
  if (!operation.variableDefinitions?.some((v) => v.variable.name.value === 'since')) return null;
  const [field] = operation.selectionSet.selections;
  if (field?.kind !== Kind.FIELD || field.name.value !== 'signals') return null;
  return field.alias?.value ?? field.name.value;
}

/** A typed client of the platform's gateway: queries and mutations over HTTP, subscriptions over graphql-ws. */
export class AlphintraClient {
  readonly #url: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #ws: Client;
  readonly #retryAttempts: number;

  constructor(options: AlphintraClientOptions) {
    this.#url = options.url;
    const authorization = options.token === undefined ? undefined : `Bearer ${options.token}`;
    this.#headers = { ...options.headers, ...(authorization ? { authorization } : {}) };
    this.#retryAttempts = options.retryAttempts ?? 10;
    this.#ws = createClient({
      url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      ...(authorization ? { connectionParams: { authorization } } : {}),
      retryAttempts: this.#retryAttempts,
      // A refused connection (the gateway restarting) is an error event, not a close event: retry it as well.
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoffMs(retries))),
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
   * Breaking out of the loop (or calling `return`) unsubscribes. A lost connection is reconnected (with back-off,
   * up to `retryAttempts` times in a row).
   *
   * A `signals` subscription that declares `$since` (`LiveSignalsDocument`, `SequencedSignalsDocument`) resumes
   * by itself: whenever its connection is lost, or the server ends it with an error that is not the request's
   * fault (a subgraph restarting), it subscribes again with `since` = the id of the last signal received, and the
   * server sends the signals stored after it before the live ones. The iterator is then one stream in delivery
   * order with no gap and no duplicate across disconnects. Before the first signal there is nothing to resume
   * from: pass `since` (a signal id or an ISO time) to close that window too. An error with a user-facing code
   * (`BAD_USER_INPUT` for a `since` that names no signal, ...) is thrown, not retried; so is the last error after
   * `retryAttempts` resubscriptions in a row without a signal in between.
   */
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): AsyncIterableIterator<TData> {
    const field = resumableField(document);
    if (field !== null) return this.#resumable<TData>(print(document), variables, field);
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

  /** A `signals` subscription that resubscribes from the last signal received (see `subscribe`). */
  #resumable<TData>(query: string, variables: Record<string, unknown>, field: string): AsyncIterableIterator<TData> {
    const ws = this.#ws;
    const retryAttempts = this.#retryAttempts;
    const ready: TData[] = [];
    let failure: unknown = null;
    let ended = false;
    let wake: (() => void) | null = null;
    let since = (variables['since'] as string | null | undefined) ?? null;
    let current: (() => void) | null = null;
    let attempts = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const notify = () => {
      const resolve = wake;
      wake = null;
      resolve?.();
    };
    const stopCurrent = () => {
      current?.();
      current = null;
    };
    const finish = (error: unknown) => {
      if (ended) return;
      ended = true;
      failure = error;
      clearTimeout(timer);
      stopCurrent();
      offClosed();
      notify();
    };
    /** The server ended the subscription, or it failed for a reason resubscribing can cure: try again, later. */
    const retry = (reason: unknown) => {
      stopCurrent();
      if (attempts >= retryAttempts) return finish(reason);
      timer = setTimeout(start, backoffMs(attempts++));
    };
    const start = () => {
      if (ended) return;
      let active = true;
      const dispose = ws.subscribe<TData>(
        { query, variables: { ...variables, since } },
        {
          next: (result) => {
            if (!active) return;
            if (result.errors?.length) {
              const error = new GraphQLRequestError(result.errors);
              return isFinal(result.errors) ? finish(error) : retry(error);
            }
            const id = (result.data as Record<string, { id?: unknown } | undefined> | null | undefined)?.[field]?.id;
            if (typeof id === 'string') since = id;
            attempts = 0;
            ready.push(result.data as TData);
            notify();
          },
          error: (error: unknown) => {
            if (!active) return;
            // An array is the server's `error` message (the operation was refused); anything else is the
            // connection given up after `retryAttempts`, or a fatal close.
            if (Array.isArray(error)) {
              const refused = new GraphQLRequestError(error as GraphQLFormattedError[]);
              return isFinal(refused.errors) ? finish(refused) : retry(refused);
            }
            finish(error);
          },
          complete: () => {
            if (active) retry(new Error('the server ended the subscription'));
          },
        },
      );
      current = () => {
        active = false;
        dispose();
      };
    };
    // The socket closed: graphql-ws would resubscribe with the variables it was first given, so this subscription
    // is replaced by one that resumes after the last signal received (it waits for the reconnect).
    const offClosed = ws.on('closed', () => {
      if (ended || current === null) return;
      stopCurrent();
      start();
    });
    start();

    const iterator: AsyncIterableIterator<TData> = {
      next: async () => {
        for (;;) {
          const data = ready.shift();
          if (data !== undefined) return { done: false, value: data };
          if (ended) {
            if (failure !== null) {
              const error = failure;
              failure = null;
              throw error;
            }
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      },
      return: async () => {
        ready.length = 0;
        finish(null);
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
