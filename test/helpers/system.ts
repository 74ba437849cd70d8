/**
 * System suites: tests that need something from the machine (root, a Debian package). When it is
 * missing they are skipped loudly — recorded for the test runner's summary — and with
 * RAZOR_TEST_REQUIRE_ALL=1 a skip is a failure (`./scripts/system-deps.sh` installs what they need).
 */
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Is `what` available? `probe` returns undefined when it is, or why not. Throws under REQUIRE_ALL. */
export function systemAvailable(what: string, probe: () => string | undefined): boolean {
  let why: string | undefined;
  try {
    why = probe();
  } catch (err) {
    why = (err as Error).message;
  }
  if (why === undefined) return true;
  const line = `${what}: ${why}`;
  if (process.env.RAZOR_TEST_REQUIRE_ALL === '1') {
    throw new Error(
      `RAZOR_TEST_REQUIRE_ALL=1 but a system suite cannot run: ${line}; run ./scripts/system-deps.sh`,
    );
  }
  if (process.env.RAZOR_SKIP_FILE) appendFileSync(process.env.RAZOR_SKIP_FILE, `${line}\n`);
  process.stderr.write(`\n*** SKIPPED system test — ${line}\n`);
  return false;
}

/** A probe: undefined when `command` runs (`command --version`), else why not. */
export function commandProbe(command: string, args: string[] = ['--version']): () => string | undefined {
  return () => {
    try {
      execFileSync(command, args, { stdio: 'ignore' });
      return undefined;
    } catch {
      return `'${command}' is not installed or does not run`;
    }
  };
}

/** A probe: undefined when every file exists, else that `pkg` is not installed (and which are missing). */
export function filesProbe(pkg: string, files: string[]): () => string | undefined {
  return () => {
    const missing = files.filter((f) => !existsSync(f));
    return missing.length ? `${pkg} is not installed (no ${missing.join(', ')})` : undefined;
  };
}

/** Debian's ipxe package: undionly.kpxe, ipxe.efi, snponly.efi. */
export const IPXE_DIR = '/usr/lib/ipxe';

/** The ipxe package's boot files (the TFTP, PXE and fuzz suites serve them). */
export const ipxeAvailable = (): boolean =>
  systemAvailable('ipxe', filesProbe('ipxe', [join(IPXE_DIR, 'undionly.kpxe')]));

/** tftp-hpa's `tftp` client. */
export const tftpHpaAvailable = (): boolean =>
  systemAvailable('tftp (tftp-hpa)', filesProbe('tftp-hpa', ['/usr/bin/tftp']));
