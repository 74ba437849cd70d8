/**
 * What the VM suites and bench/mk.ts need from the machine — QEMU (TCG), iPXE's option ROMs,
 * OVMF, a static busybox, xorriso — and where it lives. Free of Jest, so the bench can use it.
 */
import { join } from 'node:path';
import { ROOT } from '../../helpers/deps.js';
import { commandProbe, filesProbe, systemAvailable } from '../../helpers/system.js';

/** The QEMU binary. */
export const QEMU = 'qemu-system-x86_64';
/** iPXE's NIC option ROMs (Debian ipxe-qemu): pxe-<nic>.rom for BIOS, efi-<nic>.rom for UEFI. */
export const IPXE_ROMS = '/usr/lib/ipxe/qemu';
/** OVMF firmware (Debian ovmf): code read-only, a fresh copy of the variables per VM. */
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
/** The pristine OVMF variable store each UEFI VM copies. */
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
/** The static busybox the Microkernel is built with (Debian busybox-static). */
export const BUSYBOX = '/bin/busybox';
/** The Microkernel build script. */
export const BUILD_MK = join(ROOT, 'scripts', 'build-mk.sh');

/** Probes what the VM suites need; true when all is there (skips loudly otherwise). */
export function vmPrerequisites(what: string, opts: { uefi?: boolean } = {}): boolean {
  return (
    systemAvailable(`${what}: qemu-system-x86`, commandProbe(QEMU, ['--version'])) &&
    systemAvailable(`${what}: ipxe-qemu`, filesProbe('ipxe-qemu', [join(IPXE_ROMS, 'pxe-e1000.rom')])) &&
    systemAvailable(`${what}: busybox-static`, filesProbe('busybox-static', [BUSYBOX])) &&
    systemAvailable(`${what}: xorriso`, commandProbe('xorriso', ['-version'])) &&
    (!opts.uefi || systemAvailable(`${what}: ovmf`, filesProbe('ovmf', [OVMF_CODE, OVMF_VARS])))
  );
}
