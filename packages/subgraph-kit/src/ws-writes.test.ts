import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { coalesceWrites } from './ws-writes.ts';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Subscription { burst(size: Int!): Int! }
`);

const EVENTS = 10;

/** A graphql-ws server whose `burst` subscription yields `size` events at once, as a batch from the pub/sub does. */
async function serve(coalesce: boolean) {
  const httpServer = createServer();
  const wsServer = new WebSocketServer({ server: httpServer });
  if (coalesce) coalesceWrites(wsServer);
  // Writes the server's socket hands to the kernel, counted from the first subscription event on.
  const writes = { count: 0, counting: false };
  wsServer.on('connection', (_socket: WebSocket, request: IncomingMessage) => {
    // The stream's own writes to the kernel: `_write` for one chunk, `_writev` for several at once.
    type KernelWrite = (...args: unknown[]) => void;
    const raw = request.socket as Socket & { _write: KernelWrite; _writev: KernelWrite };
    for (const method of ['_write', '_writev'] as const) {
      const original = raw[method].bind(raw);
      raw[method] = (...args: unknown[]) => {
        if (writes.counting) writes.count++;
        original(...args);
      };
    }
  });
  const disposable = useServer(
    {
      schema,
      roots: {
        subscription: {
          burst: async function* ({ size }: { size: number }) {
            writes.counting = true;
            for (let index = 0; index < size; index++) yield { burst: index };
          },
        },
      },
    },
    wsServer,
  );
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const close = async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  };
  return { url: `ws://127.0.0.1:${port}`, writes, close };
}

async function receive(url: string): Promise<number[]> {
  const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
  try {
    const received: number[] = [];
    for await (const result of client.iterate<{ burst: number }>({
      query: `subscription { burst(size: ${EVENTS}) }`,
    })) {
      received.push(result.data?.burst ?? -1);
    }
    return received;
  } finally {
    await client.dispose();
  }
}

describe('coalesceWrites', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it('sends the events a subscription yields at once in one socket write, in order', async () => {
    const server = await serve(true);
    closing.push(server.close);
    expect(await receive(server.url)).toEqual(Array.from({ length: EVENTS }, (_, index) => index));
    // The ten `next` messages and the `complete` that follows them in the same turn.
    expect(server.writes.count).toBe(1);
  });

  it('is needed: without it graphql-ws writes each event on its own', async () => {
    const server = await serve(false);
    closing.push(server.close);
    expect(await receive(server.url)).toEqual(Array.from({ length: EVENTS }, (_, index) => index));
    expect(server.writes.count).toBeGreaterThanOrEqual(EVENTS);
  });

  it('passes on the error of a send on a closed socket', async () => {
    const httpServer = createServer();
    const wsServer = new WebSocketServer({ server: httpServer });
    coalesceWrites(wsServer);
    const opened = new Promise<WebSocket>((resolve) => wsServer.on('connection', resolve));
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    closing.push(() => new Promise<void>((resolve) => httpServer.close(() => resolve())));
    const { port } = httpServer.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => client.once('open', resolve));
    const socket = await opened;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    client.close();
    await closed;
    const error = await new Promise<Error | undefined>((resolve) => socket.send('late', resolve));
    expect(error?.message).toMatch(/WebSocket is not open/);
  });
});
