import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { ReconnectingSocket, type ReconnectingSocketOptions } from './socket.ts';
import type { FeedState } from './types.ts';

/** A local websocket server; `accept` false answers every upgrade with HTTP 503. */
let server: Server;
let wss: WebSocketServer;
let url: string;
let accept = true;
let connections: WebSocket[] = [];
let opened = 0;
let upgrades = 0;
let socket: ReconnectingSocket | null = null;

beforeEach(async () => {
  accept = true;
  connections = [];
  opened = 0;
  upgrades = 0;
  wss = new WebSocketServer({ noServer: true });
  server = createServer((_request, response) => response.writeHead(404).end());
  server.on('upgrade', (request, tcp, head) => {
    upgrades++;
    if (!accept) {
      tcp.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, tcp, head, (ws) => {
      opened++;
      connections.push(ws);
      ws.on('close', () => {
        connections = connections.filter((other) => other !== ws);
      });
      ws.on('message', (data) => ws.send(`echo:${String(data)}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
});

afterEach(async () => {
  await socket?.stop();
  socket = null;
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function make(extra: Partial<ReconnectingSocketOptions> = {}) {
  const states: FeedState[] = [];
  const messages: string[] = [];
  const made = new ReconnectingSocket({
    name: 'test',
    url: () => url,
    onOpen: () => {},
    onMessage: (text) => messages.push(text),
    onState: (state) => states.push(state),
    staleAfterMs: 30_000,
    backoff: { initialMs: 20, maxMs: 100 },
    breaker: { failures: 3, cooldownMs: 300 },
    ...extra,
  });
  socket = made;
  return { socket: made, states, messages };
}

describe('ReconnectingSocket', () => {
  it('connects, runs onOpen on the new connection, sends and receives', async () => {
    let onOpenSocket: unknown = null;
    const { socket, states, messages } = make({
      onOpen: (ws) => {
        onOpenSocket = ws;
      },
    });
    await socket.start();
    expect(onOpenSocket).not.toBeNull();
    expect(states).toEqual(['CONNECTED']);
    expect(socket.send('hello')).toBe(true);
    await until(() => messages.length === 1, 'the echo');
    expect(messages).toEqual(['echo:hello']);
    expect(socket.stats()).toMatchObject({ state: 'CONNECTED', reconnects: 0 });
  });

  it('reconnects after the server drops the connection, through BACKOFF', async () => {
    const { socket, states } = make();
    await socket.start();
    for (const ws of connections) ws.terminate();
    await until(() => opened === 2 && socket.stats().state === 'CONNECTED', 'the reconnect');
    expect(states).toEqual(['CONNECTED', 'BACKOFF', 'CONNECTED']);
    expect(socket.stats().reconnects).toBe(1);
  });

  it('answers ping frames with their payload and counts them as messages', async () => {
    const { socket } = make();
    await socket.start();
    const before = socket.stats().lastMessageAt ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const server = connections[0];
    if (server === undefined) throw new Error('no connection');
    const pong = new Promise<string>((resolve) => server.once('pong', (data) => resolve(String(data))));
    server.ping('payload-42');
    expect(await pong).toBe('payload-42');
    expect(socket.stats().lastMessageAt ?? 0).toBeGreaterThan(before);
  });

  it('declares STALE after staleAfterMs without any frame, then reconnects', async () => {
    const { socket, states } = make({ staleAfterMs: 300 });
    await socket.start();
    await until(() => opened === 2 && socket.stats().state === 'CONNECTED', 'the reconnect after the stall');
    expect(states.slice(0, 3)).toEqual(['CONNECTED', 'STALE', 'BACKOFF']);
    expect(socket.stats().reconnects).toBe(1);
  });

  it('opens the breaker after N consecutive failed connects, and closes it once a connect works', async () => {
    accept = false;
    const { socket, states } = make();
    await socket.start();
    await until(() => socket.stats().state === 'BREAKER_OPEN', 'the breaker to open');
    expect(upgrades).toBe(3);
    expect(states).toEqual(['BACKOFF', 'BREAKER_OPEN']);
    accept = true;
    await until(() => socket.stats().state === 'CONNECTED', 'the half-open attempt to connect');
  });

  it('counts a failing onOpen as a failed connect', async () => {
    const { socket } = make({
      onOpen: () => {
        throw new Error('subscription refused');
      },
    });
    await socket.start();
    await until(() => socket.stats().state === 'BREAKER_OPEN', 'the breaker to open');
  });

  it('replaces a connection older than maxConnectionMs, opening the new one before closing the old', async () => {
    let rotations = 0;
    let overlap = false;
    const { socket } = make({
      maxConnectionMs: 300,
      onOpen: () => {
        if (connections.length === 2) overlap = true;
      },
      onRotate: () => rotations++,
    });
    await socket.start();
    await until(() => rotations === 1, 'the rotation');
    expect(overlap).toBe(true);
    await until(() => connections.length === 1, 'the old connection to close');
    expect(socket.stats()).toMatchObject({ state: 'CONNECTED', reconnects: 1 });
    expect(socket.send('after')).toBe(true);
  });

  it('stops cleanly: DISCONNECTED and no reconnect', async () => {
    const { socket, states } = make();
    await socket.start();
    await socket.stop();
    await until(() => connections.length === 0, 'the server to see the close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(opened).toBe(1);
    expect(states.at(-1)).toBe('DISCONNECTED');
  });
});
