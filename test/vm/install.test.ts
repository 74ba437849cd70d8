/**
 * Scenario (b), install: a policy matching the VM's system tag binds it; the Microkernel is told to
 * reboot; iPXE loads the real Debian 12 netboot installer (debian-installer-12-netboot-amd64,
 * imported as an os image) from razor's image service with kernel arguments pointing at razor's
 * preseed; the installer fetches the preseed through its callback and runs its early_command,
 * which moves the active model to preinstall through the keyed callback URL only the preseed holds
 * (ADR 0016). Meanwhile `razor log --follow` runs in a pseudo-terminal and shows the install's
 * events live: registered, bound, init → preinstall, each before the test itself saw it.
 * (A finished d-i install cannot run here: most installer udebs are not served by this
 * machine's package mirror — boot-lab-notes.md.)
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { vmSuite } from './lib/suite.js';
import { systemAvailable } from '../helpers/system.js';
import { Lab } from './lib/lab.js';
import * as pty from 'node-pty';
import { RAZOR } from '../helpers/daemon.js';
import { ROOT } from '../helpers/deps.js';

/**
 * A hang guard, not a speed goal: idle, the installer reaches preinstall in under 3 min; under
 * `stress-ng --cpu 2` beside the other test lane it had only configured its network after 5.
 */
const PREINSTALL_MS = 15 * 60_000;
const NETBOOT = '/usr/lib/debian-installer/images/12/amd64/text';
let lab: Lab;

interface ActiveModelView {
  uuid: string;
  node_uuid: string;
  state: string;
  hostname: string;
  log: { action: string; state: string }[];
}

const installer = systemAvailable('VM install: debian-installer-12-netboot-amd64', () =>
  existsSync(`${NETBOOT}/debian-installer/amd64/linux`)
    ? undefined
    : 'the Debian netboot installer is not installed',
);

(installer ? vmSuite('VM install', {}) : describe.skip)(
  'install: bind → reboot → Debian installer → preseed through the callback',
  () => {
    beforeAll(async () => {
      lab = await Lab.start();
    });
    afterAll(async () => lab?.stop());

    test('the installer fetches its preseed and its early_command moves the install to preinstall', async () => {
      const image = (await lab.razor(['image', 'add', JSON.stringify({ type: 'os', path: NETBOOT })]))
        .response as { uuid: string }[];
      const model = (
        await lab.razor([
          'model',
          'add',
          JSON.stringify({
            template: 'debian_bookworm',
            label: 'bookworm',
            image_uuid: image[0]?.uuid,
            req_metadata_hash: {
              hostname_prefix: 'web',
              domainname: 'example.test',
              root_password: 'correct-horse',
            },
          }),
        ])
      ).response as { uuid: string }[];
      await lab.razor([
        'policy',
        'add',
        JSON.stringify({
          template: 'linux_deploy',
          label: 'install',
          model_uuid: model[0]?.uuid,
          tags: 'memsize_1GiB',
          enabled: true,
        }),
      ]);
      // An operator watching: each event line and when it was shown.
      const shown: { line: string; at: number }[] = [];
      const term = pty.spawn(RAZOR, ['log', '--follow'], {
        cwd: ROOT,
        env: lab.env as never,
        cols: 250,
        rows: 50,
      });
      let pending = '';
      term.onData((data) => {
        const lines = (pending + data).split(/\r?\n/);
        pending = lines.pop() ?? '';
        for (const line of lines) if (/ #\d+ {2}node-/.test(line)) shown.push({ line, at: Date.now() });
      });
      const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
      lab.boot({
        name: 'installer',
        nics: [{ model: 'virtio-net-pci', mac: '52:54:00:d1:00:01' }],
        memMiB: 1024,
        cpus: 2,
        reboot: true,
      });
      try {
        await lab.check(async () => {
          const am = await lab.until(
            'the active model to reach preinstall',
            async () =>
              (await lab.api<ActiveModelView[]>('active_model')).find((a) => a.state === 'preinstall'),
            PREINSTALL_MS,
          );
          expect(am.hostname).toBe('web1.example.test');
          const actions = am.log.map((e) => e.action);
          expect(actions).toEqual(
            expect.arrayContaining(['bind', 'boot_call', 'preseed_file', 'preseed_start']),
          );
          // The installer got its kernel and initrd from the image service, the preseed through the
          // boot script's callback URL, and called preseed/start with the install key from the preseed;
          // the log keeps only the first 6 characters of the active model's UUID and no key (ADR 0017).
          const urls = (await lab.loggedRequests()).map((r) => r.url);
          expect(urls).toEqual(
            expect.arrayContaining([
              `/razor/api/policy/callback/${am.uuid.slice(0, 6)}…/preseed/file`,
              `/razor/api/policy/callback/${am.uuid.slice(0, 6)}…/preseed/start`,
            ]),
          );
          expect(urls.join('\n')).not.toContain(am.uuid);
          const seenAt = Date.now();
          const when = (re: RegExp) => shown.find((x) => re.test(x.line));
          const started = await lab.until(
            'razor log --follow to show the install starting',
            async () =>
              when(/node-state-changed {2}web1\.example\.test {2}init → preinstall \(preseed_start/),
            60_000,
          );
          const registered = when(/node-registered/);
          const bound = when(/node-bound {2}web1\.example\.test/);
          expect({ registered: !!registered, bound: !!bound }).toEqual({ registered: true, bound: true });
          // Live: shown in the order they happened, the first ones while the install was still going.
          expect(registered!.at).toBeLessThanOrEqual(bound!.at);
          expect(bound!.at).toBeLessThanOrEqual(started.at);
          expect(bound!.at).toBeLessThan(seenAt);
        });
      } finally {
        term.write('\x03'); // Ctrl-C, also when a check failed: no follower is left running
      }
      expect(await exited).toBe(0);
    }, 1_200_000); // PREINSTALL_MS and 5 minutes more
  },
);
