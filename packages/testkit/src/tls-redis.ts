import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { makeTestCertificates } from './certificates.ts';
import { uniqueSuffix } from './services.ts';

/** A Redis server of a test's own that speaks only TLS and requires a password. */
export interface TlsRedis {
  /** `rediss://default:<password>@127.0.0.1:<port>`. */
  readonly url: string;
  /** The PEM of the CA that signed the server's certificate (for 127.0.0.1). */
  readonly ca: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once a TLS handshake with the server, trusting `ca`, succeeds. */
async function handshake(port: number, ca: string, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the TLS Redis on port ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts `redis-server` (from PATH, built with TLS as Debian's is) on a free port with TLS only and a password, its
 * certificate signed by a throwaway CA made with `openssl`: what a managed Redis (`rediss://`) looks like.
 */
export async function startTlsRedis(): Promise<TlsRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'alphintra-redis-tls-'));
  const { ca, caFile, certFile, keyFile } = await makeTestCertificates(dir);
  const password = `pw${uniqueSuffix()}`;
  const port = await freePort();
  const server: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--tls-cert-file',
      certFile,
      '--tls-key-file',
      keyFile,
      '--tls-ca-cert-file',
      caFile,
      '--tls-auth-clients',
      'no',
      '--requirepass',
      password,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  await handshake(port, ca, Date.now() + 20_000);
  return {
    url: `rediss://default:${password}@127.0.0.1:${port}`,
    ca,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
