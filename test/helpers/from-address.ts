/**
 * HTTP calls to a test daemon from a chosen source address: clients bind distinct addresses in
 * 127.0.0.0/8 to stand in for distinct machines on the provisioning network.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedData } from './fixture.js';
import { tokenDigest } from '../../lib/domain/tokens.js';
import type { DaemonProcess } from './daemon.js';
import type { StoreFile } from '../../lib/store/json-store.js';

/** A response's status and text. */
export interface Answer {
  status: number;
  body: string;
}

/** Sends `method path` to the daemon, the connection coming from `from`. */
export function requestFrom(
  d: DaemonProcess,
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${d.url}${path}`,
      { method, localAddress: from, agent: false, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** GET `path` from `from`. */
export const getFrom = (d: DaemonProcess, from: string, path: string) => requestFrom(d, from, 'GET', path);

/** The admin token of `seedWithAdmin`. */
export const ADMIN_TOKEN = 'rzr_testadmintoken0000000000000000000000000000';

/** The seeded store with a token for `ADMIN_TOKEN` (admin calls do not depend on local trust). */
export function seedWithAdmin(): StoreFile {
  const data = seedData();
  const uuid = 'TokenAdmin000000000001';
  data.collections.token = {
    ...data.collections.token,
    [uuid]: {
      uuid,
      name: 'test-admin',
      sha256: tokenDigest(ADMIN_TOKEN),
      created_at: '2026-01-01T00:00:00.000Z',
    },
  };
  return data;
}

/** An admin call with `ADMIN_TOKEN`, a JSON argument in the query (as `razor -w` sends it). */
export function adminCall(
  d: DaemonProcess,
  method: string,
  path: string,
  json?: Record<string, unknown>,
): Promise<Answer> {
  const query = json ? `?json_hash=${encodeURIComponent(JSON.stringify(json))}` : '';
  return requestFrom(d, '127.0.0.1', method, `${path}${query}`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
}

/** The store file's text (compare before and after to show a call changed nothing). */
export const storeText = (home: string) => readFileSync(join(home, 'razor.json'), 'utf8');

/** The stored document `uuid` of `collection`. */
export function stored<T = Record<string, unknown>>(home: string, collection: string, uuid: string): T {
  return (JSON.parse(storeText(home)) as { collections: Record<string, Record<string, T>> }).collections[
    collection
  ]?.[uuid] as T;
}
