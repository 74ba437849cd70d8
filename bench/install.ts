/**
 * Finished-install benchmark (issue 14): power-on of a VM with an empty disk → each milestone of its
 * image-based install, as razor records them — bound, installing (the Microkernel's plan), written
 * (install/done), os_complete (the installed system's first boot) and broker_success (the real
 * Puppet agent against a private puppetserver) — and the installed system's login prompt, with the
 * Microkernel's and the archive's sizes.
 *
 *   npm run bench:install
 *
 * BENCH_FIRMWARE (default bios,uefi): one VM per firmware, one after the other (TCG, 1 GiB,
 * 2 vCPUs, 4 GiB disk). Needs root and ./scripts/system-deps.sh. Writes bench/results/install-<date>.json.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { vmPrerequisites } from '../test/vm/lib/env.js';
import { MK_ISO } from '../test/vm/lib/mk-image.js';
import { followInstall, startInstallScene } from '../test/vm/lib/install-scene.js';

const firmwares = (process.env.BENCH_FIRMWARE ?? 'bios,uefi').split(',') as ('bios' | 'uefi')[];
const MILESTONES = ['init', 'installing', 'postinstall', 'os_complete', 'broker_success'] as const;
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

async function main(): Promise<number> {
  if (!vmPrerequisites('bench:install', { uefi: firmwares.includes('uefi') })) return 1;
  const scene = await startInstallScene((t) => console.log(`  ${t}`));
  const results: Record<string, Record<string, number | null>> = {};
  try {
    console.log(
      `\nMicrokernel ISO ${mb(statSync(MK_ISO).size)} MB; root filesystem archive ${mb(statSync(scene.archive).size)} MB`,
    );
    console.log(`\nPower-on → milestone (s; TCG, ${cpus().length} host CPUs, 1 GiB, 2 vCPUs)`);
    console.log(`  ${'firmware'.padEnd(9)}${MILESTONES.map((m) => m.padStart(15)).join('')}          login`);
    for (const [i, firmware] of firmwares.entries()) {
      const at: Record<string, number | null> = Object.fromEntries(
        [...MILESTONES, 'login'].map((m) => [m, null]),
      );
      const vm = scene.lab.boot({
        name: `bench-${firmware}`,
        firmware,
        nics: [{ model: 'virtio-net-pci', mac: `52:54:00:bf:00:0${i + 1}` }],
        memMiB: 1024,
        cpus: 2,
        disksMiB: [4096],
        reboot: true,
      });
      const since = () => (Date.now() - vm.startedAt) / 1000;
      try {
        // Each milestone when razor logged it (a poll could miss a state passed within a second).
        const am = await followInstall(scene.lab, vm, ['broker_success'], 60 * 60_000, (view) => {
          for (const e of view.log)
            if (at[e.state] === null) at[e.state] = (Date.parse(e.at) - vm.startedAt) / 1000;
        });
        await vm.waitForSerial(new RegExp(`^${am.short_hostname} login:`, 'm'), 15 * 60_000);
        at.login = since();
      } catch (err) {
        console.log(`  ${firmware}: ${(err as Error).message.split('\n')[0]}`);
      }
      await vm.stop();
      results[firmware] = at;
      const cell = (v: number | null | undefined) => (v == null ? '-' : v.toFixed(0)).padStart(15);
      console.log(`  ${firmware.padEnd(9)}${MILESTONES.map((m) => cell(at[m])).join('')}${cell(at.login)}`);
    }
    const out = join(import.meta.dirname, 'results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `install-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const sizes = { mk_iso: statSync(MK_ISO).size, rootfs_archive: statSync(scene.archive).size };
    writeFileSync(file, JSON.stringify({ host_cpus: cpus().length, sizes, results }, null, 2));
    console.log(`\nwritten ${file}`);
    return Object.values(results).every((r) => r.broker_success !== null) ? 0 : 1;
  } finally {
    await scene.stop();
  }
}

process.exitCode = await main();
