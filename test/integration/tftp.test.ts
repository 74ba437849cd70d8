/**
 * The built-in TFTP server against real clients (tftp-hpa's `tftp`, `busybox tftp`) and a raw
 * client for what they cannot send: option negotiation (blksize, windowsize, tsize, timeout),
 * byte-identical files, unknown files, names outside the root, write requests, a client that
 * stops acknowledging, a duplicate ACK, and many transfers at once. All on 127.0.0.1, high ports.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTftpServer, type TftpServer } from '../../daemon/pxe/tftp-server.js';
import { rootFiles } from '../../daemon/pxe/tftp-files.js';
import { silentLog } from '../../daemon/pxe/log.js';
import { OP, encodeAck, encodeReadRequest } from '../../daemon/pxe/tftp-packets.js';
import { tftpGet, udpPeer } from '../helpers/tftp-client.js';
import {
  IPXE_DIR,
  commandProbe,
  ipxeAvailable,
  systemAvailable,
  tftpHpaAvailable,
} from '../helpers/system.js';

const run = promisify(execFile);
const IPXE = IPXE_DIR;
const ready =
  tftpHpaAvailable() && systemAvailable('busybox', commandProbe('busybox', ['true'])) && ipxeAvailable();
/** Waits (polling, generous deadline) until no transfer is running, and checks it. */
async function settled(server: TftpServer): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (server.active() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(server.active()).toBe(0);
}

const suite = ready ? describe : describe.skip;

suite('built-in TFTP server', () => {
  let dir: string;
  let root: string;
  let server: TftpServer;
  const script = '#!ipxe\nchain http://10.0.2.2:8026/razor/api/boot?hw_id=${net0/mac}\n';
  const file = (name: string) => readFileSync(join(root, name));
  const errorOf = (buf: Buffer) => ({ op: buf.readUInt16BE(0), code: buf.readUInt16BE(2) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'razor-tftp-'));
    root = join(dir, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    for (const f of ['undionly.kpxe', 'snponly.efi', 'ipxe.efi']) copyFileSync(join(IPXE, f), join(root, f));
    writeFileSync(join(root, 'big.bin'), randomBytes(6 * 1024 * 1024 + 77));
    writeFileSync(join(root, 'exact.bin'), randomBytes(1024));
    writeFileSync(join(root, 'sub', 'three.bin'), randomBytes(1500));
    writeFileSync(join(dir, 'secret.txt'), 'outside the root');
    const files = rootFiles(root, { 'razor.ipxe': async () => script });
    server = await startTftpServer({ host: '127.0.0.1', port: 0, files, log: silentLog, maxRetries: 2 });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('tftp-hpa fetches undionly.kpxe byte for byte (plain RFC 1350, 512-byte blocks)', async () => {
    const out = join(dir, 'hpa.kpxe');
    await run('tftp', ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'get', 'undionly.kpxe', out]);
    expect(readFileSync(out).equals(file('undionly.kpxe'))).toBe(true);
  });

  test('busybox tftp negotiates blksize 1468 and gets a 6 MB file identical', async () => {
    const out = join(dir, 'bb.bin');
    await run('busybox', [
      'tftp',
      '-g',
      '-b',
      '1468',
      '-r',
      'big.bin',
      '-l',
      out,
      '127.0.0.1',
      String(server.port),
    ]);
    expect(readFileSync(out).equals(file('big.bin'))).toBe(true);
  });

  test('blksize and windowsize are negotiated together (RFC 2348, RFC 7440), tsize tells the size', async () => {
    const got = await tftpGet(server.port, 'big.bin', {
      blksize: 1468,
      windowsize: 16,
      tsize: 0,
      timeout: 2,
    });
    expect(Object.fromEntries(got.oack ?? [])).toEqual({
      blksize: '1468',
      windowsize: '16',
      tsize: String(file('big.bin').length),
      timeout: '2',
    });
    expect(got.data?.equals(file('big.bin'))).toBe(true);
  });

  test('a file that is an exact multiple of the block size ends with an empty block', async () => {
    const got = await tftpGet(server.port, 'exact.bin', { blksize: 512, windowsize: 4 });
    expect(got.data?.equals(file('exact.bin'))).toBe(true);
  });

  test('out-of-range options are clamped or dropped, and unknown ones left out of the OACK', async () => {
    const got = await tftpGet(server.port, 'snponly.efi', {
      blksize: 99999,
      windowsize: 9999,
      timeout: 0,
      color: 'red',
    });
    expect(Object.fromEntries(got.oack ?? [])).toEqual({ blksize: '65464', windowsize: '64' });
    expect(got.data?.equals(file('snponly.efi'))).toBe(true);
  });

  test('razor.ipxe is the rendered chain script, and subdirectories inside the root are served', async () => {
    expect((await tftpGet(server.port, 'razor.ipxe')).data?.toString()).toBe(script);
    expect((await tftpGet(server.port, 'sub/three.bin')).data?.equals(file('sub/three.bin'))).toBe(true);
  });

  test('an unknown file gets error 1, for tftp-hpa as for the raw client', async () => {
    expect((await tftpGet(server.port, 'nothing.here')).error).toEqual({
      code: 1,
      message: 'file not found',
    });
    const hpa = await run('tftp', [
      '-m',
      'binary',
      '127.0.0.1',
      String(server.port),
      '-c',
      'get',
      'nothing.here',
      join(dir, 'x'),
    ]).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${hpa.stdout}${hpa.stderr}`).toMatch(/Error code 1: file not found/);
  });

  test.each([
    ['../secret.txt'],
    ['sub/../../secret.txt'],
    ['/etc/passwd'],
    [`${'../'.repeat(12)}etc/passwd`],
    ['sub\\..\\..\\secret.txt'],
    ['razor.ipxe\x01'],
  ])('%j is refused with an access violation and no data', async (name) => {
    const got = await tftpGet(server.port, name);
    expect(got.data).toBeUndefined();
    expect(got.error?.code).toBe(2);
  });

  test('a NUL inside the file name is refused (illegal operation) and no data is sent', async () => {
    const peer = await udpPeer();
    try {
      const rrq = Buffer.concat([
        Buffer.from([0, 1]),
        Buffer.from('razor.ipxe\0../../secret.txt\0octet\0', 'latin1'),
      ]);
      peer.send(rrq, server.port);
      expect(errorOf((await peer.next()).buf)).toEqual({ op: OP.ERROR, code: 4 });
    } finally {
      peer.close();
    }
  });

  test('a write request gets an error packet and writes nothing', async () => {
    const src = join(dir, 'upload.txt');
    writeFileSync(src, 'hello');
    const hpa = await run('tftp', [
      '-m',
      'binary',
      '127.0.0.1',
      String(server.port),
      '-c',
      'put',
      src,
      'upload.txt',
    ]).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${hpa.stdout}${hpa.stderr}`).toMatch(/Error code 2: this server is read-only/);
    expect(existsSync(join(root, 'upload.txt'))).toBe(false);
  });

  test('a client that stops acknowledging gets the block again, then an error, and the transfer ends', async () => {
    const peer = await udpPeer();
    try {
      peer.send(encodeReadRequest('undionly.kpxe', {}), server.port);
      const blocks = [];
      for (;;) {
        const d = await peer.next(15_000);
        if (d.buf.readUInt16BE(0) === OP.ERROR) break;
        blocks.push(d.buf.readUInt16BE(2));
      }
      // The first send and maxRetries (2) resends, never anything past block 1.
      expect(blocks).toEqual([1, 1, 1]);
      await settled(server);
    } finally {
      peer.close();
    }
  });

  test('a duplicate ACK is not answered with a resend (no Sorcerer’s Apprentice)', async () => {
    const peer = await udpPeer();
    try {
      peer.send(encodeReadRequest('sub/three.bin', { timeout: 5 }), server.port);
      const first = await peer.next();
      expect(first.buf.readUInt16BE(0)).toBe(OP.OACK);
      peer.send(encodeAck(0), first.from.port);
      expect((await peer.next()).buf.readUInt16BE(2)).toBe(1);
      peer.send(encodeAck(1), first.from.port);
      expect((await peer.next()).buf.readUInt16BE(2)).toBe(2);
      peer.send(encodeAck(1), first.from.port); // the duplicate
      peer.send(encodeAck(2), first.from.port);
      const third = await peer.next();
      expect(third.buf.readUInt16BE(2)).toBe(3);
      expect(third.buf.length - 4).toBe(1500 - 1024);
      peer.send(encodeAck(3), first.from.port);
    } finally {
      peer.close();
    }
  });

  test('50 transfers at once all arrive intact', async () => {
    const names = ['undionly.kpxe', 'snponly.efi', 'razor.ipxe'];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        tftpGet(server.port, names[i % names.length]!, i % 2 ? { blksize: 1468, windowsize: 8 } : {}),
      ),
    );
    results.forEach((r, i) => {
      const name = names[i % names.length]!;
      expect(r.data?.equals(name === 'razor.ipxe' ? Buffer.from(script) : file(name))).toBe(true);
    });
    await settled(server);
  });

  test('a taken port gives a clear message saying what to do', async () => {
    const second = startTftpServer({
      host: '127.0.0.1',
      port: server.port,
      files: rootFiles(root),
      log: silentLog,
    });
    await expect(second).rejects.toThrow(/UDP port \d+ for TFTP: the port is taken .*--tftp-port/);
  });
});
