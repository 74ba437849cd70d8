/**
 * The whole provisioning flow over HTTP with the exact request shapes a Microkernel and an
 * installer send: unknown boot → MK; first checkin → register; register (form json_hash with @
 * keys) → node with system tags; tag rule + policy → bound on a checkin → reboot; boot → installer
 * kernel/initrd with the preseed URL; preseed with hostname, domain and password hash; callbacks
 * through every state to os_complete; broker script → broker_success; boot → local disk.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import type { StoreFile } from '../../lib/store/json-store.js';

const HW = '52:54:00:aa:bb:cc';
const HW2 = '52:54:00:aa:bb:cd';
const MK = 'MkImage000000000000001';
const OS = 'OsImage000000000000001';
// What razor.ipxe sends: every MAC (empty slots for missing NICs) and the NIC that got DHCP.
const bootQuery = `hw_id=${encodeURIComponent(HW)}_${encodeURIComponent(HW2)}______&dhcp_mac=01-52-54-00-aa-bb-cc`;
// What the Microkernel sends: MACs upper-case without colons, joined by _.
const MK_HWID = '525400AABBCC_525400AABBCD';
const FACTS = {
  mk_hw_cpu_count: '2',
  mk_hw_mem_size: '2GiB',
  mk_hw_nic_count: '2',
  mk_hw_bus_vendor: 'QEMU',
  is_virtual: 'true',
  virtual: 'kvm',
  macaddress_eth0: HW,
  macaddress_eth1: HW2,
};

function images(): StoreFile {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    rev: 1,
    format: 'razor-store/1',
    collections: {
      image: {
        [MK]: {
          uuid: MK,
          created_at: at,
          type: 'mk',
          name: 'razor-mk',
          version: '1.0.0',
          status: 'valid',
          kernel: 'vmlinuz',
          initrd: 'initrd.gz',
        },
        [OS]: { uuid: OS, created_at: at, type: 'os', name: 'debian', version: '12', status: 'valid' },
      },
    },
  };
}

describe('the provisioning flow', () => {
  let home: ReturnType<typeof tempHome>;
  let app: ReturnType<typeof testApp>;
  const api = (path: string) => `/razor/api/${path}`;
  const get = (path: string) => request(app).get(api(path));
  const post = (path: string, body: object) => request(app).post(api(path)).send(body);
  const checkin = async (first = false) => {
    const res = await get(
      `node/checkin?hw_id=${MK_HWID}&last_state=idle${first ? '&first_checkin=true' : ''}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.client_config).toMatchObject({
      mk_checkin_interval: 60,
      mk_register_path: '/razor/api/node/register',
    });
    return res.body.response.command_name as string;
  };
  const state = async (am: string) => (await get(`active_model/${am}`)).body.response[0].state as string;

  beforeAll(async () => {
    home = tempHome();
    await writeSeed(home.home, images());
    app = testApp(await testDeps(home.home));
  });
  afterAll(() => home.cleanup());

  test('from first boot to broker hand-off and local boot', async () => {
    // 1. An unknown machine boots: the Microkernel.
    let boot = await get(`boot?${bootQuery}`);
    expect(boot.status).toBe(200);
    expect(boot.type).toBe('text/plain');
    expect(boot.text).toContain(
      `kernel http://10.0.2.2:8027/razor/image/mk/${MK}/vmlinuz initrd=initrd.gz maxcpus=1`,
    );
    expect(boot.text).toContain(`initrd http://10.0.2.2:8027/razor/image/mk/${MK}/initrd.gz`);

    // 2. First checkin → register; 3. register with the MK's exact form shape.
    expect(await checkin(true)).toBe('register');
    const form = JSON.stringify({ '@hw_id': MK_HWID, '@attributes_hash': FACTS, '@last_state': 'idle' });
    const reg = await request(app).post(api('node/register')).type('form').send({ json_hash: form });
    expect(reg.status).toBe(200);
    expect(reg.body.client_config).toBeDefined();
    const node = reg.body.response;
    expect(node.hw_id).toEqual(['525400AABBCC', '525400AABBCD']);
    expect(node.tags).toEqual(expect.arrayContaining(['cpus_2', 'QEMU', 'memsize_2GiB', 'nics_2', 'kvm_vm']));
    expect(await checkin()).toBe('acknowledge'); // no policy yet

    // 4. The operator adds a tag rule, a broker, a model and a policy.
    const tag = (await post('tag', { name: 'small vms', tag: 'small_vm' })).body.response[0].uuid;
    await post(`tag/${tag}/matcher`, { key: 'mk_hw_mem_size', compare: 'equal', value: '2GiB' });
    const broker = (
      await post('broker', {
        plugin: 'puppet',
        name: 'prod',
        description: 'Puppet',
        req_metadata_hash: { server: 'puppet.example.com' },
      })
    ).body.response[0].uuid;
    const model = await post('model', {
      template: 'debian_bookworm',
      label: 'bookworm',
      image_uuid: OS,
      req_metadata_hash: {
        hostname_prefix: 'web',
        domainname: 'example.com',
        root_password: 'correct-horse',
      },
    });
    expect(model.status).toBe(201);
    expect(model.body.response[0].metadata.root_password).toBe('<redacted>');
    const policy = await post('policy', {
      template: 'linux_deploy',
      label: 'web',
      model_uuid: model.body.response[0].uuid,
      tags: ['small_vm', 'kvm_vm'],
      broker_uuid: broker,
      enabled: true,
    });
    expect(policy.status).toBe(201);

    // 5. The next checkin binds (and acknowledges); the one after says reboot.
    expect(await checkin()).toBe('acknowledge');
    const ams = (await get('active_model')).body.response;
    expect(ams).toHaveLength(1);
    const am = ams[0].uuid as string;
    expect(ams[0]).toMatchObject({ node_uuid: node.uuid, hostname: 'web1.example.com', state: 'init' });
    expect(await checkin()).toBe('reboot');

    // 6. The node reboots: the installer, with the preseed URL.
    boot = await get(`boot?${bootQuery}`);
    const image = `http://10.0.2.2:8027/razor/image/os/${OS}`;
    expect(boot.text).toContain(
      `kernel ${image}/debian-installer/amd64/linux initrd=initrd.gz auto=true priority=critical`,
    );
    expect(boot.text).toContain(`url=http://10.0.2.2:8026/razor/api/policy/callback/${am}/preseed/file`);
    expect(boot.text).toContain('hostname=web1 domain=example.com');
    expect(boot.text).toContain('BOOTIF=01-52-54-00-aa-bb-cc');
    expect(boot.text).toContain(`initrd ${image}/debian-installer/amd64/initrd.gz`);

    // 7. The installer fetches its preseed (the boot script's URL): hostname, domain, the password
    // only as a hash, and the callback URL with the install key that every later callback needs.
    const preseed = await get(`policy/callback/${am}/preseed/file`);
    expect(preseed.status).toBe(200);
    expect(preseed.type).toBe('text/plain');
    expect(preseed.text).toContain('d-i netcfg/get_hostname string web1');
    expect(preseed.text).toContain('d-i netcfg/get_domain string example.com');
    expect(preseed.text).toMatch(
      /d-i passwd\/root-password-crypted password \$6\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}\n/,
    );
    expect(preseed.text).not.toContain('correct-horse');
    const keyed = new RegExp(
      `wget -q -O /dev/null http://10\\.0\\.2\\.2:8026/razor/api/policy/callback/(${am}\\.[0-9A-Za-z]{22})/preseed/start`,
    ).exec(preseed.text);
    expect(keyed).not.toBeNull();
    const cb = (path: string) => get(`policy/callback/${keyed?.[1]}/${path}`);
    expect((await get(`policy/callback/${am}/preseed/start`)).status).toBe(403); // not with the boot script's URL

    // 8. Through every state.
    expect((await cb('preseed/start')).text).toBe('ok');
    expect(await state(am)).toBe('preinstall');
    expect(await checkin()).toBe('reboot');
    expect((await cb('preseed/end')).text).toBe('ok');
    expect(await state(am)).toBe('postinstall');
    const inject = await cb('postinstall/inject');
    expect(inject.text).toMatch(/^#!\/bin\/sh\n/);
    expect(inject.text).toContain("hostnamectl set-hostname 'web1.example.com'");
    // The installed system boots from its disk from now on.
    expect((await get(`boot?${bootQuery}`)).text).toContain('sanboot --no-describe --drive 0x80');
    expect((await cb('postinstall/send_ips/10.0.2.15')).text).toBe('ok');
    expect((await cb('postinstall/set_hostname_ok')).text).toBe('ok');
    const complete = await cb('postinstall/boot');
    expect(complete.text).toContain('call postinstall/final');
    expect(complete.text).toContain('"$CALLBACK/broker/script"');
    expect((await cb('postinstall/final')).text).toBe('');
    expect(await state(am)).toBe('os_complete');

    // 9. The node pulls its broker script and reports.
    const script = await cb('broker/script');
    expect(script.text).toContain("SERVER='puppet.example.com'");
    expect(script.text).toContain("CERTNAME='web1.example.com'");
    expect(script.text).toContain(`printf '%s=%s\\n' 'razor_active_model_uuid' '${am}'`);
    expect(await state(am)).toBe('broker_wait');
    expect((await cb('broker/success')).text).toBe('ok');
    expect(await state(am)).toBe('broker_success');

    // 10. Any later boot is the local disk; the log has every event.
    expect((await get(`boot?${bootQuery}`)).text).toContain('sanboot');
    const shown = (await get(`active_model/${am}`)).body.response[0];
    expect(shown.node_ip).toBe('10.0.2.15');
    expect(shown.model.metadata.root_password).toBe('<redacted>');
    const actions = shown.log.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'bind',
        'boot_call',
        'preseed_file',
        'preseed_start',
        'preseed_end',
        'postinstall_inject',
        'set_hostname_ok',
        'os_boot',
        'os_final',
        'broker_fetch',
        'broker_success',
      ]),
    );

    // 11. Removing the active model unbinds: the next boot is the Microkernel again.
    expect((await request(app).delete(api(`active_model/${am}`))).status).toBe(202);
    expect((await get(`boot?${bootQuery}`)).text).toContain(`/razor/image/mk/${MK}/vmlinuz`);
  });

  test('without a broker the final callback ends in complete_no_broker', async () => {
    const h = tempHome();
    await writeSeed(h.home, images());
    const a = testApp(await testDeps(h.home));
    const r = (p: string) => request(a).get(`/razor/api/${p}`);
    await request(a).get(`/razor/api/node/checkin?hw_id=${MK_HWID}&last_state=idle&first_checkin=true`);
    await request(a)
      .post('/razor/api/node/register')
      .send({ hw_id: MK_HWID, attributes_hash: FACTS, last_state: 'idle' });
    const model = (
      await request(a)
        .post('/razor/api/model')
        .send({
          template: 'debian_bookworm',
          label: 'b',
          image_uuid: OS,
          req_metadata_hash: { root_password: 'correct-horse' },
        })
    ).body.response[0].uuid;
    await request(a)
      .post('/razor/api/policy')
      .send({ template: 'linux_deploy', label: 'p', model_uuid: model, tags: 'nics_2', enabled: 'true' });
    await r(`node/checkin?hw_id=${MK_HWID}&last_state=idle`);
    const am = (await r('active_model')).body.response[0].uuid;
    await r(`boot?${bootQuery}`);
    const url = /callback\/([^/]+)\/preseed\/start/.exec(
      (await r(`policy/callback/${am}/preseed/file`)).text,
    )?.[1];
    for (const step of ['preseed/start', 'preseed/end', 'postinstall/final'])
      expect((await r(`policy/callback/${url}/${step}`)).status).toBe(200);
    expect((await r(`active_model/${am}`)).body.response[0].state).toBe('complete_no_broker');
    expect((await r(`policy/callback/${url}/postinstall/boot`)).text).not.toContain('broker/script');
    h.cleanup();
  });
});
