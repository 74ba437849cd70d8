/**
 * A new OS family is data (issue 11 item 5, ADR 0022): test/fixtures/families holds a new policy
 * template, a new image type (with its recognition rules) and a model type using both, and no
 * TypeScript. Pointed at it with RAZOR_EXTRA_TEMPLATES_PATH, razor lists them (`policy templates`,
 * `model templates`, the help of `image add` and `policy add`), recognises and imports an image of
 * the new type, and binds a node with a policy of the new template that boots the new image.
 * Without it, razor knows none of them. Spawns dist/bin (run `npm run build` first).
 */
import { runRazor } from '../helpers/daemon.js';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ROOT, testDeps, testEnv } from '../helpers/deps.js';
import { tempHome } from '../helpers/fixture.js';
import { testApp } from '../helpers/app.js';

const FAMILIES = join(ROOT, 'test', 'fixtures', 'families');
const MEDIA = join(FAMILIES, 'media', 'appliance-1.4');
const EXTRA = { RAZOR_EXTRA_TEMPLATES_PATH: FAMILIES };
const MK_HWID = '525400AABB01';

const razor = runRazor;

describe('an OS family added as a folder of data', () => {
  let home: ReturnType<typeof tempHome>;
  const env = (extra: Record<string, string> = EXTRA) => testEnv(home.home, extra);
  const web = async (args: string[], extra?: Record<string, string>) => {
    const r = await razor(['-w', ...args], env(extra));
    return JSON.parse(r.stdout) as {
      result: string;
      err_class?: string;
      response: Record<string, unknown>[];
    };
  };

  beforeAll(() => {
    home = tempHome();
  });
  afterAll(() => home.cleanup());

  test('razor lists the new policy template and model type, and help names the new image type', async () => {
    const templates = await web(['policy', 'templates']);
    expect(templates.response).toContainEqual({
      name: 'appliance_deploy',
      description: 'Policy for deploying a network appliance.',
    });
    expect(templates.response.map((t) => t.name)).toEqual(
      expect.arrayContaining(['linux_deploy', 'vmware_hypervisor', 'xenserver_hypervisor']),
    );
    const models = await web(['model', 'templates']);
    expect(models.response).toContainEqual(
      expect.objectContaining({
        name: 'appliance_os',
        template: 'appliance_deploy',
        image_type: 'appliance',
      }),
    );
    const imageHelp = await razor(['image', 'add', '--help'], env());
    expect(imageHelp.stdout.replace(/\s+/g, ' ')).toMatch(
      /Image type: appliance, esxi, mk, os, rootfs, xenserver/,
    );
    const policyHelp = await razor(['policy', 'add', '--help'], env());
    expect(policyHelp.stdout.replace(/\s+/g, ' ')).toMatch(
      /appliance_deploy, linux_deploy, vmware_hypervisor, xenserver_hypervisor/,
    );
  });

  test('without the extra folder razor knows none of them', async () => {
    const templates = await web(['policy', 'templates'], {});
    expect(templates.response.map((t) => t.name)).not.toContain('appliance_deploy');
    const refused = await web(['image', 'add', JSON.stringify({ type: 'appliance', path: MEDIA })], {});
    expect(refused.err_class).toBe('ProjectRazor::Error::Slice::InputError');
    expect(refused.result).toContain("'type' must be one of: esxi, mk, os, rootfs, xenserver");
  });

  test('media that are not of the type are refused with the message the image type declares', async () => {
    const other = join(FAMILIES, 'media', 'not-an-appliance');
    const r = await web(['image', 'add', JSON.stringify({ type: 'appliance', path: other })]);
    expect(r.err_class).toBe('ProjectRazor::Error::Slice::InvalidImageFilePath');
    expect(r.result).toContain('an Appliance OS image needs appliance.txt');
    expect((await web(['image'])).response).toEqual([]);
  });

  test('an image of the new type is recognised and imported; a policy of the new template binds a node', async () => {
    const added = await web(['image', 'add', JSON.stringify({ type: 'appliance', path: MEDIA })]);
    expect(added.result).toBe('Created');
    const image = added.response[0] as Record<string, unknown>;
    // Name and version read from APPLIANCE.TXT (found whatever its case), the boot files found.
    expect(image).toMatchObject({
      type: 'appliance',
      name: 'appliance-os',
      version: '1.4.2',
      kernel: 'boot/vmlinuz',
      initrd: 'boot/initrd.img',
      status: 'valid',
    });
    const uuid = image.uuid as string;
    expect(existsSync(join(home.home, 'image', 'appliance', uuid, 'boot', 'vmlinuz'))).toBe(true);

    const app = testApp(await testDeps(home.home, EXTRA));
    const api = (path: string) => `/razor/api/${path}`;
    const model = await request(app)
      .post(api('model'))
      .send({
        template: 'appliance_os',
        label: 'appliances',
        image_uuid: uuid,
        req_metadata_hash: { root_password: 'correct-horse' },
      });
    expect(model.status).toBe(201);
    const modelUuid = model.body.response[0].uuid as string;
    // The new template's policy takes only a model of that template.
    const wrong = await request(app).post(api('policy')).send({
      template: 'linux_deploy',
      label: 'x',
      model_uuid: modelUuid,
      tags: 'appliance',
      enabled: true,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.err_class).toBe('ProjectRazor::Error::Slice::InvalidModel');
    const policy = await request(app).post(api('policy')).send({
      template: 'appliance_deploy',
      label: 'appliances',
      model_uuid: modelUuid,
      tags: 'nics_1',
      enabled: true,
    });
    expect(policy.status).toBe(201);
    expect(policy.body.response[0]).toMatchObject({ template: 'appliance_deploy' });

    const facts = { mk_hw_nic_count: '1', macaddress_eth0: '52:54:00:aa:bb:01' };
    const form = JSON.stringify({ '@hw_id': MK_HWID, '@attributes_hash': facts, '@last_state': 'idle' });
    expect(
      (await request(app).post(api('node/register')).type('form').send({ json_hash: form })).status,
    ).toBe(200);
    await request(app).get(api(`node/checkin?hw_id=${MK_HWID}&last_state=idle`));
    const bound = (await request(app).get(api('active_model'))).body.response as Record<string, unknown>[];
    expect(bound).toHaveLength(1);
    const boot = await request(app).get(api(`boot?hw_id=${encodeURIComponent('52:54:00:aa:bb:01')}`));
    expect(boot.status).toBe(200);
    expect(boot.text).toContain(`/razor/image/appliance/${uuid}/boot/vmlinuz`);
    expect(boot.text).toContain(`/razor/image/appliance/${uuid}/boot/initrd.img`);
  });
});
