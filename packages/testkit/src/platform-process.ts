import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../platform/src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A `pnpm start` running in a child process. */
export interface PlatformProcess {
  /** Its gateway's GraphQL URL (on 127.0.0.1). */
  readonly url: string;
  /** Its process id. */
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Sends SIGTERM (or `signal`) and resolves with its exit code; null when it was already gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `packages/platform/src/main.ts` in a child process with `env` over this process's environment (JSON logs,
 * the gateway on a free port of 127.0.0.1), and resolves once its gateway is up; rejects with its output when it
 * exits first.
 */
export async function startPlatformProcess(env: Readonly<Record<string, string>>): Promise<PlatformProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /localhost:(\d+)\/graphql/.exec(output)?.[1];
      if (port !== undefined) resolve(`http://127.0.0.1:${port}/graphql`);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then((code) => reject(new Error(`the platform process exited (${code}): ${output.slice(-2_000)}`)));
  });
  return {
    url,
    pid: child.pid as number,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
