/**
 * One QEMU virtual machine that network-boots: TCG (KVM triple-faults on this kind of host), no
 * display, user-mode networking whose first NIC gets `bootfile` from the lab's TFTP folder, the
 * serial console in a file. BIOS uses the iPXE ROM QEMU picks for the boot NIC; UEFI uses OVMF
 * and iPXE's EFI ROM on it (boot-lab-notes). Extra NICs get their own user network and no ROM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, openSync, closeSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { IPXE_ROMS, OVMF_CODE, OVMF_VARS, QEMU } from './env.js';

/** A NIC: QEMU device model and MAC (aa:bb:cc:dd:ee:ff). */
export interface NicSpec {
  model: 'e1000' | 'e1000e' | 'virtio-net-pci' | 'vmxnet3';
  mac: string;
}

/** What to boot. */
export interface VmSpec {
  name: string;
  /** The first NIC boots. */
  nics: NicSpec[];
  memMiB: number;
  cpus: number;
  firmware?: 'bios' | 'uefi';
  /** The file in the TFTP folder the boot NIC's DHCP names (default razor.ipxe). */
  bootfile?: string;
  /** Sizes of blank virtio disks, MiB. */
  disksMiB?: number[];
  /** Boot the disks the VM of this name left, as they are (a cold power-on of the same machine). */
  disksFrom?: string;
  /** Let the guest reboot (and network-boot again) instead of QEMU exiting on reboot. */
  reboot?: boolean;
  /** The boot NIC on a tap in a network namespace (the PXE lab) instead of QEMU's user network. */
  tap?: { netns: string; ifname: string };
  /** UEFI without iPXE's ROM on the boot NIC: OVMF's own PXE client boots (PXE → TFTP → iPXE). */
  firmwarePxe?: boolean;
}

const EFI_ROM: Record<NicSpec['model'], string> = {
  e1000: 'efi-e1000.rom',
  e1000e: 'efi-e1000e.rom',
  'virtio-net-pci': 'efi-virtio.rom',
  vmxnet3: 'efi-vmxnet3.rom',
};

/** Strips terminal escapes and carriage returns from console text. */
export function plainConsole(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][A-Z0-9]|\x1bc/g, '').replace(/\r/g, '');
}

/** The hw_id razor gives a machine with these NICs: MACs upper case, no colons, joined by `_`. */
export function hwIdOf(nics: readonly NicSpec[]): string {
  return nics.map((n) => n.mac.replace(/:/g, '').toUpperCase()).join('_');
}

/** The QEMU command line for `spec`, with its files in `dir` and TFTP served from `tftp`. */
export function qemuArgs(spec: VmSpec, dir: string, tftp: string): string[] {
  const uefi = spec.firmware === 'uefi';
  const args = ['-accel', 'tcg', '-nographic', ...(spec.reboot ? [] : ['-no-reboot']), '-monitor', 'none'];
  args.push('-serial', `file:${join(dir, `${spec.name}.serial.log`)}`);
  args.push('-m', String(spec.memMiB), '-smp', String(spec.cpus), '-name', spec.name);
  if (uefi) {
    const vars = join(dir, `${spec.name}.OVMF_VARS.fd`);
    copyFileSync(OVMF_VARS, vars);
    args.push('-nodefaults');
    args.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`);
    args.push('-drive', `if=pflash,format=raw,file=${vars}`);
  } else {
    args.push('-boot', 'n');
  }
  spec.nics.forEach((nic, i) => {
    // Every NIC is on its own user network 10.0.2.0/24, whose 10.0.2.2 is the host's loopback:
    // whichever route the guest picks, it reaches the daemon and nothing else. (Another subnet
    // would NAT 10.0.2.2 to a real address.)
    const boot = i === 0 ? `,tftp=${tftp},bootfile=${spec.bootfile ?? 'razor.ipxe'}` : '';
    const tap = i === 0 && spec.tap ? `tap,id=n0,ifname=${spec.tap.ifname},script=no,downscript=no` : '';
    args.push('-netdev', tap || `user,id=n${i}${boot}`);
    // The boot NIC keeps QEMU's default iPXE ROM under BIOS (an explicit one breaks transitional
    // virtio under SeaBIOS) and gets iPXE's EFI ROM under UEFI; the others get none.
    let dev = `${nic.model},netdev=n${i},mac=${nic.mac}`;
    if (i > 0) dev += ',romfile=';
    else if (uefi && spec.firmwarePxe) dev += ',romfile=,bootindex=0';
    else if (uefi) dev += `,romfile=${join(IPXE_ROMS, EFI_ROM[nic.model])},bootindex=0`;
    args.push('-device', dev);
  });
  (spec.disksMiB ?? []).forEach((mib, i) => {
    const file = join(dir, `${spec.disksFrom ?? spec.name}.disk${i}.raw`);
    if (!spec.disksFrom || !existsSync(file)) {
      closeSync(openSync(file, 'w'));
      truncateSync(file, mib * 1048576); // sparse
    }
    args.push('-drive', `if=none,id=d${i},format=raw,file=${file}`);
    // Under UEFI the disks follow the boot NIC in the boot order: OVMF tries them when iPXE exits.
    args.push('-device', `virtio-blk-pci,drive=d${i}${uefi ? `,bootindex=${i + 1}` : ''}`);
  });
  return args;
}

/** A running (or finished) VM. */
export class Vm {
  /** When QEMU was started (ms since the epoch). */
  readonly startedAt: number;
  /** The MK's hw_id for this VM. */
  readonly hwId: string;
  /** Resolves with QEMU's exit code (null when killed). */
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;
  private output = '';
  private code: number | null | undefined;

  /** Starts QEMU for `spec`; its files go to `dir`. */
  constructor(
    readonly spec: VmSpec,
    readonly dir: string,
    tftp: string,
  ) {
    this.hwId = hwIdOf(spec.nics);
    const args = qemuArgs(spec, dir, tftp);
    this.startedAt = Date.now();
    // In a namespace through `ip netns exec`, which execs QEMU (same PID, so stop() reaches it).
    const [cmd, ...pre] = spec.tap ? ['ip', 'netns', 'exec', spec.tap.netns, QEMU] : [QEMU];
    this.proc = spawn(cmd!, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d) => (this.output += d));
    this.proc.stderr?.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code) => {
        this.code = code;
        resolve(code);
      }),
    );
  }

  /** The serial log path. */
  get serialPath(): string {
    return join(this.dir, `${this.spec.name}.serial.log`);
  }

  /** The console so far, escapes stripped. */
  serial(): string {
    return existsSync(this.serialPath) ? plainConsole(readFileSync(this.serialPath, 'latin1')) : '';
  }

  /** True while QEMU runs. */
  get running(): boolean {
    return this.code === undefined;
  }

  /** QEMU's own output (errors about ROMs, firmware…). */
  qemuOutput(): string {
    return this.output;
  }

  /** Waits until the console matches `re`; throws after `timeoutMs` or if QEMU exits first. */
  async waitForSerial(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.serial());
      if (m) return m;
      if (!this.running)
        throw new Error(`${this.spec.name} exited (${this.code}) before its console showed ${re}`);
      if (Date.now() > until)
        throw new Error(`${this.spec.name}: no ${re} on the console after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Stops QEMU (SIGTERM, then SIGKILL after 3 s) and waits for it. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last `lines` lines of the console, titled, for a failure message. */
  consoleTail(lines = 60): string {
    const text = this.serial()
      .split('\n')
      .filter((l) => l.trim() !== '');
    const qemu = this.output.trim() ? `\n  (qemu: ${this.output.trim().slice(0, 500)})` : '';
    return `--- serial console of ${this.spec.name} (${this.hwId}), last ${lines} lines ---${qemu}\n${text.slice(-lines).join('\n')}`;
  }
}
