import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTestCertificates } from './certificates.ts';

const run = promisify(execFile);
const KAFKA_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka.sh', import.meta.url));

/** Options of {@link ownKafkaBroker}. */
export interface OwnKafkaBrokerOptions {
  /** Client port; the controller listens on the next one. Pick ports no other test uses. */
  readonly port: number;
  /** The one user the client listener accepts (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512); none = PLAINTEXT. */
  readonly sasl?: { readonly username: string; readonly password: string };
  /**
   * The client listener speaks TLS only (SASL_SSL with `sasl`, else SSL), its certificate for 127.0.0.1 signed by
   * a CA made for this broker at start (`caFile`).
   */
  readonly tls?: boolean;
}

/** A broker started for one test file. */
export interface OwnKafkaBroker {
  /** `host:port` for `KAFKA_BROKERS` / kafkajs. */
  readonly brokers: string;
  /** With `tls`, once started: the PEM file of the CA that signed the broker's certificate (`KAFKA_SSL_CA`). */
  readonly caFile: string | undefined;
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
  let tls: { keystore: string; truststore: string } | undefined;
  const script = async (command: 'start' | 'stop') => {
    const env = {
      ...process.env,
      KAFKA_PORT: String(options.port),
      KAFKA_CONTROLLER_PORT: String(options.port + 1),
      KAFKA_STATE_DIR: stateDir,
      KAFKA_SASL_USERNAME: options.sasl?.username ?? '',
      KAFKA_SASL_PASSWORD: options.sasl?.password ?? '',
      KAFKA_SSL_KEYSTORE: tls?.keystore ?? '',
      KAFKA_SSL_TRUSTSTORE: tls?.truststore ?? '',
    };
    await run('bash', [KAFKA_SCRIPT, command], { env });
  };
  return {
    brokers: `127.0.0.1:${options.port}`,
    get caFile() {
      return tls?.truststore;
    },
    async start() {
      stateDir = await mkdtemp(join(tmpdir(), 'alphintra-kafka-'));
      if (options.tls) {
        const certificates = await makeTestCertificates(stateDir);
        // Kafka's PEM keystore is one file: the private key, then the certificate chain.
        const keystore = join(stateDir, 'keystore.pem');
        const [key, certificate] = await Promise.all([
          readFile(certificates.keyFile, 'utf8'),
          readFile(certificates.certFile, 'utf8'),
        ]);
        await writeFile(keystore, `${key}${certificate}${certificates.ca}`);
        tls = { keystore, truststore: certificates.caFile };
      }
      await script('start');
    },
    async stop() {
      if (stateDir === undefined) return;
      await script('stop');
      await rm(stateDir, { recursive: true, force: true });
      stateDir = undefined;
      tls = undefined;
    },
  };
}
