/**
 * `GET /razor/api/boot` when something a boot needs is missing: each answer is an iPXE script that
 * says what is wrong, waits `mk_checkin_interval` and reboots (status 200, text/plain), never JSON.
 * No Microkernel image; the bound model's image gone; a model type razor no longer has. And with
 * several Microkernels, the newest usable one by version number (not by text) boots.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import type { StoreFile } from '../../lib/store/json-store.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';

const UNKNOWN = '52:54:00:de:ad:01';
const UNBOUND = '52:54:00:12:34:56'; // SEED.node
const BOUND = '52:54:00:65:43:21'; // SEED.node2, bound by SEED.active_model in state init
const at = '2026-01-01T00:00:00.000Z';

let home: ReturnType<typeof tempHome>;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

async function boot(data: StoreFile, mac: string) {
  await writeSeed(home.home, data);
  const app = testApp(await testDeps(home.home));
  const r = await request(app).get(`/razor/api/boot?hw_id=${encodeURIComponent(mac)}`);
  expect(r.status).toBe(200);
  expect(r.type).toBe('text/plain');
  return r.text;
}

/** The error script for `message` (as templates/ipxe/error.ipxe.hbs renders it, 60 s default wait). */
const errorScript = (message: string) =>
  `#!ipxe\necho razor: ${message}\necho razor: will reboot in 60 seconds\nsleep 60\nreboot`;

const withoutMk = () => {
  const data = seedData();
  delete data.collections.image?.[SEED.mk_image];
  return data;
};

describe('boot errors', () => {
  test.each([
    ['an unknown node', UNKNOWN],
    ['a known, unbound node', UNBOUND],
  ])('no Microkernel image: %s gets the error script naming the fix', async (_who, mac) => {
    expect((await boot(withoutMk(), mac)).trimEnd()).toBe(
      errorScript("no Microkernel image; add one with 'razor image add -t mk -p  iso '"),
    );
  });

  test('a Microkernel that is not usable (not valid, or no initrd) counts as none', async () => {
    const data = withoutMk();
    data.collections.image = {
      ...data.collections.image,
      MkPending0000000000001: mk('MkPending0000000000001', '9.0.0', { status: 'importing' }),
      MkNoInitrd000000000001: mk('MkNoInitrd000000000001', '8.0.0', { initrd: undefined }),
    };
    expect(await boot(data, UNKNOWN)).toContain('echo razor: no Microkernel image;');
  });

  test("the bound model's image is gone: the error script names the image and model", async () => {
    const data = seedData();
    delete data.collections.image?.[SEED.image_in_use];
    expect((await boot(data, BOUND)).trimEnd()).toBe(
      errorScript(`image ${SEED.image_in_use} of model 'bookworm' is gone`),
    );
  });

  test('the active model uses a model type razor no longer has', async () => {
    const data = seedData();
    (data.collections.active_model?.[SEED.active_model] as ActiveModelDoc).model.type = 'debian_sarge';
    expect((await boot(data, BOUND)).trimEnd()).toBe(
      errorScript(
        `active model ${SEED.active_model} uses model type 'debian_sarge' which razor no longer has`,
      ),
    );
  });

  test('with its image present the same bound node boots the installer (the errors above are the cause)', async () => {
    const text = await boot(seedData(), BOUND);
    expect(text).toMatch(
      new RegExp(`^kernel http://10\\.0\\.2\\.2:8027/razor/image/os/${SEED.image_in_use}/`, 'm'),
    );
  });
});

function mk(uuid: string, version: string, extra: Record<string, unknown> = {}) {
  return {
    uuid,
    created_at: at,
    type: 'mk',
    name: 'razor-mk',
    version,
    status: 'valid',
    kernel: 'vmlinuz',
    initrd: 'initrd.gz',
    ...extra,
  };
}

describe('several Microkernels', () => {
  test('the newest usable version boots: 1.10.0 over 1.9.9 and v1.2 (numbers, not text)', async () => {
    const data = withoutMk();
    data.collections.image = {
      ...data.collections.image,
      MkOld00000000000000001: mk('MkOld00000000000000001', 'v1.2'),
      MkTen00000000000000001: mk('MkTen00000000000000001', '1.10.0'),
      MkNine0000000000000001: mk('MkNine0000000000000001', '1.9.9'),
      MkBroken00000000000001: mk('MkBroken00000000000001', '2.0.0', { status: 'invalid' }),
      MkNoKernel000000000001: mk('MkNoKernel000000000001', '3.0.0', { kernel: undefined }),
    };
    const text = await boot(data, UNKNOWN);
    expect(text).toContain('echo razor: booting the Microkernel 1.10.0 for discovery');
    expect(text).toContain(
      'kernel http://10.0.2.2:8027/razor/image/mk/MkTen00000000000000001/vmlinuz initrd=initrd.gz maxcpus=1',
    );
    expect(text).toContain('initrd http://10.0.2.2:8027/razor/image/mk/MkTen00000000000000001/initrd.gz');
  });

  test('a remote Microkernel (status remote) boots from its own URL', async () => {
    const data = withoutMk();
    data.collections.image = {
      ...data.collections.image,
      MkRemote00000000000001: mk('MkRemote00000000000001', '5.0', {
        status: 'remote',
        url: 'http://mirror.example.com/mk',
      }),
      MkLocal000000000000001: mk('MkLocal000000000000001', '4.0'),
    };
    expect(await boot(data, UNKNOWN)).toContain(
      'kernel http://mirror.example.com/mk/vmlinuz initrd=initrd.gz maxcpus=1',
    );
  });
});
