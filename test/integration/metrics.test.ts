/**
 * `GET /metrics` and `GET /readyz` on the real daemon: the exposition parses with a Prometheus
 * text-format parser and its counters match the flow that ran (registrations, checkins, boots,
 * a refused call, image bytes); `metrics_auth: token` refuses a scrape without the token;
 * `/readyz` names what is missing (a Microkernel image) with 503.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';

type Family = {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string }>;
};

/** One scrape: the parsed families, and the text (the parser folds a labelled histogram's counts). */
async function scrape(d: DaemonProcess, headers: Record<string, string> = {}) {
  const res = await fetch(`${d.url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  return Object.assign(parsePrometheusTextFormat(text) as Family[], { text });
}

const value = (families: Family[], name: string, labels: Record<string, string>) =>
  Number(
    families
      .find((f) => f.name === name)
      ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? 0,
  );

/** Latencies observed for a route: the sum of its `_count` samples over methods and statuses. */
const histogramCount = (text: string, route: string) =>
  [...text.matchAll(/^razor_http_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)]
    .filter((m) => (m[1] ?? '').split(',').includes(`route="${route}"`))
    .reduce((n, m) => n + Number(m[2]), 0);

describe('metrics and readiness', () => {
  const home = tempHome();
  let d: DaemonProcess;
  beforeAll(async () => {
    await writeSeed(home.home);
    d = await startDaemon(home.home);
  });
  afterAll(async () => {
    await d?.stop();
    home.cleanup();
  });

  test('the counters match the flow that ran', async () => {
    const macs = ['525400aa0001', '525400aa0002', '525400aa0003'];
    for (const mac of macs) {
      const res = await fetch(`${d.url}/razor/api/node/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hw_id: mac, last_state: 'idle', attributes_hash: { memorysize: '2 GB' } }),
      });
      expect(res.status).toBe(200);
    }
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${d.url}/razor/api/node/checkin?hw_id=${macs[i % 3]}&last_state=idle`);
      expect(res.status).toBe(200);
    }
    const bad = await fetch(`${d.url}/razor/api/node/checkin?hw_id=not-a-mac&last_state=idle`);
    expect(bad.status).toBe(400);
    for (let i = 0; i < 4; i++)
      expect((await fetch(`${d.url}/razor/api/boot?hw_id=${macs[0]}`)).status).toBe(200);
    const families = await scrape(d);
    const node = (kind: string, outcome: string) =>
      value(families, 'razor_node_requests_total', { kind, outcome });
    expect({
      register: node('register', 'ok'),
      checkin: node('checkin', 'ok'),
      checkinErrors: node('checkin', 'error'),
      boot: node('boot', 'ok'),
      checkinLatencies: histogramCount(families.text, 'node checkin'),
      bootLatencies: histogramCount(families.text, 'boot default'),
    }).toEqual({ register: 3, checkin: 5, checkinErrors: 1, boot: 4, checkinLatencies: 6, bootLatencies: 4 });
    // The process's own metrics are there too.
    expect(families.some((f) => f.name === 'process_resident_memory_bytes')).toBe(true);
  });

  test('/readyz: ports bound, store writable, a Microkernel image present', async () => {
    const ready = await fetch(`${d.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', ports: 'ok', store: 'ok', microkernel: 'ok' });
  });
});

describe('a fresh home with metrics_auth: token', () => {
  const home = tempHome();
  let d: DaemonProcess;
  beforeAll(async () => {
    mkdirSync(home.home, { recursive: true });
    writeFileSync(join(home.home, 'config.yaml'), 'metrics_auth: token\nauth_allow_localhost: "false"\n');
    d = await startDaemon(home.home);
  });
  afterAll(async () => {
    await d?.stop();
    home.cleanup();
  });

  test('a scrape without the token is refused; with it, served', async () => {
    const refused = await fetch(`${d.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="razor"');
    const token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
    const families = await scrape(d, { authorization: `Bearer ${token}` });
    expect(families.some((f) => f.name === 'process_cpu_seconds_total')).toBe(true);
  });

  test('/readyz says what is missing with 503; /healthz only that the process is up', async () => {
    const ready = await fetch(`${d.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'not ready',
      ports: 'ok',
      store: 'ok',
      microkernel: 'no Microkernel image: razor image add -t mk -p <iso>',
    });
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
  });
});
