/**
 * Admin API tokens (ADR 0009). A token is shown once when created; the store keeps only its
 * SHA-256, a name and times. The daemon accepts `Authorization: Bearer <token>` on admin routes;
 * node-facing routes stay open; the daemon's Unix socket needs none (`auth_allow_localhost`, ADR 0014).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Doc, StoreReader, StoreWriter } from '../store/store.js';

/** A token as stored (never the token itself). */
export interface TokenDoc extends Doc {
  name: string;
  sha256: string;
  created_at: string;
  last_used_at?: string;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new secret token: `rzr_` and 40 base62 characters (about 238 bits). */
export function newToken(): string {
  return `rzr_${[...randomBytes(40)].map((b) => ALPHABET[b % 62]).join('')}`;
}

/** The stored digest of a token. */
export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a token named `name`; returns the secret (shown once) and the stored document. */
export async function createToken(
  w: StoreWriter,
  name: string,
  uuid: string,
  now: Date,
): Promise<{ token: string; doc: TokenDoc }> {
  const token = newToken();
  const doc: TokenDoc = { uuid, name, sha256: tokenDigest(token), created_at: now.toISOString() };
  await w.put('token', doc);
  return { token, doc };
}

/** The stored token a bearer secret matches, if any (constant-time compare of digests). */
export async function findToken(r: StoreReader, secret: string): Promise<TokenDoc | undefined> {
  const want = Buffer.from(tokenDigest(secret), 'hex');
  return (await r.all<TokenDoc>('token')).find((t) => {
    const have = Buffer.from(t.sha256, 'hex');
    return have.length === want.length && timingSafeEqual(have, want);
  });
}

/** The secret of an `Authorization: Bearer …` header, or undefined. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** Is `address` a loopback address (127/8, ::1, ::ffff:127.x)? */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return (isIP(a) === 4 && a.startsWith('127.')) || a === '::1';
}
