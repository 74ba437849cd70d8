/**
 * The connection caps over real sockets on a small HTTP server: idle connections are shed first
 * (oldest first, of the same address when that address is over its cap), busy ones never; a
 * connection that finds only busy ones is answered 503 and closed. Defaults follow the fd limit.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import pino from 'pino';
import {
  connectionLimits,
  limitConnections,
  openFileLimit,
  processFileLimit,
  type ConnectionStats,
} from '../../daemon/limits/connection-limit.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';

const hasOpenssl = systemAvailable(
  'connection caps over TLS (openssl)',
  commandProbe('openssl', ['version']),
);

describe('defaults', () => {
  test('the fd limit is read from /proc/self/limits text', () => {
    const text =
      'Limit  Soft Limit  Hard Limit  Units\nMax open files            512                  4096                 files\n';
    expect(openFileLimit(text)).toBe(512);
    expect(openFileLimit('Max open files            unlimited            unlimited            files')).toBe(
      Infinity,
    );
    expect(openFileLimit('nothing')).toBeUndefined();
    expect(processFileLimit(() => text)).toBe(512);
    expect(
      processFileLimit(() => {
        throw new Error('no /proc');
      }),
    ).toBeUndefined();
  });

  test('35 % of the fd limit per port, 64 per address; configured values win', () => {
    expect(connectionLimits({ perPort: 0, perAddress: 64 }, 512)).toEqual({ perPort: 179, perAddress: 64 });
    expect(connectionLimits({ perPort: 0, perAddress: 64 }, 20_000)).toEqual({
      perPort: 7000,
      perAddress: 64,
    });
    expect(connectionLimits({ perPort: 0, perAddress: 64 }, undefined)).toEqual({
      perPort: 358,
      perAddress: 64,
    });
    expect(connectionLimits({ perPort: 0, perAddress: 64 }, Infinity)).toEqual({
      perPort: 100_000,
      perAddress: 64,
    });
    expect(connectionLimits({ perPort: 0, perAddress: 64 }, 20)).toEqual({ perPort: 16, perAddress: 16 });
    expect(connectionLimits({ perPort: 50, perAddress: 10 }, 512)).toEqual({ perPort: 50, perAddress: 10 });
  });
});

describe('a server with 4 connections per port, 3 per address', () => {
  let server: http.Server;
  let port: number;
  let stats: () => ConnectionStats;
  const held: http.ServerResponse[] = [];

  beforeEach(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hold') held.push(res);
      else res.end('ok');
    });
    stats = limitConnections(server, {
      perPort: 4,
      perAddress: 3,
      log: pino({ level: 'silent' }),
      tls: false,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterEach(async () => {
    for (const res of held.splice(0)) res.end();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** A connection from `from`; `send` is written once connected. Records what it got and its close. */
  function connect(from: string, send?: string) {
    const c = {
      socket: net.connect({ port, host: '127.0.0.1', localAddress: from }),
      got: '',
      closed: false,
    };
    c.socket.on('data', (d) => (c.got += String(d)));
    c.socket.on('error', () => undefined);
    c.socket.on('close', () => (c.closed = true));
    const ready = new Promise<void>((r) => c.socket.once('connect', () => r()));
    if (send) void ready.then(() => c.socket.write(send));
    return Object.assign(c, { ready });
  }
  const until = async (what: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(what()).toBe(true);
  };
  const HOLD = 'GET /hold HTTP/1.1\r\nHost: x\r\n\r\n';
  const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

  test('busy connections are kept; a newcomer finding only busy ones gets 503', async () => {
    const busy = [connect('127.0.0.1', HOLD), connect('127.0.0.1', HOLD), connect('127.0.0.1', HOLD)];
    await until(() => held.length === 3);
    const extra = connect('127.0.0.1', GET);
    await until(() => extra.closed);
    expect(extra.got).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
    expect(busy.some((c) => c.closed)).toBe(false);
    expect(stats()).toMatchObject({ open: 3, refused: 1, shed: 0 });
    // Once their answers are sent they are idle: a newcomer from the address sheds the oldest.
    for (const res of held.splice(0)) res.end('done');
    await until(() => busy.every((c) => c.got.includes('done')));
    const next = connect('127.0.0.1', GET);
    await until(() => next.got.includes('ok'));
    await until(() => busy[0]?.closed === true);
    expect(busy.slice(1).some((c) => c.closed)).toBe(false);
    expect(stats()).toMatchObject({ open: 3, shed: 1 });
  });

  test('a full port sheds its longest-idle connection, whoever owns it', async () => {
    const silent = connect('127.0.0.2');
    await silent.ready;
    const busy = ['127.0.0.3', '127.0.0.4', '127.0.0.5'].map((a) => connect(a, HOLD));
    await until(() => held.length === 3);
    expect(stats().open).toBe(4);
    const fresh = connect('127.0.0.6', GET);
    await until(() => fresh.got.includes('ok'));
    await until(() => silent.closed);
    expect(busy.some((c) => c.closed)).toBe(false);
    expect(stats()).toMatchObject({ open: 4, shed: 1, refused: 0 });
  });
});

(hasOpenssl ? test : test.skip)(
  'over TLS, a request in flight keeps its connection; an idle one is shed',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'razor-cl-'));
    execFileSync('openssl', [
    'req', '-x509', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-keyout', join(dir, 'k'), '-out', join(dir, 'c'),
  ], { stdio: 'ignore' }); // prettier-ignore
    const held: http.ServerResponse[] = [];
    const server = https.createServer(
      { key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) },
      (_q, r) => held.push(r),
    );
    const stats = limitConnections(server, {
      perPort: 2,
      perAddress: 2,
      log: pino({ level: 'silent' }),
      tls: true,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const open = (send: boolean) => {
      const c = {
        got: '',
        closed: false,
        socket: tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }),
      };
      c.socket.on('error', () => undefined);
      c.socket.on('data', (d) => (c.got += String(d)));
      c.socket.on('close', () => (c.closed = true));
      const ready = new Promise<void>((r) => c.socket.once('secureConnect', () => r()));
      if (send) void ready.then(() => c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      return Object.assign(c, { ready });
    };
    const until = async (what: () => boolean) => {
      for (const deadline = Date.now() + 10_000; !what() && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 20));
      expect(what()).toBe(true);
    };
    try {
      // The busy connection is the older: were its request not seen, it would be shed first.
      const busy = open(true);
      await until(() => held.length === 1);
      const idle = open(false);
      await idle.ready;
      const third = open(false);
      await third.ready;
      await until(() => idle.closed);
      expect(busy.closed).toBe(false);
      held[0]?.end('done');
      await until(() => busy.got.includes('done'));
      expect(stats()).toMatchObject({ open: 2, shed: 1, refused: 0 });
      third.socket.destroy();
      busy.socket.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
