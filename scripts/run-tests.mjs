#!/usr/bin/env node
// `npm test`: runs Jest (native ESM, swc) over test/, then prints every skipped system suite loudly.
// RAZOR_TEST_REQUIRE_ALL=1 turns a skipped system suite into a failure. Extra arguments go to Jest
// (one Jest, as given). Without them the suite runs in two lanes at once, each one file at a time:
// `machines` (test/vm, test/system: QEMU, puppetserver, mmdebstrap — mostly waiting on guests) and
// `processes` (everything else). A lane never overlaps two of its own suites, so no two VM suites
// share the CPU; the lanes together take about the longer lane's time instead of the sum
// (ADR 0034). RAZOR_TEST_LANES=1 runs the whole suite in one lane instead.
import { spawn } from 'node:child_process';
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
const MACHINES = '/test/(vm|system)/';

/** The lanes to run: the caller's own Jest arguments as one lane, or the two standard lanes. */
function lanes(args) {
  if (args.length || process.env.RAZOR_TEST_LANES === '1') return [{ name: '', args }];
  return [
    { name: 'machines', args: ['--runInBand', '--testPathPatterns', MACHINES] },
    { name: 'processes', args: ['--runInBand', '--testPathIgnorePatterns', MACHINES, '/node_modules/'] },
  ];
}

/**
 * Runs one lane; resolves with its exit status and seconds taken. With two lanes their output is
 * passed on whole lines at a time, so one lane's report never splits a line of the other's.
 */
function run(lane, shared) {
  const started = Date.now();
  const child = spawn(process.execPath, [jest, ...lane.args], { env, stdio: shared ? 'pipe' : 'inherit' });
  if (shared)
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      let rest = '';
      from.setEncoding('utf8');
      from.on('data', (chunk) => {
        const text = rest + chunk;
        const end = text.lastIndexOf('\n') + 1;
        rest = text.slice(end);
        if (end) to.write(text.slice(0, end));
      });
      from.on('end', () => rest && to.write(`${rest}\n`));
    }
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({ ...lane, code: code ?? 1, seconds: (Date.now() - started) / 1000 }),
    ),
  );
}

const planned = lanes(process.argv.slice(2));
const results = await Promise.all(planned.map((lane) => run(lane, planned.length > 1)));
const skipped = existsSync(skipFile) ? readFileSync(skipFile, 'utf8').trim().split('\n').filter(Boolean) : [];
rmSync(dir, { recursive: true, force: true });
if (results.length > 1) {
  console.error('\nLanes (each ran its suites one at a time; both ran at once):');
  for (const r of results)
    console.error(
      `  ${r.name.padEnd(10)} ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${Math.round(r.seconds)} s`,
    );
}
if (skipped.length) {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!! ${skipped.length} SYSTEM TEST(S) SKIPPED — the suite did NOT fully run:`);
  for (const s of [...new Set(skipped)]) console.error(`!!   - ${s}`);
  console.error(`!! Install what they need with ./scripts/system-deps.sh (as root or with sudo).\n${bar}\n`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
