#!/usr/bin/env node
// `npm test`: runs Jest (native ESM, swc) over test/, then prints every skipped system suite loudly.
// RAZOR_TEST_REQUIRE_ALL=1 turns a skipped system suite into a failure. Extra arguments go to Jest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'razor-test-run-'));
const skipFile = join(dir, 'skipped.txt');
const env = {
  ...process.env,
  RAZOR_SKIP_FILE: skipFile,
  NODE_OPTIONS:
    `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --disable-warning=ExperimentalWarning`.trim(),
};
const jest = join('node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { stdio: 'inherit', env });
const skipped = existsSync(skipFile) ? readFileSync(skipFile, 'utf8').trim().split('\n').filter(Boolean) : [];
rmSync(dir, { recursive: true, force: true });
if (skipped.length) {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!! ${skipped.length} SYSTEM TEST(S) SKIPPED — the suite did NOT fully run:`);
  for (const s of [...new Set(skipped)]) console.error(`!!   - ${s}`);
  console.error(`!! Install what they need with ./scripts/system-deps.sh (as root or with sudo).\n${bar}\n`);
}
process.exit(result.status ?? 1);
