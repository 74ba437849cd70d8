/**
 * TLS for the admin API (ADR 0010): `tls_cert` and `tls_key` name PEM files (relative paths are
 * under $RAZOR_HOME). Both or neither; the files must be readable and belong together — otherwise a
 * config error that says which key or file to fix.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { RazorError } from '../lib/errors.js';

/** A certificate (chain) and its private key, PEM. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Where the certificate was read from, for the startup message. */
  readonly certPath: string;
}

function read(home: string, key: string, path: string): { path: string; bytes: Buffer } {
  const full = resolve(home, path);
  try {
    return { path: full, bytes: readFileSync(full) };
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new RazorError('InputError', `${key}: cannot read ${full} (${why})`);
  }
}

/** Reads and checks the configured certificate and key; undefined when TLS is not configured. */
export function loadTls(values: { tls_cert: string; tls_key: string }, home: string): TlsFiles | undefined {
  const { tls_cert: certPath, tls_key: keyPath } = values;
  if (certPath === '' && keyPath === '') return undefined;
  if (certPath === '' || keyPath === '') {
    const [set, missing] = certPath === '' ? ['tls_key', 'tls_cert'] : ['tls_cert', 'tls_key'];
    throw new RazorError(
      'InputError',
      `${set} is set but ${missing} is not; set both (PEM certificate and its private key) for HTTPS, or neither for plain HTTP`,
    );
  }
  const cert = read(home, 'tls_cert', certPath);
  const key = read(home, 'tls_key', keyPath);
  try {
    createSecureContext({ cert: cert.bytes, key: key.bytes });
  } catch (err) {
    const msg = (err as Error).message;
    const why = /mismatch/i.test(msg)
      ? `the private key ${key.path} does not belong to the certificate ${cert.path}`
      : `${cert.path} / ${key.path} are not a usable PEM certificate and private key (${msg})`;
    throw new RazorError('InputError', `tls_cert/tls_key: ${why}`);
  }
  return { cert: cert.bytes, key: key.bytes, certPath: cert.path };
}
