/**
 * The scene of a finished install (ADR 0029), shared by the VM suite, `npm run bench:install` and
 * `npm run demo -- --install`: a boot lab, a private puppetserver on the host and the root
 * filesystem archive (built once, cached), then — through the CLI, as an operator would — the
 * rootfs image, a Puppet broker pointing at 10.0.2.2, a `debian_bookworm_image` model and a policy
 * for 1 GiB VMs. `followInstall` watches one VM's active model through its states.
 */
import { Lab } from './lab.js';
import { ensureRootfs } from './rootfs.js';
import { startPuppetServer, type PuppetServer } from '../../helpers/puppetserver.js';
import type { Vm } from './qemu.js';

/** The file the test catalogue writes on the node: `<certname> <hostname>`. */
export const PUPPET_FILE = '/root/razor-puppet-ok';
/** The SSH key the model authorises for root. */
export const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@example.test';
/** States an install does not leave by itself. */
const ENDS = new Set(['broker_success', 'broker_fail', 'install_error', 'timeout_error', 'error_catch']);

/** An active model as `GET /razor/api/active_model` shows it. */
export interface ActiveModelView {
  uuid: string;
  node_uuid: string;
  state: string;
  hostname: string;
  short_hostname: string;
  log: { at: string; action: string; old_state: string; state: string; result: string }[];
}

/** A running scene. */
export interface InstallScene {
  lab: Lab;
  puppet: PuppetServer;
  /** Where the archive came from (the build script's cache). */
  archive: string;
  stop(): Promise<void>;
}

/** Starts the lab, the puppetserver and the archive build at once, then sets up razor. */
export async function startInstallScene(
  say: (text: string) => void = () => undefined,
): Promise<InstallScene> {
  const [archive, puppet, lab] = await Promise.all([
    ensureRootfs().then((a) => (say(`root filesystem archive ready: ${a}`), a)),
    startPuppetServer({ autosign: ['*.example.test'], file: PUPPET_FILE }).then(
      (p) => (say(`puppetserver ready on 127.0.0.1:${p.port} (10.0.2.2:${p.port} from the VMs)`), p),
    ),
    Lab.start().then((l) => (say(`razor listening on 127.0.0.1:${l.apiPort}`), l)),
  ]);
  const stop = async () => {
    await lab.stop();
    await puppet.stop();
  };
  try {
    const uuid = async (args: string[]) => ((await lab.razor(args)).response as { uuid: string }[])[0]?.uuid;
    const image = await uuid(['image', 'add', JSON.stringify({ type: 'rootfs', path: archive })]);
    say(`imported the archive as rootfs image ${image}`);
    const broker = await uuid(['broker', 'add', JSON.stringify({
      plugin: 'puppet', name: 'lab-puppet', description: 'the lab puppetserver',
      req_metadata_hash: { server: '10.0.2.2', port: String(puppet.port) },
    })]); // prettier-ignore
    const model = await uuid(['model', 'add', JSON.stringify({
      template: 'debian_bookworm_image', label: 'bookworm-image', image_uuid: image,
      req_metadata_hash: { hostname_prefix: 'web', domainname: 'example.test', root_password: 'correct-horse', ssh_authorized_key: SSH_KEY },
    })]); // prettier-ignore
    await lab.razor(['policy', 'add', JSON.stringify({
      template: 'linux_deploy', label: 'image-install', model_uuid: model, broker_uuid: broker,
      tags: 'memsize_1GiB', enabled: true,
    })]); // prettier-ignore
    say('created a puppet broker, a debian_bookworm_image model and a policy for 1 GiB machines');
    return { lab, puppet, archive, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Polls the active model of `vm`'s node every 500 ms; `onPoll` sees it each time; resolves once
 * it is in one of `until`, throws (with its log) when it ends elsewhere or time runs out.
 */
export async function followInstall(
  lab: Lab,
  vm: Vm,
  until: string[],
  timeoutMs: number,
  onPoll: (am: ActiveModelView) => void = () => undefined,
): Promise<ActiveModelView> {
  return lab.until(
    `${vm.spec.name} to reach ${until.join(' or ')}`,
    async () => {
      const node = await lab.node(vm.hwId);
      const ams = node ? await lab.api<ActiveModelView[]>('active_model') : [];
      const am = ams.find((a) => a.node_uuid === node?.uuid);
      if (!am) return undefined;
      onPoll(am);
      if (until.includes(am.state)) return am;
      if (ENDS.has(am.state)) {
        const log = am.log.map((e) => `  ${e.action} ${e.result}`).join('\n');
        throw new Error(`${vm.spec.name} ended in ${am.state}:\n${log}`);
      }
      return undefined;
    },
    timeoutMs,
  );
}
