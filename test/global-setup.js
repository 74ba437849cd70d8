/**
 * Before any test: removes the files the verb samples write under /tmp (`store copy`, `backup`,
 * `restore`; each test file writes them into its own /tmp/razor-samples-* folder) left by earlier runs. A run with another seed left them holding other documents, and
 * the contract cases would then find a non-empty target that is not theirs.
 */
import { readdirSync, rmSync } from 'node:fs';

export default function removeStaleSampleFiles() {
  for (const name of readdirSync('/tmp'))
    if (
      name.startsWith('razor-store-copy-sample') ||
      name.startsWith('razor-backup-sample') ||
      name.startsWith('razor-samples-')
    )
      rmSync(`/tmp/${name}`, { force: true, recursive: true });
}
