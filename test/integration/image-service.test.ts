/**
 * The image service over a real temporary image root: hostile paths (sent raw, so the server really
 * receives them) are all 404 and never leak a byte from outside the image; ranges, validators,
 * conditional requests, HEAD and content types behave; large files stream byte-exact; a client
 * going away or a file shrinking mid-stream does not hurt the server.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createImageApp, imageService } from '../../daemon/images/image-service.js';
import { systemAvailable } from '../helpers/system.js';

const MARKER = 'TOP-SECRET-MARKER-9c41e';
const U = '5kYFJPb5qATl4JxeVQQaMs'; // the image with the files
const U2 = '1dKkHnYnI633yuijQfTp2c'; // another os image
const UX = '3zzzzzzzzzzzzzzzzzzzzz'; // an image folder that is a symlink to outside the root
const BIG = 5 * 1024 * 1024 + 123;
const README = 'Razor image README\n'.repeat(20);
const MTIME = new Date('2020-01-02T03:04:05Z');

const tmp = mkdtempSync(join(tmpdir(), 'razor-image-')); // module level: the hostile table names it
/** Can this machine make a fifo (to show one in an image is never opened)? Decided at load. */
const fifoWorks = systemAvailable('image-service fifo case (mkfifo)', () => {
  const probe = join(tmp, 'fifo-probe');
  execFileSync('mkfifo', [probe], { stdio: 'pipe' });
  rmSync(probe);
  return undefined;
});
let root: string;
let img: string;
let big: Buffer;
let app: express.Express;
let server: http.Server;
let port: number;

beforeAll(async () => {
  root = join(tmp, 'image');
  img = join(root, 'os', U);
  mkdirSync(join(img, 'sub', 'dir'), { recursive: true });
  mkdirSync(join(img, '.disk'));
  mkdirSync(join(root, 'os', U2));
  mkdirSync(join(root, 'mk'));
  mkdirSync(join(tmp, 'outside', U), { recursive: true });
  mkdirSync(join(tmp, 'outside-image'));
  writeFileSync(join(tmp, 'secret.txt'), `${MARKER} outside the root\n`);
  writeFileSync(join(root, 'secret.txt'), `${MARKER} in the root, outside any image\n`);
  writeFileSync(join(root, 'os', 'secret.txt'), `${MARKER} in the type folder\n`);
  writeFileSync(join(root, 'os', U2, 'file.txt'), `${MARKER} in another image\n`);
  writeFileSync(join(tmp, 'outside', U, 'secret.txt'), `${MARKER} behind a symlinked type folder\n`);
  writeFileSync(join(tmp, 'outside-image', 'secret.txt'), `${MARKER} behind a symlinked image\n`);
  symlinkSync(join(tmp, 'outside'), join(root, 'esxi'));
  mkdirSync(join(root, 'xenserver'));
  symlinkSync(join(tmp, 'outside-image'), join(root, 'xenserver', UX));

  big = randomBytes(BIG);
  writeFileSync(join(img, 'big.iso'), big);
  writeFileSync(join(img, 'README.txt'), README);
  utimesSync(join(img, 'README.txt'), MTIME, MTIME);
  writeFileSync(join(img, 'vmlinuz'), 'kernel bytes');
  writeFileSync(join(img, 'initrd.gz'), 'initrd bytes');
  writeFileSync(join(img, 'boot.cfg'), 'kernel=vmlinuz\n');
  writeFileSync(join(img, 'answers.xml'), '<a/>');
  writeFileSync(join(img, 'meta.yaml'), 'a: 1\n');
  writeFileSync(join(img, 'meta.json'), '{"a":1}');
  writeFileSync(join(img, 'disk.img'), 'img');
  writeFileSync(join(img, 'KEY.gpg'), 'key');
  writeFileSync(join(img, 'UPPER.ISO'), 'iso');
  writeFileSync(join(img, 'with space.txt'), 'spaced');
  writeFileSync(join(img, 'empty.txt'), '');
  writeFileSync(join(img, '.disk', 'info'), 'Ubuntu-Server 12.04');
  writeFileSync(join(img, 'sub', 'dir', 'file.txt'), 'deep file');
  symlinkSync('../../../secret.txt', join(img, 'link-out'));
  symlinkSync(join(tmp, 'secret.txt'), join(img, 'abs-link'));
  symlinkSync('../../..', join(img, 'dir-link'));
  symlinkSync('../..', join(img, 'root-link'));
  symlinkSync(`../${U2}/file.txt`, join(img, 'link-other-image'));
  symlinkSync('/etc/passwd', join(img, 'etc-link'));
  symlinkSync('nowhere', join(img, 'dangling'));
  symlinkSync('loop', join(img, 'loop'));
  symlinkSync('sub/dir/file.txt', join(img, 'link-in'));
  symlinkSync('sub', join(img, 'dir-in'));
  if (fifoWorks) execFileSync('mkfifo', [join(img, 'fifo')]);

  app = express();
  app.use('/razor/image', imageService({ root, log: pino({ level: 'silent' }) }));
  app.use((_req, res) => void res.status(404).type('text/plain').send('Not found\n'));
  server = http.createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(tmp, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends `path` exactly as written (no client-side normalisation) and collects the response. */
function raw(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const I = `/razor/image/os/${U}`;
const enc = (s: string) => encodeURIComponent(s);

/** Every one of these must be a 404 with a short text body and no byte from outside the image. */
const hostile: string[] = [
  // plain and encoded dot-dot
  `${I}/../../../secret.txt`,
  `${I}/../../secret.txt`,
  `${I}/../secret.txt`,
  `${I}/../${U2}/file.txt`,
  `${I}/sub/dir/../../../../../secret.txt`,
  `${I}/%2e%2e/%2e%2e/%2e%2e/secret.txt`,
  `${I}/%2E%2E/%2E%2E/%2E%2E/secret.txt`,
  `${I}/.%2e/.%2e/.%2e/secret.txt`,
  `${I}/%2e./%2e./%2e./secret.txt`,
  `${I}/..%2f..%2f..%2fsecret.txt`,
  `${I}/..%2F..%2F..%2Fsecret.txt`,
  `${I}/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt`,
  `${I}/sub/..%2f..%2f..%2f..%2f..%2fsecret.txt`,
  // double encoding and bogus escapes
  `${I}/%252e%252e%252f%252e%252e%252f%252e%252e%252fsecret.txt`,
  `${I}/%252e%252e/%252e%252e/%252e%252e/secret.txt`,
  `${I}/%25%32%65%25%32%65/secret.txt`,
  `${I}/%%32%65%%32%65/secret.txt`,
  `${I}/%u002e%u002e/%u002e%u002e/secret.txt`,
  `${I}/%`,
  `${I}/%zz`,
  // backslashes
  `${I}/..%5c..%5c..%5csecret.txt`,
  `${I}/..\\..\\..\\secret.txt`,
  `${I}/%5c..%5c..%5c..%5csecret.txt`,
  `${I}/%2e%2e%5c%2e%2e%5c%2e%2e%5csecret.txt`,
  // NUL and control characters
  `${I}/file%00.txt`,
  `${I}/README.txt%00`,
  `${I}/README.txt%00.iso`,
  `${I}/README.txt%0a`,
  `${I}/README%09.txt`,
  // overlong and other invalid UTF-8
  `${I}/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt`,
  `${I}/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt`,
  `${I}/%e0%80%ae%e0%80%ae/%e0%80%ae%e0%80%ae/secret.txt`,
  `${I}/..%c0%af..%c0%af..%c0%afsecret.txt`,
  `${I}/..%c1%9c..%c1%9c..%c1%9csecret.txt`,
  `${I}/%c0%2e%c0%2e/secret.txt`,
  `${I}/%ed%a0%80`,
  // unicode look-alikes of dots and slashes
  `${I}/%e2%80%a4%e2%80%a4/%e2%80%a4%e2%80%a4/%e2%80%a4%e2%80%a4/secret.txt`,
  `${I}/%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/secret.txt`,
  `${I}/..%e2%88%95..%e2%88%95..%e2%88%95secret.txt`,
  `${I}/..%ef%bc%8f..%ef%bc%8f..%ef%bc%8fsecret.txt`,
  `${I}/%e2%80%a5/secret.txt`,
  // (raw non-ASCII or control bytes never get this far: Node's HTTP parser answers 400 itself)
  `${I}/%c3%a9t%c3%a9.txt`,
  // absolute paths
  `${I}/%2fetc%2fpasswd`,
  `${I}//etc/passwd`,
  `/razor/image//etc/passwd`,
  `/razor/image/%2fetc%2fpasswd`,
  `/razor/image/${enc(tmp)}/secret.txt`,
  `/razor/image/os/${enc(join(tmp, 'secret.txt'))}`,
  `${I}/${enc(join(tmp, 'secret.txt'))}`,
  `${I}/file:%2f%2f%2fetc%2fpasswd`,
  `http://evil.example${I}/../../../secret.txt`,
  // above the mount point
  `/razor/image/../secret.txt`,
  `/razor/image/../../secret.txt`,
  `/razor/image/%2e%2e/secret.txt`,
  `/razor/image/..%2f..%2fsecret.txt`,
  // symlinks leading out of the image (or nowhere)
  `${I}/link-out`,
  `${I}/link-out/`,
  `${I}/abs-link`,
  `${I}/etc-link`,
  `${I}/dir-link`,
  `${I}/dir-link/secret.txt`,
  `${I}/dir-link/../..`,
  `${I}/dir-link/image/secret.txt`,
  `${I}/root-link/secret.txt`,
  `${I}/root-link/os/secret.txt`,
  `${I}/link-other-image`,
  `${I}/dangling`,
  `${I}/loop`,
  `/razor/image/esxi/${U}/secret.txt`,
  `/razor/image/xenserver/${UX}/secret.txt`,
  // directories, empty elements, dots, trailing slashes
  `${I}/sub`,
  `${I}/sub/`,
  `${I}/dir-in`,
  `${I}/`,
  I,
  `/razor/image/os/`,
  `/razor/image/os`,
  `/razor/image/`,
  `/razor/image`,
  `${I}//README.txt`,
  `/razor/image//os/${U}/README.txt`,
  `${I}/./README.txt`,
  `${I}/%2e/README.txt`,
  `${I}/README.txt/`,
  `${I}/README.txt/.`,
  `${I}/README.txt/..`,
  `${I}/...`,
  `${I}/....//....//secret.txt`,
  `${I}/..;/..;/..;/secret.txt`,
  `${I}/%2e%2e%3b/secret.txt`,
  `${I}/~/secret.txt`,
  `${I}/%3f/../secret.txt`,
  `${I}/?../../secret.txt`,
  `${I}/sub%2fdir%2ffile.txt`,
  // wrong or hostile type
  `/razor/image/OS/${U}/README.txt`,
  `/razor/image/iso/${U}/README.txt`,
  `/razor/image/..%2fos/${U}/README.txt`,
  `/razor/image/%2e%2e%2fos/${U}/README.txt`,
  `/razor/image/../os/${U}/README.txt`,
  `/razor/image/./os/${U}/README.txt`,
  `/razor/image/%20os/${U}/README.txt`,
  `/razor/image/${U}/README.txt`,
  // wrong or hostile uuid
  `/razor/image/os/../secret.txt`,
  `/razor/image/os/%2e%2e/secret.txt`,
  `/razor/image/os/..`,
  `/razor/image/os/short/README.txt`,
  `/razor/image/os/${U}x/README.txt`,
  `/razor/image/os/${U.slice(1)}/README.txt`,
  `/razor/image/os/${U.slice(0, 21)}-/README.txt`,
  `/razor/image/os/${U.slice(0, 21)}%2e/README.txt`,
  `/razor/image/os/${U2}/../${U}/README.txt`,
  `/razor/image/mk/${U}/../../os/${U}/README.txt`,
  // very long
  `${I}/${'a/'.repeat(2000)}README.txt`,
  `${I}/${'A'.repeat(300)}`,
  `${I}/${'../'.repeat(500)}secret.txt`,
  `${I}/${'%2e%2e%2f'.repeat(300)}secret.txt`,
];
/** How many hostile paths the table above holds (a lost row fails the count). */
const HOSTILE_COUNT = 116;

describe('hostile paths', () => {
  test('there are plenty of them', () => {
    expect(hostile).toHaveLength(HOSTILE_COUNT);
  });

  test.each(hostile.map((p, i) => [i, p] as const))('#%i %s → 404', async (_i, path) => {
    const res = await raw(path);
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
    expect(res.body.toString('latin1')).toBe('Not found\n');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  (fifoWorks ? test : test.skip)(
    'a fifo in an image → 404, never opened (the answer does not wait)',
    async () => {
      for (const method of ['GET', 'HEAD']) {
        const res = await raw(`${I}/fifo`, method);
        expect({ method, status: res.status }).toEqual({ method, status: 404 });
      }
    },
  );

  test('no hostile path leaks the marker or /etc/passwd, with GET, HEAD or a Range', async () => {
    for (const path of hostile) {
      for (const [method, headers] of [
        ['GET', {}],
        ['HEAD', {}],
        ['GET', { Range: 'bytes=0-' }],
      ] as const) {
        const res = await raw(path, method, headers);
        const body = res.body.toString('latin1');
        expect({ path, method, status: res.status }).toEqual({ path, method, status: 404 });
        expect(body).not.toContain(MARKER);
        expect(body).not.toContain('root:');
      }
    }
  });

  test('the server still serves after all that', async () => {
    const res = await raw(`${I}/README.txt`);
    expect(res.status).toBe(200);
  });
});

describe('serving files', () => {
  test.each([
    ['README.txt', README],
    ['sub/dir/file.txt', 'deep file'],
    ['link-in', 'deep file'],
    ['dir-in/dir/file.txt', 'deep file'],
    ['with%20space.txt', 'spaced'],
    ['%76mlinuz', 'kernel bytes'],
    ['.disk/info', 'Ubuntu-Server 12.04'],
  ])('GET %s → 200', async (name, body) => {
    const res = await raw(`${I}/${name}`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(body);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers.etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+-[0-9a-z]+"$/);
  });

  test('validators and headers', async () => {
    const res = await request(app).get(`${I}/README.txt`);
    expect(res.status).toBe(200);
    expect(res.headers['last-modified']).toBe(MTIME.toUTCString());
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-range']).toBeUndefined();
  });

  test.each([
    ['vmlinuz', 'application/octet-stream'],
    ['initrd.gz', 'application/gzip'],
    ['big.iso', 'application/x-iso9660-image'],
    ['UPPER.ISO', 'application/x-iso9660-image'],
    ['disk.img', 'application/octet-stream'],
    ['answers.xml', 'application/xml'],
    ['meta.yaml', 'application/yaml'],
    ['meta.json', 'application/json'],
    ['boot.cfg', 'text/plain'],
    ['README.txt', 'text/plain'],
    ['KEY.gpg', 'text/plain'],
  ])('Content-Type of %s is %s', async (name, type) => {
    const res = await request(app).head(`${I}/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  test('a 5 MB file streams byte-exact', async () => {
    const res = await raw(`${I}/big.iso`);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(BIG));
    expect(res.body.length).toBe(BIG);
    expect(sha(res.body)).toBe(sha(big));
  });

  test('an empty file is a 200 with no body', async () => {
    const res = await raw(`${I}/empty.txt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.body.length).toBe(0);
  });

  test('HEAD has the headers and no body', async () => {
    const res = await raw(`${I}/big.iso`, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(BIG));
    expect(res.headers.etag).toBeDefined();
    expect(res.body.length).toBe(0);
    const ranged = await raw(`${I}/big.iso`, 'HEAD', { Range: 'bytes=0-9' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-length']).toBe('10');
    expect(ranged.body.length).toBe(0);
  });

  test('other methods are 405', async () => {
    const res = await raw(`${I}/README.txt`, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('ranges', () => {
  test.each([
    ['first bytes', 'bytes=0-99', 0, 99],
    ['the middle', 'bytes=1000000-2000000', 1000000, 2000000],
    ['a suffix', 'bytes=-100', BIG - 100, BIG - 1],
    ['from an offset to the end', `bytes=${BIG - 5000}-`, BIG - 5000, BIG - 1],
    ['exactly the last byte', `bytes=${BIG - 1}-${BIG - 1}`, BIG - 1, BIG - 1],
    ['an end past the end', `bytes=10-${BIG * 2}`, 10, BIG - 1],
    ['a suffix longer than the file', `bytes=-${BIG * 2}`, 0, BIG - 1],
    ['the whole file', 'bytes=0-', 0, BIG - 1],
    ['upper-case unit', 'BYTES=5-6', 5, 6],
  ])('%s (%s) → 206', async (_what, range, start, end) => {
    const res = await raw(`${I}/big.iso`, 'GET', { Range: range });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${BIG}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(sha(res.body)).toBe(sha(big.subarray(start, end + 1)));
  });

  test.each([`bytes=${BIG}-`, `bytes=${BIG}-${BIG + 10}`, 'bytes=99999999999999999999-', 'bytes=-0'])(
    '%s → 416',
    async (range) => {
      const res = await raw(`${I}/big.iso`, 'GET', { Range: range });
      expect(res.status).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${BIG}`);
      expect(res.body.toString()).toBe('Range not satisfiable\n');
    },
  );

  test('any range of an empty file → 416', async () => {
    const res = await raw(`${I}/empty.txt`, 'GET', { Range: 'bytes=0-0' });
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */0');
  });

  test.each([
    'bytes=abc',
    'bytes=5-2',
    'bytes=-',
    'bytes=--1',
    'bytes=0-1,5-6',
    'bytes=0-1, 5-6',
    'items=0-1',
    'bytes 0-1',
    'bytes=1.5-2',
    'bytes=0x10-0x20',
    '',
  ])('malformed or multiple %p → 200 with the whole file', async (range) => {
    const res = await raw(`${I}/README.txt`, 'GET', { Range: range });
    expect(res.status).toBe(200);
    expect(res.headers['content-range']).toBeUndefined();
    expect(res.body.toString()).toBe(README);
  });
});

describe('conditional requests', () => {
  let etag: string;
  beforeAll(async () => {
    etag = (await raw(`${I}/README.txt`, 'HEAD')).headers.etag as string;
  });

  test.each([
    ['the ETag', () => etag],
    ['the weak ETag', () => `W/${etag}`],
    ['a list holding it', () => `"nope", ${etag}`],
    ['*', () => '*'],
  ])('If-None-Match with %s → 304', async (_what, value) => {
    const res = await raw(`${I}/README.txt`, 'GET', { 'If-None-Match': value(), Range: 'bytes=0-1' });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
    expect(res.headers.etag).toBe(etag);
  });

  test('If-None-Match with another ETag → 200, even with a matching If-Modified-Since', async () => {
    const res = await raw(`${I}/README.txt`, 'GET', {
      'If-None-Match': '"other"',
      'If-Modified-Since': new Date().toUTCString(),
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(README);
  });

  test('If-Modified-Since at or after the mtime → 304, before it → 200, garbage → 200', async () => {
    const at = await request(app).get(`${I}/README.txt`).set('If-Modified-Since', MTIME.toUTCString());
    expect(at.status).toBe(304);
    const before = new Date(MTIME.getTime() - 1000).toUTCString();
    expect((await request(app).get(`${I}/README.txt`).set('If-Modified-Since', before)).status).toBe(200);
    expect((await request(app).get(`${I}/README.txt`).set('If-Modified-Since', 'yesterday')).status).toBe(
      200,
    );
  });

  test('If-Range with the ETag or the exact date → 206; anything else → 200 with the whole file', async () => {
    const get = (ifRange: string) =>
      raw(`${I}/README.txt`, 'GET', { Range: 'bytes=0-4', 'If-Range': ifRange });
    expect((await get(etag)).status).toBe(206);
    expect((await get(MTIME.toUTCString())).status).toBe(206);
    for (const other of ['"other"', `W/${etag}`, new Date(MTIME.getTime() - 1000).toUTCString(), 'junk']) {
      const res = await get(other);
      expect({ other, status: res.status }).toEqual({ other, status: 200 });
      expect(res.body.toString()).toBe(README);
    }
  });
});

describe('trouble while streaming', () => {
  test('a client going away mid-download does not hurt the server', async () => {
    await new Promise<void>((done) => {
      const req = http.get({ host: '127.0.0.1', port, path: `${I}/big.iso`, agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          done();
        });
      });
      req.on('error', () => undefined);
    });
    // The server notices the client gone: its connection closes (polled, however loaded the machine).
    const open = () => new Promise<number>((r, j) => server.getConnections((e, n) => (e ? j(e) : r(n))));
    for (const end = Date.now() + 30_000; (await open()) > 0; await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > end) throw new Error('the server kept the abandoned download open');
    }
    expect((await raw(`${I}/README.txt`)).status).toBe(200);
  });

  test('a file shrinking mid-download cuts the response short instead of hanging', async () => {
    const file = join(img, 'shrinking.img');
    const size = 64 * 1024 * 1024;
    const fd = openSync(file, 'w');
    ftruncateSync(fd, size); // sparse
    closeSync(fd);
    const outcome = await new Promise<{ received: number; complete: boolean }>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: `${I}/shrinking.img`, agent: false }, (res) => {
        let received = 0;
        res.once('data', () => {
          res.pause();
          truncateSync(file, 0);
          setTimeout(() => res.resume(), 50);
        });
        res.on('data', (c: Buffer) => (received += c.length));
        res.on('error', () => undefined);
        res.on('close', () => resolve({ received, complete: res.complete }));
      });
      req.on('error', () => undefined);
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.received).toBeLessThan(size);
    expect((await raw(`${I}/README.txt`)).status).toBe(200);
  });
});

describe('createImageApp', () => {
  test('serves images and 404s everything else as text', async () => {
    const imageApp = createImageApp({ root, log: pino({ level: 'silent' }) });
    const ok = await request(imageApp).get(`${I}/README.txt`);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe(README);
    const elsewhere = await request(imageApp).get('/razor/api/node');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.text).toBe('Not found\n');
    expect((await request(imageApp).get(`${I}/link-out`)).status).toBe(404);
  });
});
