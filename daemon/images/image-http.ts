/**
 * The HTTP side of serving image files: content types, validators (ETag, Last-Modified), the
 * conditional headers that give 304, and single byte ranges (206/416) with If-Range.
 */
import path from 'node:path';
import type { BigIntStats } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';

const OCTETS = 'application/octet-stream';

/** Content types by lower-case extension; anything else (kernels, `.img`, …) is application/octet-stream. */
const TYPES: ReadonlyMap<string, string> = new Map([
  ['.iso', 'application/x-iso9660-image'],
  ['.gz', 'application/gzip'],
  ['.tgz', 'application/gzip'],
  ['.xz', 'application/x-xz'],
  ['.bz2', 'application/x-bzip2'],
  ['.img', OCTETS],
  ['.rpm', 'application/x-rpm'],
  ['.deb', 'application/vnd.debian.binary-package'],
  ['.udeb', 'application/vnd.debian.binary-package'],
  ['.xml', 'application/xml'],
  ['.yaml', 'application/yaml'],
  ['.yml', 'application/yaml'],
  ['.json', 'application/json'],
  ['.txt', 'text/plain'],
  ['.cfg', 'text/plain'],
  ['.conf', 'text/plain'],
  ['.asc', 'text/plain'],
  ['.gpg', 'text/plain'], // as the original image_svc.js
  ['.sig', 'application/pgp-signature'],
]);

/** The Content-Type for a requested file name. */
export function contentTypeFor(name: string): string {
  return TYPES.get(path.extname(name).toLowerCase()) ?? OCTETS;
}

/** A strong ETag from inode, size and modification time (ns). */
export function etagOf(stat: BigIntStats): string {
  return `"${stat.ino.toString(36)}-${stat.size.toString(36)}-${stat.mtimeNs.toString(36)}"`;
}

const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * True when the client's copy is current: If-None-Match (weak comparison, `*`), or, only when that
 * is absent, If-Modified-Since against the whole-second modification time.
 */
export function notModified(h: IncomingHttpHeaders, etag: string, mtimeMs: number): boolean {
  const inm = h['if-none-match'];
  if (inm !== undefined) {
    return inm.split(',').some((t) => t.trim() === '*' || opaque(t.trim()) === opaque(etag));
  }
  const ims = h['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/** True when a Range header may be honoured: no If-Range, or it names this strong ETag or exact date. */
export function ifRangeHolds(value: string | undefined, etag: string, mtimeMs: number): boolean {
  if (value === undefined) return true;
  const v = value.trim();
  if (v.startsWith('"')) return v === etag;
  if (v.startsWith('W/')) return false; // If-Range needs a strong comparison
  const date = Date.parse(v);
  return !Number.isNaN(date) && date === Math.floor(mtimeMs / 1000) * 1000;
}

/** What a Range header asks of a file: all of it, one byte range (inclusive), or nothing it has. */
export type RangeResult =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const FULL: RangeResult = { kind: 'full' };
const UNSATISFIABLE: RangeResult = { kind: 'unsatisfiable' };

/**
 * Reads a single `bytes=a-b`, `a-` or `-n` range against `size`; several ranges, other units and
 * anything malformed (including `b < a`) mean the whole file, as RFC 9110 allows.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return FULL;
  const m = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
  if (!m) return FULL;
  const [, a = '', b = ''] = m;
  if (a === '') {
    if (b === '') return FULL;
    const n = Number(b);
    if (n === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (b !== '' && Number(b) < start) return FULL;
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'partial', start, end: b === '' ? size - 1 : Math.min(Number(b), size - 1) };
}
