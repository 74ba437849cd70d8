/**
 * The boot route as a handler, in the style of matchbox's `http/ipxe_test.go`: the app over an
 * in-memory store (no file, no daemon), the exact iPXE text a node receives, and what a node sees
 * when the store cannot answer — always an iPXE script with status 200, never JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { memoryStore } from '../../lib/store/memory.js';
import { failingStore } from '../../lib/store/failing.js';
import { memoryDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import { SEED, seedData } from '../helpers/fixture.js';
import type { Store } from '../../lib/store/store.js';

const home = mkdtempSync(join(tmpdir(), 'razor-boot-handler-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const NEW_MAC = '52:54:00:aa:bb:01';
const bootPath = `/razor/api/boot?hw_id=${NEW_MAC}&dhcp_mac=01-52-54-00-aa-bb-01`;

async function boot(store: Store, path = bootPath) {
  const app = testApp(await memoryDeps(home, store));
  const res = await request(app).get(path);
  return { status: res.status, type: res.headers['content-type'], text: res.text };
}

/** The store's data without the Microkernel image. */
function withoutMk() {
  const data = seedData();
  delete data.collections.image?.[SEED.mk_image];
  return data;
}

const seededNodes = Object.keys(seedData().collections.node ?? {}).length;
const BOUND = '/razor/api/boot?hw_id=52:54:00:65:43:21&dhcp_mac=01-52-54-00-65-43-21';

const errorScript = (message: string) =>
  `#!ipxe\necho razor: ${message}\necho razor: will reboot in 60 seconds\nsleep 60\nreboot\n`;

describe('boot handler over an in-memory store', () => {
  test('an unknown node gets the newest Microkernel, exactly, and nothing is written', async () => {
    const store = memoryStore(seedData());
    const answer = await boot(store);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/plain; charset=utf-8');
    expect(answer.text).toBe(
      [
        '#!ipxe',
        'echo razor: booting the Microkernel 1.0.0 for discovery',
        `kernel http://10.0.2.2:8027/razor/image/mk/${SEED.mk_image}/boot/vmlinuz initrd=initrd.gz maxcpus=1 razor.ip=10.0.2.2 razor.port=8026 || goto error`,
        `initrd http://10.0.2.2:8027/razor/image/mk/${SEED.mk_image}/boot/initrd.gz || goto error`,
        'boot || goto error',
        '',
        ':error',
        'echo razor: could not boot the Microkernel, will reboot in 60 seconds',
        'sleep 60',
        'reboot',
        '',
      ].join('\n'),
    );
    // The Microkernel registers the node; its boot alone leaves the store as it was.
    expect(await store.read(async (r) => r.count('node'))).toBe(seededNodes);
  });

  test('no Microkernel image: an error script that says how to add one', async () => {
    const answer = await boot(memoryStore(withoutMk()));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      errorScript("no Microkernel image; add one with 'razor image add -t mk -p  iso '"),
    );
  });

  test('of several Microkernels the newest version boots', async () => {
    const data = seedData();
    const mk = data.collections.image?.[SEED.mk_image] as Record<string, unknown>;
    const images = data.collections.image as Record<string, Record<string, unknown>>;
    images.MkOlder000000000000001 = { ...mk, uuid: 'MkOlder000000000000001', version: '0.9.12' };
    images.MkNewer000000000000001 = { ...mk, uuid: 'MkNewer000000000000001', version: '1.10.0' };
    images.MkBroken00000000000001 = {
      ...mk,
      uuid: 'MkBroken00000000000001',
      version: '9.0.0',
      status: 'invalid',
    };
    const answer = await boot(memoryStore(data as never));
    expect(answer.text).toContain('booting the Microkernel 1.10.0 for discovery');
    expect(answer.text).toContain('/razor/image/mk/MkNewer000000000000001/boot/vmlinuz');
  });

  test('bad input is an iPXE error script, not JSON, and writes nothing', async () => {
    const store = memoryStore(seedData());
    const before = await store.read(async (r) => r.count('node'));
    const answer = await boot(store, '/razor/api/boot?hw_id=not-a-mac');
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith('#!ipxe\necho razor: ')).toBe(true);
    expect(answer.text).toContain('reboot\n');
    expect(answer.text).not.toContain('{');
    expect(await store.read(async (r) => r.count('node'))).toBe(before);
  });
});

describe('boot handler over a store that fails', () => {
  test('a store that cannot be read: the node is told, waits and reboots', async () => {
    const answer = await boot(failingStore(memoryStore(seedData()), 'all', 'the store is unavailable'));
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/plain; charset=utf-8');
    expect(answer.text).toBe(errorScript('the store is unavailable'));
  });

  test('a bound node whose boot must be recorded: a failed write is an error script, nothing half-done', async () => {
    const store = memoryStore(seedData());
    const working = await boot(store, BOUND);
    expect(working.text).toMatch(/^#!ipxe\n/);
    expect(working.text).toContain(`/razor/api/policy/callback/${SEED.active_model}/preseed/file `);
    // The first boot pins the install to its address: a write the failing store below refuses.
    const pinned = await store.read((r) => r.get('active_model', SEED.active_model));
    expect(pinned?.pin).toMatchObject({ address: '127.0.0.1' });
    const inner = memoryStore(seedData());
    const answer = await boot(failingStore(inner, 'writes', 'the store is unavailable'), BOUND);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(errorScript('the store is unavailable'));
    const am = await inner.read((r) => r.get('active_model', SEED.active_model));
    expect(am).toEqual(seedData().collections.active_model?.[SEED.active_model]);
  });
});
