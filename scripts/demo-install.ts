/**
 * `npm run demo -- --install`: a finished install, start to end, for a newcomer. Builds (or reuses)
 * the Debian root filesystem archive, starts razor and a private Puppet server, sets up a rootfs
 * image, a Puppet broker, a `debian_bookworm_image` model and a policy, powers on a VM with an
 * empty disk and narrates it: discovered, bound, installing (each step), rebooted into its own
 * disk, os_complete, handed to Puppet — and shows the installed system's login prompt. Needs
 * ./scripts/system-deps.sh and root (mmdebstrap). About 6–11 minutes under TCG (637 s measured
 * with the test suite running beside it), plus about 4 minutes to build the archive the first time.
 */
import { followInstall, startInstallScene } from '../test/vm/lib/install-scene.js';
import type { ActiveModelView } from '../test/vm/lib/install-scene.js';
import { narrated } from './demo-run.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RAZOR } from '../test/helpers/daemon.js';

const run = promisify(execFile);

const MAC = '52:54:00:de:00:02';

/** Runs the demo; returns the exit code. */
export async function installDemo(say: (text: string) => void): Promise<number> {
  say(
    'preparing: the root filesystem archive (about 4 minutes the first time, then cached), a Puppet server, razor',
  );
  const scene = await startInstallScene(say);
  const { lab } = scene;
  process.once('SIGINT', () => void scene.stop().then(() => process.exit(130)));
  return narrated(
    say,
    lab,
    async () => {
      const vm = lab.boot({
        name: 'demo-install',
        nics: [{ model: 'virtio-net-pci', mac: MAC }],
        memMiB: 1024,
        cpus: 2,
        disksMiB: [4096],
        reboot: true,
      });
      say(`powered on a VM (1 GiB, 2 CPUs, an empty 4 GiB disk, MAC ${MAC}); it PXE-boots into razor`);
      const explain: Record<string, (am: ActiveModelView) => string> = {
        init: (am) => `discovered and bound as ${am.hostname}; rebooting into the Microkernel's install mode`,
        installing: () => 'installing: the Microkernel fetched its plan',
        postinstall: () => 'written to disk; rebooting, and razor now answers "boot the local disk"',
        os_complete: () => 'the installed Debian booted from its disk and reported os_complete',
        broker_wait: () => 'handing off: the node fetched its Puppet script and runs the agent',
        broker_success: () => 'Puppet applied its catalogue: broker_success',
      };
      // Each new state and each install step, as they happen.
      const seen = new Set<string>();
      const am = await followInstall(lab, vm, ['broker_success'], 60 * 60_000, (view) => {
        for (const e of view.log) {
          const key = `${e.action} ${e.result} ${e.state}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (e.action === 'install_step') say(`  step ${e.result.replace('install/step/', '')}`);
          else if (e.state !== e.old_state || e.action === 'bind')
            say(explain[e.state]?.(view) ?? `state ${e.state}`);
        }
      });
      const login = await vm.waitForSerial(
        new RegExp(`Debian GNU/Linux[^\\n]*\\n+${am.short_hostname} login:`),
        10 * 60_000,
      );
      say(`the installed system's console:\n\n${login[0]}\n`);
      const logs = await run(RAZOR, ['active_model', am.uuid, 'logs'], { env: lab.env });
      say(`every step, as 'razor active_model ${am.uuid} logs' shows it:\n${logs.stdout}`);
    },
    async () => {
      say('cleaning up: stopping the VM, razor and the Puppet server');
      await scene.stop();
    },
  );
}
