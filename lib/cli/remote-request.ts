/**
 * One HTTP(S) request of the remote CLI to the daemon: the token as `Authorization: Bearer`, the
 * certificate always verified (against `--ca-file` when given). A failure to connect is one
 * RazorError naming the URL and what to check — never a stack.
 */
import http from 'node:http';
import https from 'node:https';
import { RazorError } from '../errors.js';
import type { RemoteTarget } from './remote-target.js';

/** What came back: status, content type and body text. */
export interface RemoteReply {
  status: number;
  contentType: string;
  body: string;
}

/** Sends a request to the daemon; `path` starts with `/razor/api/`. */
export type RemoteRequest = (method: string, path: string, body?: string) => Promise<RemoteReply>;

/** A daemon that could not be reached: one line says where and what to check, nothing else. */
export class DaemonUnreachable extends RazorError {
  constructor(message: string) {
    super('StoreUnavailable', message);
  }
}

/** What to check for a connection error's code. */
function advice(code: string | undefined, t: RemoteTarget): string {
  const caHint = t.ca
    ? "is the CA file the one that signed the daemon's certificate?"
    : 'give the CA that signed it with --ca-file or RAZOR_CA_FILE';
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing listens there: is 'razor daemon' running, on this port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${t.url.hostname} does not resolve: check the URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host does not answer: check the address and any firewall';
    case 'ECONNRESET':
    case 'EPROTO':
      return `the connection was dropped: is the daemon serving ${t.url.protocol === 'https:' ? 'HTTPS (tls_cert)' : 'plain HTTP'} on this port?`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `its certificate is not for ${t.url.hostname}: use the host name the certificate names`;
    case 'CERT_HAS_EXPIRED':
      return 'its certificate has expired';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `its certificate is not trusted: ${caHint}`;
    default:
      return 'check the URL and that the daemon runs there';
  }
}

/** The request function for `t`. */
export function remoteRequester(t: RemoteTarget): RemoteRequest {
  const lib = t.url.protocol === 'https:' ? https : http;
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (t.token) headers.authorization = `Bearer ${t.token}`;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = lib.request(
        new URL(path, t.url),
        { method, headers, ca: t.ca, rejectUnauthorized: true },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? 'error';
        reject(
          new DaemonUnreachable(
            `cannot reach the razor daemon at ${t.url.origin} (${code}): ${advice(err.code, t)}`,
          ),
        );
      });
      req.end(body);
    });
}
