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

  it('signs anew once half the lifetime has passed, and each token it hands out has that much left', async () => {
    let now = Date.UTC(2030, 0, 1);
    const signer = new IdentitySigner(SECRET, 60, () => now);
    const alice = { sub: 'alice', role: 'trader' } as const;
    const first = await signer.sign(alice);
    expect(signer.signed(alice)).toBe(first);
    now += 29_999;
    expect(await signer.sign(alice)).toBe(first);
    now += 1;
    expect(signer.signed(alice)).toBeUndefined();
    const second = await signer.sign(alice);
    expect(second).not.toBe(first);
    const { exp } = JSON.parse(Buffer.from(second.split('.')[1] as string, 'base64url').toString()) as { exp: number };
    expect(exp * 1000).toBe(now + 60_000);
  });

  it('knows a verified token until its expiry, then refuses it', async () => {
    let now = Date.UTC(2030, 0, 1);
    const token = await new IdentitySigner(SECRET, 60, () => now).sign({ sub: 'alice', role: 'trader' });
    const verifier = new IdentityVerifier(SECRET, () => now);
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'alice', role: 'trader' });
    now += 59_999;
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'alice', role: 'trader' });
    now += 1;
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(UntrustedIdentityError);
  });

  it('knows a token only by its exact text: a tampered copy of a verified one is refused', async () => {
    const token = await new IdentitySigner(SECRET).sign({ sub: 'alice', role: 'viewer' });
    const verifier = new IdentityVerifier(SECRET);
    await verifier.verify(token);
    const [header, , signature] = token.split('.');
    const claims = { ...JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()), role: 'admin' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(verifier.verify(tampered)).rejects.toBeInstanceOf(UntrustedIdentityError);
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
