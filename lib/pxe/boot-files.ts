/**
 * What a PXE client boots, by its architecture (DHCP option 93, RFC 4578 / IANA "Processor
 * Architecture Types"), and the URL a client already running iPXE is sent to instead.
 */

/** Option 93 values razor answers. */
export const PXE_ARCH = { bios: 0, efiIa32: 6, efiX64: 7, efiBc: 9, efiArm64: 11 } as const;

/** The iPXE file for arm64 UEFI, answered only when present in the TFTP root. */
export const ARM64_EFI_FILE = 'ipxe-arm64.efi';

/**
 * The TFTP file for a client of architecture `arch`: undionly.kpxe for BIOS, `efiFile`
 * (snponly.efi or ipxe.efi) for x86-64 UEFI, ipxe-arm64.efi for arm64 UEFI; undefined otherwise.
 */
export function bootFileFor(arch: number, efiFile: string): string | undefined {
  if (arch === PXE_ARCH.bios) return 'undionly.kpxe';
  if (arch === PXE_ARCH.efiX64 || arch === PXE_ARCH.efiBc) return efiFile;
  if (arch === PXE_ARCH.efiArm64) return ARM64_EFI_FILE;
  return undefined;
}

/**
 * razor's boot endpoint as iPXE expands it: every NIC's MAC as hw_id (as razor.ipxe sends) and the
 * NIC iPXE configured last as dhcp_mac. Too long for BOOTP's 128-byte file field; sent as option 67.
 */
export function ipxeBootUrl(host: string, port: number): string {
  const macs = Array.from({ length: 8 }, (_, i) => `\${net${i}/mac}`).join('_');
  return `http://${host}:${port}/razor/api/boot?hw_id=${macs}&dhcp_mac=01-\${netX/mac:hexhyp}`;
}
