/**
 * The image-based install's side of the wire (ADR 0029), with the exact requests the Microkernel's
 * install mode (mk/install.sh) and the installed system's first boot send: a bound node of a
 * `debian_bookworm_image` model boots the Microkernel with razor.install=<plan URL>; the plan names
 * the archive, its SHA-256 and unpacked size, the hostname, the root password hash and the SSH key,
 * and the keyed callback URL every later report needs; install/start, install/step/<name> and
 * install/done move it to postinstall, where /boot answers the local disk; os_complete and the
 * broker follow. A failed step lands in install_error (the Microkernel again, the log lines kept);
 * only `reinstall` starts over.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import type { StoreFile } from '../../lib/store/json-store.js';

const MK = 'MkImage000000000000001';
const ROOTFS = 'RootfsImage00000000001';
const SHA = 'ab'.repeat(32);
const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@example.com';
const FACTS = { mk_hw_mem_size: '2GiB', is_virtual: 'true', virtual: 'kvm' };

function images(): StoreFile {
  const at = '2026-01-01T00:00:00.000Z';
  const image = { created_at: at, status: 'valid' };
  return {
    rev: 1,
    format: 'razor-store/1',
    collections: {
      image: {
        [MK]: { ...image, uuid: MK, type: 'mk', name: 'razor-mk', version: '0.2.0', kernel: 'boot/vmlinuz', initrd: 'boot/initrd.gz' },
        [ROOTFS]: {
          ...image,
          uuid: ROOTFS,
          type: 'rootfs',
          name: 'bookworm',
          version: '6.1.0-57-amd64',
          file: 'rootfs.tar.zst',
          sha256: SHA,
          size: 256_000_000,
          unpacked_size: 824_614_400,
          kernel_version: '6.1.0-57-amd64',
        },
      },
    },
  }; // prettier-ignore
}

describe('an image-based install over HTTP', () => {
  let home: ReturnType<typeof tempHome>;
  let app: ReturnType<typeof testApp>;
  const get = (path: string) => request(app).get(`/razor/api/${path}`);
  const post = (path: string, body: object) => request(app).post(`/razor/api/${path}`).send(body);
  const checkin = async (hw: string) =>
    (await get(`node/checkin?hw_id=${hw}&last_state=idle`)).body.response.command_name as string;
  const shown = async (am: string) => (await get(`active_model/${am}`)).body.response[0];

  /** A node registered and bound to the image model's policy; its active model's UUID. */
  async function bound(hw: string): Promise<string> {
    const node = (await post('node/register', { hw_id: hw, attributes_hash: FACTS, last_state: 'idle' })).body
      .response.uuid as string;
    expect(await checkin(hw)).toBe('acknowledge');
    const ams = (await get('active_model')).body.response as Array<{ uuid: string; node_uuid: string }>;
    return ams.find((a) => a.node_uuid === node)!.uuid;
  }

  beforeAll(async () => {
    home = tempHome();
    await writeSeed(home.home, images());
    app = testApp(await testDeps(home.home));
    const model = await post('model', {
      template: 'debian_bookworm_image',
      label: 'bookworm-image',
      image_uuid: ROOTFS,
      req_metadata_hash: {
        hostname_prefix: 'web',
        domainname: 'example.com',
        root_password: 'correct-horse',
        ssh_authorized_key: KEY,
      },
    });
    expect(model.status).toBe(201);
    const tag = (await post('tag', { name: 'vms', tag: 'vm2g' })).body.response[0].uuid;
    await post(`tag/${tag}/matcher`, { key: 'mk_hw_mem_size', compare: 'equal', value: '2GiB' });
    const policy = await post('policy', {
      template: 'linux_deploy',
      label: 'image',
      model_uuid: model.body.response[0].uuid,
      tags: ['vm2g'],
      enabled: true,
    });
    expect(policy.status).toBe(201);
  });
  afterAll(() => home.cleanup());

  test('boot → Microkernel in install mode → plan → steps → local disk → os_complete', async () => {
    const am = await bound('525400AABB01');
    expect(await checkin('525400AABB01')).toBe('reboot');
    const boot = await get('boot?hw_id=525400AABB01');
    const mk = `http://10.0.2.2:8027/razor/image/mk/${MK}`;
    const planUrl = `http://10.0.2.2:8026/razor/api/policy/callback/${am}/install/plan`;
    expect(boot.text).toContain(
      `kernel ${mk}/boot/vmlinuz initrd=initrd.gz razor.install=${planUrl} razor.ip=10.0.2.2 razor.port=8026 console=tty0`,
    );
    expect(boot.text).toContain(`initrd ${mk}/boot/initrd.gz`);

    // The plan is shell: every value quoted; the password only as its hash; the keyed callback URL.
    const plan = await get(`policy/callback/${am}/install/plan`);
    expect(plan.status).toBe(200);
    expect(plan.text).toContain(
      `image_url='http://10.0.2.2:8027/razor/image/rootfs/${ROOTFS}/rootfs.tar.zst'`,
    );
    expect(plan.text).toContain(`image_sha256='${SHA}'`);
    expect(plan.text).toContain("image_unpacked_size='824614400'");
    expect(plan.text).toContain("hostname='web1.example.com'\nshort_hostname='web1'");
    expect(plan.text).toMatch(/root_password_hash='\$6\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}'/);
    expect(plan.text).not.toContain('correct-horse');
    expect(plan.text).toContain(`ssh_authorized_key='${KEY}'`);
    const keyed = new RegExp(`callback_url='(http://10\\.0\\.2\\.2:8026/razor/api/policy/callback/${am}\\.[0-9A-Za-z]{22})'`).exec(plan.text); // prettier-ignore
    expect(keyed).not.toBeNull();
    const cb = (path: string) => request(app).get(`${new URL(keyed![1]!).pathname}/${path}`);
    expect((await get(`policy/callback/${am}/install/start`)).status).toBe(403); // the key is needed

    expect((await cb('install/start')).text).toBe('ok');
    expect((await shown(am)).state).toBe('installing');
    for (const step of ['disk', 'partition', 'mkfs', 'stream', 'configure', 'grub']) {
      expect((await cb(`install/step/${step}`)).status).toBe(200);
    }
    expect((await shown(am)).state).toBe('installing');
    // A reboot mid-install boots the installer again (never the half-written disk).
    expect((await get('boot?hw_id=525400AABB01')).text).toContain('razor.install=');
    expect((await cb('install/done')).text).toBe('ok');
    expect((await shown(am)).state).toBe('postinstall');
    expect((await get('boot?hw_id=525400AABB01')).text).toContain('sanboot --no-describe --drive 0x80');
    // The plan is served only while the node installs.
    expect((await get(`policy/callback/${am}/install/plan`)).status).toBe(403);

    // First boot: os_complete script, final → complete_no_broker (no broker on this policy).
    const complete = await cb('postinstall/boot');
    expect(complete.text).toContain('call postinstall/final');
    expect((await cb('postinstall/final')).status).toBe(200);
    const done = await shown(am);
    expect(done.state).toBe('complete_no_broker');
    const actions = done.log.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'bind', 'pin', 'boot_call', 'install_plan', 'install_start',
      ...Array(6).fill('install_step'),
      'boot_call', 'install_done', 'boot_call', 'os_boot', 'os_final', 'broker_check',
    ]); // prettier-ignore
    expect(done.log.filter((e: { action: string }) => e.action === 'install_step').map((e: { result: string }) => e.result)).toEqual(
      ['disk', 'partition', 'mkfs', 'stream', 'configure', 'grub'].map((s) => `install/step/${s}`),
    ); // prettier-ignore
  });

  test('a failed step: install_error with the log lines, the Microkernel again; reinstall starts over', async () => {
    const am = await bound('525400AABB02');
    expect((await get('boot?hw_id=525400AABB02')).text).toContain('razor.install=');
    const plan = (await get(`policy/callback/${am}/install/plan`)).text;
    expect(plan).toContain('callback_url=');
    const url = new URL(/callback_url='([^']+)'/.exec(plan)![1]!).pathname;
    const cb = (path: string) => request(app).get(`${url}/${path}`);
    await cb('install/start');
    await cb('install/step/disk');
    const line = 'no disk of at least 1810 MiB (the image unpacks to 786 MiB); disks: vda 1024 MiB';
    expect((await cb(`install/log/${encodeURIComponent(line)}`)).status).toBe(200);
    expect((await cb('install/fail/disk')).status).toBe(200);
    const failed = await shown(am);
    expect(failed.state).toBe('install_error');
    expect(failed.log.map((e: { result: string }) => e.result)).toEqual(
      expect.arrayContaining([`install/log/${line}`, 'install/fail/disk']),
    );
    // The node boots the Microkernel (discovery), which is told to stay put, not to reboot.
    const boot = (await get('boot?hw_id=525400AABB02')).text;
    expect(boot).toContain('booting the Microkernel');
    expect(boot).not.toContain('razor.install=');
    expect(await checkin('525400AABB02')).toBe('acknowledge');
    // Nothing the node sends leaves the error state; the admin's reinstall does.
    expect((await cb('install/start')).status).toBe(200);
    expect((await shown(am)).state).toBe('install_error');
    expect((await post(`active_model/${am}/reinstall`, {})).status).toBeLessThan(300);
    expect((await shown(am)).state).toBe('init');
    expect(await checkin('525400AABB02')).toBe('reboot');
    expect((await get('boot?hw_id=525400AABB02')).text).toContain('razor.install=');
  });
});
