import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdentitySigner, IdentityVerifier, UntrustedIdentityError } from './internal-token.ts';

const SECRET = 'a-gateway-secret-of-at-least-32-characters';
const key = (secret: string) => new TextEncoder().encode(secret);

describe('identities signed by the gateway', () => {
  it('reuses one token per identity while it is young', async () => {
    const signer = new IdentitySigner(SECRET);
    const alice = await signer.sign({ sub: 'alice', role: 'trader' });
    expect(await signer.sign({ sub: 'alice', role: 'trader' })).toBe(alice);
    expect(await signer.sign({ sub: 'alice', role: 'viewer' })).not.toBe(alice);
  });

  it('round-trips sub, role and API key', async () => {
    const token = await new IdentitySigner(SECRET).sign({ sub: 'alice', role: 'trader', apiKeyId: 'k-1' });
    await expect(new IdentityVerifier(SECRET).verify(token)).resolves.toEqual({
      sub: 'alice',
      role: 'trader',
      apiKeyId: 'k-1',
    });
  });

  it('refuses none, another secret, an unsigned token, an expired one and a bad role', async () => {
    const verifier = new IdentityVerifier(SECRET);
    const claims = { role: 'admin' };
    const forged = [
      undefined,
      '',
      await new IdentitySigner('another-secret-of-at-least-32-characters!').sign({ sub: 'mallory', role: 'admin' }),
      new UnsecuredJWT(claims).setSubject('mallory').setIssuer('alphintra-gateway').setExpirationTime('1m').encode(),
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setIssuer('alphintra-gateway')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(key(SECRET)),
      await new SignJWT({ role: 'root' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setIssuer('alphintra-gateway')
        .setExpirationTime('1m')
        .sign(key(SECRET)),
    ];
    for (const token of forged) {
      await expect(verifier.verify(token), String(token)).rejects.toBeInstanceOf(UntrustedIdentityError);
    }
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new IdentitySigner('short')).toThrow(/32 characters/);
  });
});
