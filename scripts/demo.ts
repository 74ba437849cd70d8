/**
 * `npm run demo`: the whole of razor in one command, for a newcomer. Starts a daemon on a temporary
 * store, builds and imports the Microkernel, imports the Debian netboot installer, creates a model
 * and a policy, boots a QEMU VM, and prints each step as it happens — discovered, tagged, bound,
 * rebooting, installer fetched its preseed — then cleans up. Needs ./scripts/system-deps.sh.
 * `npm run demo -- --install` shows a finished install instead (scripts/demo-install.ts).
 */
import { Lab } from '../test/vm/lib/lab.js';
import { installDemo } from './demo-install.js';
import { narrated } from './demo-run.js';

const NETBOOT = '/usr/lib/debian-installer/images/12/amd64/text';
const MAC = '52:54:00:de:00:01';
const t0 = Date.now();
const say = (text: string) =>
  process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${text}\n`);

interface Node {
  uuid: string;
  hw_id: string[];
  tags: string[];
  attributes: Record<string, string>;
}
interface ActiveModel {
  uuid: string;
  node_uuid: string;
  state: string;
  hostname: string;
}

async function main(): Promise<number> {
  say('building the Microkernel from Debian packages (cached after the first run) and starting razor…');
  const lab = await Lab.start();
  const stop = async () => {
    say('cleaning up: stopping the VM and the daemon, removing the temporary store');
    await lab.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  return narrated(
    say,
    lab,
    async () => {
      say(`razor is listening on 127.0.0.1:${lab.apiPort}; store in ${lab.home}`);
      const image = (await lab.razor(['image', 'add', JSON.stringify({ type: 'os', path: NETBOOT })]))
        .response as { uuid: string }[];
      say(`imported the Debian 12 netboot installer as os image ${image[0]?.uuid}`);
      const model = (
        await lab.razor([
          'model',
          'add',
          JSON.stringify({
            template: 'debian_bookworm',
            label: 'demo-bookworm',
            image_uuid: image[0]?.uuid,
            req_metadata_hash: {
              hostname_prefix: 'demo',
              domainname: 'example.test',
              root_password: 'demo-password',
            },
          }),
        ])
      ).response as { uuid: string }[];
      say(
        `created model demo-bookworm (${model[0]?.uuid}); the root password is stored only as a SHA-512 hash`,
      );
      await lab.razor([
        'policy',
        'add',
        JSON.stringify({
          template: 'linux_deploy',
          label: 'demo',
          model_uuid: model[0]?.uuid,
          tags: 'memsize_1GiB',
          enabled: true,
        }),
      ]);
      say("created policy 'demo': machines tagged memsize_1GiB get Debian 12");
      lab.boot({
        name: 'demo',
        nics: [{ model: 'virtio-net-pci', mac: MAC }],
        memMiB: 1024,
        cpus: 2,
        reboot: true,
      });
      say(`powered on a VM (1 GiB, 2 CPUs, MAC ${MAC}); it PXE-boots iPXE, which chains to razor`);
      const first = MAC.replace(/:/g, '').toUpperCase();
      const node = await lab.until(
        'discovery',
        async () => (await lab.api<Node[]>('node')).find((n) => n.hw_id.includes(first)),
        120_000,
      );
      say(`discovered: node ${node.uuid} (Microkernel checked in and registered its facts)`);
      say(
        `  facts: ${node.attributes.mk_hw_cpu_count} CPUs, ${node.attributes.mk_hw_mem_size}, ${node.attributes.mk_hw_nic_count} NIC(s); tags [${node.tags.join(', ')}]`,
      );
      const am = await lab.until(
        'binding',
        async () => (await lab.api<ActiveModel[]>('active_model')).find((a) => a.node_uuid === node.uuid),
        60_000,
      );
      say(`bound by policy 'demo' as ${am.hostname} (active model ${am.uuid})`);
      // The first boot got the Microkernel; the second, after the reboot, gets the installer.
      const boots = () => lab.requests().filter((r) => r.url.startsWith('/razor/api/boot')).length;
      await lab.until('the reboot', async () => boots() >= 2, 60_000);
      say(
        'rebooting: the next checkin told the Microkernel to reboot; iPXE asked razor again and got the installer',
      );
      await lab.until(
        'the preseed',
        async () => lab.requests().some((r) => r.url.endsWith('/preseed/file')),
        180_000,
      );
      say('the Debian installer is running and fetched its preseed through its callback URL');
      const done = await lab.until(
        'preinstall',
        async () =>
          (await lab.api<ActiveModel[]>('active_model')).find(
            (a) => a.uuid === am.uuid && a.state === 'preinstall',
          ),
        120_000,
      );
      say(`the installer's early_command called back: the install is in state '${done.state}'`);
      say(
        '(the Debian installer needs a full Debian mirror to finish; for a finished install run npm run demo -- --install)',
      );
    },
    stop,
  );
}

process.exitCode = process.argv.includes('--install') ? await installDemo(say) : await main();
