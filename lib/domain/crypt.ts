/**
 * SHA-512 crypt (`$6$salt$hash`, Ulrich Drepper's SHA-crypt as used by glibc), so root passwords are
 * stored and rendered only as hashes that installers (`d-i passwd/root-password-crypted`,
 * kickstart `rootpw --iscrypted`) accept.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
] as const;

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = block[i % block.length] as number;
  return out;
}

function encode(w: number, n: number): string {
  let s = '';
  for (let c = 0; c < n; c++) {
    s += ALPHABET[w & 0x3f];
    w >>= 6;
  }
  return s;
}

/** Computes `$6$<salt>$<hash>` for a password; salt is up to 16 characters (random when omitted). */
export function sha512Crypt(password: string, salt?: string): string {
  const rounds = 5000;
  const s = Buffer.from((salt ?? randomSalt()).slice(0, 16));
  const p = Buffer.from(password);
  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(repeatTo(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  let c = a.digest();
  const dp = sha512(...Array.from({ length: p.length }, () => p));
  const pBytes = repeatTo(dp, p.length);
  const ds = sha512(...Array.from({ length: 16 + (c[0] as number) }, () => s));
  const sBytes = repeatTo(ds, s.length);
  for (let i = 0; i < rounds; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pBytes : c);
    if (i % 3) h.update(sBytes);
    if (i % 7) h.update(pBytes);
    h.update(i & 1 ? c : pBytes);
    c = h.digest();
  }
  const byte = (i: number) => c[i] as number;
  const body = ORDER.map(([i, j, k]) => encode((byte(i) << 16) | (byte(j) << 8) | byte(k), 4)).join('');
  return `$6$${s.toString()}$${body}${encode(byte(63), 2)}`;
}

/** A random 16-character crypt salt. */
export function randomSalt(): string {
  return [...randomBytes(16)].map((x) => ALPHABET[x & 0x3f]).join('');
}

/** Is this already a SHA-512 crypt hash? */
export function isSha512Crypt(s: string): boolean {
  return /^\$6\$(rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/.test(s);
}
