import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway CA and a server certificate it signed for 127.0.0.1, as PEM files in one directory. */
export interface TestCertificates {
  /** The CA's certificate: what a client is given to trust the server. */
  readonly caFile: string;
  /** Its PEM text. */
  readonly ca: string;
  /** The server's certificate (subjectAltName IP:127.0.0.1). */
  readonly certFile: string;
  /** The server's private key, unencrypted PKCS#8. */
  readonly keyFile: string;
}

/**
 * Makes a CA and a server certificate for 127.0.0.1 with `openssl` (P-256 keys, valid for a day) in `dir`, for
 * servers a test starts with TLS. Nothing of it is trusted beyond the test that passes the CA along.
 */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => join(dir, name);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...key,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=alphintra-test-ca',
  ]);
  await run('openssl', [
    'req',
    ...key,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.crt'),
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
  ]);
  return {
    caFile: file('ca.crt'),
    ca: await readFile(file('ca.crt'), 'utf8'),
    certFile: file('server.crt'),
    keyFile: file('server.key'),
  };
}
