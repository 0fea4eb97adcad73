import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KAFKA_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka.sh', import.meta.url));

/** Options of {@link ownKafkaBroker}. */
export interface OwnKafkaBrokerOptions {
  /** Client port; the controller listens on the next one. Pick ports no other test uses. */
  readonly port: number;
  /** The one user the client listener accepts (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512); none = PLAINTEXT. */
  readonly sasl?: { readonly username: string; readonly password: string };
}

/** A broker started for one test file. */
export interface OwnKafkaBroker {
  /** `host:port` for `KAFKA_BROKERS` / kafkajs. */
  readonly brokers: string;
  start(): Promise<void>;
  /** Stops the broker and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A Kafka broker of a test's own, run by `scripts/kafka.sh` (the shared broker's script and jars) on other ports
 * and a fresh state directory, so it can be configured differently or stopped without touching the shared one.
 */
export function ownKafkaBroker(options: OwnKafkaBrokerOptions): OwnKafkaBroker {
  let stateDir: string | undefined;
  const script = async (command: 'start' | 'stop') => {
    const env = {
      ...process.env,
      KAFKA_PORT: String(options.port),
      KAFKA_CONTROLLER_PORT: String(options.port + 1),
      KAFKA_STATE_DIR: stateDir,
      KAFKA_SASL_USERNAME: options.sasl?.username ?? '',
      KAFKA_SASL_PASSWORD: options.sasl?.password ?? '',
    };
    await run('bash', [KAFKA_SCRIPT, command], { env });
  };
  return {
    brokers: `127.0.0.1:${options.port}`,
    async start() {
      stateDir = await mkdtemp(join(tmpdir(), 'alphintra-kafka-'));
      await script('start');
    },
    async stop() {
      if (stateDir === undefined) return;
      await script('stop');
      await rm(stateDir, { recursive: true, force: true });
      stateDir = undefined;
    },
  };
}
