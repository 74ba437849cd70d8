/**
 * Microkernel benchmark: the size of the MK (built by scripts/build-mk.sh from Debian packages)
 * and the power-on-to-first-checkin time — QEMU start → the first `GET /razor/api/node/checkin`
 * the real daemon logs — for a new machine that PXE-boots through `razor config ipxe`'s script,
 * against the targets ≤ 40 MB and ≤ 15 s.
 *
 *   npm run bench:mk
 *
 * One VM at a time (TCG, 512 MiB, 1 vCPU, BIOS), BENCH_RUNS (default 3) runs for each NIC model
 * in BENCH_NICS (default virtio-net-pci,e1000); the median counts. The kernel line gets
 * BENCH_KERNEL_ARGS (default console=ttyS0, as in the VM tests). Writes bench/results/mk-<date>.json.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { vmPrerequisites } from '../test/vm/lib/env.js';
import { LAB_CONFIG, Lab } from '../test/vm/lib/lab.js';
import { MK_ISO } from '../test/vm/lib/mk-image.js';
import type { NicSpec } from '../test/vm/lib/qemu.js';
import { measureBoot, type MkBoot } from './lib/mk-boot.js';

const SIZE_TARGET_MB = 40;
const TIME_TARGET_S = 15;
const runs = Number(process.env.BENCH_RUNS ?? 3);
const nics = (process.env.BENCH_NICS ?? 'virtio-net-pci,e1000').split(',') as NicSpec['model'][];
const kernelArgs = process.env.BENCH_KERNEL_ARGS ?? LAB_CONFIG.RAZOR_RZ_MK_BOOT_KERNEL_ARGS ?? '';

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : NaN;
};
const sec = (v: number | null) => (v === null ? '-' : v.toFixed(1)).padStart(7);

/** The imported MK's files (kernel, initrd, metadata) in the lab's image store. */
function mkFiles(lab: Lab): { dir: string; meta: string } {
  const root = join(lab.home, 'image', 'mk');
  const dir = join(root, readdirSync(root)[0] ?? '');
  return { dir, meta: readFileSync(join(dir, 'iso-metadata.yaml'), 'utf8') };
}

async function main(): Promise<number> {
  if (!vmPrerequisites('bench:mk')) return 1;
  const lab = await Lab.start({ RAZOR_RZ_MK_BOOT_KERNEL_ARGS: kernelArgs });
  const boots: MkBoot[] = [];
  try {
    const { dir, meta } = mkFiles(lab);
    const iso = MK_ISO;
    const size = {
      iso: statSync(iso).size,
      kernel: statSync(join(dir, 'boot', 'vmlinuz')).size,
      initrd: statSync(join(dir, 'boot', 'initrd.gz')).size,
    };
    const field = (k: string) => new RegExp(`^${k}: "?([^"\\n]*)`, 'm').exec(meta)?.[1] ?? '?';
    console.log(`Microkernel ${field('iso_version')}: ${iso}`);
    console.log(
      `  ISO     ${mb(size.iso).padStart(6)} MB   target ≤ ${SIZE_TARGET_MB} MB   ${verdict(size.iso <= SIZE_TARGET_MB * 1e6)}`,
    );
    console.log(`  kernel  ${mb(size.kernel).padStart(6)} MB   ${field('kernel_package')}`);
    console.log(
      `  initrd  ${mb(size.initrd).padStart(6)} MB   busybox ${field('busybox_version')}, ${field('modules').split(',').length} modules`,
    );
    console.log(
      `\nPower-on → first checkin (s after QEMU start; TCG, ${cpus().length} host CPUs, 512 MiB, 1 vCPU, BIOS)`,
    );
    console.log(`  ${'nic'.padEnd(15)} run   /boot  kernel  initrd checkin  MK uptime at checkin`);
    let n = 0;
    for (const nic of nics) {
      for (let run = 1; run <= runs; run++) {
        const mac = `52:54:00:be:${(++n).toString(16).padStart(2, '0')}:01`;
        const b = await measureBoot(lab, nic, run, mac);
        boots.push(b);
        console.log(
          `  ${nic.padEnd(15)} ${String(run).padStart(3)} ${sec(b.boot)} ${sec(b.kernel)} ${sec(b.initrd)} ${sec(b.checkin)} ${sec(b.mkUptime)}`,
        );
      }
    }
    const verdicts = nics.map((nic) => {
      const times = boots.filter((b) => b.nic === nic && b.checkin !== null).map((b) => b.checkin as number);
      const m = median(times);
      console.log(
        `  median ${nic.padEnd(15)} ${m.toFixed(1)} s   target ≤ ${TIME_TARGET_S} s   ${verdict(m <= TIME_TARGET_S)}${times.length < runs ? `  (${runs - times.length} run(s) never checked in)` : ''}`,
      );
      return { nic, median: m, runs: times.length };
    });
    const out = join(import.meta.dirname, 'results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `mk-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({ size, kernelArgs, host_cpus: cpus().length, boots, verdicts }, null, 2),
    );
    console.log(`\nwritten ${file}`);
    return 0;
  } finally {
    await lab.stop();
  }
}

process.exitCode = await main();
