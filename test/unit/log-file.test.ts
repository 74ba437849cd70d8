/**
 * The daemon's log file (daemon/logs/log-file.ts, daemon/logs/request-log.ts): request lines are batched,
 * not written one by one; an audit line goes to the file at once, with the lines before it.
 */
import { expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileLogger } from '../../daemon/logs/log-file.js';
import { logRequest } from '../../daemon/logs/request-log.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !check(); await sleep(10))
    if (Date.now() > end) throw new Error('timed out');
}

function request(method: string, url: string): IncomingMessage {
  return { method, url } as IncomingMessage;
}
const ok = { statusCode: 200 } as ServerResponse;

test('boot lines wait in the buffer; an admin change is written at once, with them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'razor-log-'));
  try {
    const file = join(dir, 'log', 'razor.log');
    // A flush interval far beyond the test: only an explicit flush writes small batches.
    const log = fileLogger(file, 'info', { flushMs: 600_000 });
    for (let i = 0; i < 10; i++)
      logRequest(log, request('GET', `/razor/api/boot?hw_id=${i}`), ok, { id: `r${i}`, started: 0 }, 'node');
    await sleep(100);
    expect(lines(file)).toEqual([]);
    logRequest(log, request('POST', '/razor/api/tag'), ok, { id: 'a', started: 0 }, 'token:ci');
    await until(() => lines(file).length === 11);
    const written = lines(file);
    expect(written.map((l) => l.req_id)).toEqual([...Array.from({ length: 10 }, (_, i) => `r${i}`), 'a']);
    expect(written[10]).toMatchObject({ audit: true, who: 'token:ci', method: 'POST' });
    expect(written[0].audit).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('more than a batch of lines is written without any flush', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'razor-log-'));
  try {
    const file = join(dir, 'razor.log');
    const log = fileLogger(file, 'info', { flushMs: 600_000 });
    // Each line is over 100 bytes: 100 of them are more than one 4 KiB batch.
    for (let i = 0; i < 100; i++)
      logRequest(log, request('GET', `/razor/api/boot?hw_id=${i}`), ok, { id: `r${i}`, started: 0 }, 'node');
    await until(() => lines(file).length >= 30);
    expect(lines(file)[0].req_id).toBe('r0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
