/**
 * One measured Microkernel boot for bench/mk.ts: a new VM in a boot lab (test/vm/lib), timed from
 * QEMU's start to the daemon's log of its boot request, kernel and initrd downloads and first
 * checkin; plus the MK's own uptime at that checkin from the serial console.
 */
import type { Lab } from '../../test/vm/lib/lab.js';
import type { NicSpec } from '../../test/vm/lib/qemu.js';

/** Seconds after QEMU started (null: never seen). */
export interface MkBoot {
  nic: NicSpec['model'];
  run: number;
  boot: number | null;
  kernel: number | null;
  initrd: number | null;
  checkin: number | null;
  /** The MK kernel's uptime at its first checkin (kernel start → checkin). */
  mkUptime: number | null;
}

/** Boots one VM with `nic` and waits (up to `timeoutMs`) for its first checkin. */
export async function measureBoot(
  lab: Lab,
  nic: NicSpec['model'],
  run: number,
  mac: string,
  timeoutMs = 90_000,
): Promise<MkBoot> {
  const vm = lab.boot({ name: `bench-${nic}-${run}`, nics: [{ model: nic, mac }], memMiB: 512, cpus: 1 });
  const since = (url: (u: string) => boolean) => {
    const hit = lab.requests().find((r) => r.time >= vm.startedAt && url(r.url));
    return hit ? Math.round(hit.time - vm.startedAt) / 1000 : null;
  };
  const checkin = () => since((u) => u.startsWith(`/razor/api/node/checkin?hw_id=${vm.hwId}&`));
  const until = Date.now() + timeoutMs;
  while (checkin() === null && vm.running && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300)); // the console line of the checkin
  const uptime = /razor-mk\[([\d.]+)\]: checkin \S+ -> /.exec(vm.serial());
  const result: MkBoot = {
    nic,
    run,
    boot: since((u) => u.startsWith('/razor/api/boot?') && u.includes(mac.replace(/:/g, '%3A'))),
    kernel: since((u) => u.startsWith('/razor/image/mk/') && u.endsWith('/vmlinuz')),
    initrd: since((u) => u.startsWith('/razor/image/mk/') && u.endsWith('/initrd.gz')),
    checkin: checkin(),
    mkUptime: uptime ? Number(uptime[1]) : null,
  };
  await vm.stop();
  return result;
}
