/**
 * Before any test: removes the files the verb samples write under /tmp (`store copy`, `backup`,
 * `restore`; each test file writes them into its own /tmp/razor-samples-<pid>-* folder) left by
 * earlier runs. A run with another seed left them holding other documents, and the contract cases
 * would then find a non-empty target that is not theirs. A folder whose test process is still
 * running belongs to a run going on beside this one (another checkout, another lane, `npm test --
 * <file>` while the suite runs) and is left alone.
 */
import { readdirSync, rmSync } from 'node:fs';

/** True when process `pid` exists (signal 0 only asks). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

export default function removeStaleSampleFiles() {
  for (const name of readdirSync('/tmp')) {
    const owner = /^razor-samples-(\d+)-/.exec(name)?.[1];
    const stale =
      name.startsWith('razor-store-copy-sample') ||
      name.startsWith('razor-backup-sample') ||
      (name.startsWith('razor-samples-') && !(owner && alive(Number(owner))));
    if (stale) rmSync(`/tmp/${name}`, { force: true, recursive: true });
  }
}
