import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from './server.ts';

describe('gateway health endpoints', () => {
  let gateway: RunningGateway;
  let origin: string;
  const state = { pubsub: 'up' as 'up' | 'down' | 'hanging' };

  beforeAll(async () => {
    gateway = await startGateway({
      port: 0,
      host: '127.0.0.1',
      logging: false,
      readiness: {
        database: async () => {},
        pubsub: () => {
          if (state.pubsub === 'down') return Promise.reject(new Error('ECONNREFUSED redis://default:pw@cache'));
          if (state.pubsub === 'hanging') return new Promise(() => {});
          return Promise.resolve();
        },
      },
    });
    origin = new URL(gateway.url).origin;
  });
  afterAll(() => gateway?.close());

  const readiness = async () => {
    const response = await fetch(`${origin}/readiness`);
    return { status: response.status, body: await response.json() };
  };

  it('is ready when every dependency answers', async () => {
    expect(await readiness()).toEqual({ status: 200, body: { status: 'ready', checked: ['database', 'pubsub'] } });
    expect((await fetch(`${origin}/healthcheck`)).status).toBe(200);
    // Hive Gateway's own check (the supergraph is loaded) keeps a path of its own.
    expect((await fetch(`${origin}/readiness/supergraph`)).status).toBe(200);
  });

  it('names a dependency that fails or does not answer, without its error text, and stays live', async () => {
    state.pubsub = 'down';
    const down = await readiness();
    expect(down).toEqual({ status: 503, body: { status: 'unavailable', failed: ['pubsub'] } });
    state.pubsub = 'hanging';
    expect(await readiness()).toEqual(down);
    expect((await fetch(`${origin}/healthcheck`)).status).toBe(200);
    state.pubsub = 'up';
    expect((await readiness()).status).toBe(200);
  });
});
