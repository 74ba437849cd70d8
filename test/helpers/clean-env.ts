/**
 * Jest setup (every test file): the caller's razor settings (`RAZOR_HOME`, `RAZOR_API_PORT`, …) are
 * removed from the environment before any test runs, so a test sees only what it sets itself and
 * every razor it spawns starts from the defaults. The test suite's own knobs stay.
 */

/** Environment names that steer the test suite, not razor. */
const TEST_KNOBS = /^RAZOR_(TEST_|VM_|SKIP_FILE$|FUZZ_RUNS$|CRASH_ROUNDS$)/;

for (const name of Object.keys(process.env)) {
  if (name.startsWith('RAZOR_') && !TEST_KNOBS.test(name)) delete process.env[name];
}
