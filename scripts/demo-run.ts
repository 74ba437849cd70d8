/** How both demos end: a failure is told with the VMs' consoles, and the clean-up always runs. */
import type { Lab } from '../test/vm/lib/lab.js';

/** Runs `body`; returns the exit code (1 after telling why it failed), after `cleanup`. */
export async function narrated(
  say: (text: string) => void,
  lab: Lab,
  body: () => Promise<void>,
  cleanup: () => Promise<void>,
): Promise<number> {
  try {
    await body();
    return 0;
  } catch (err) {
    say(`demo failed: ${(err as Error).message}`);
    process.stderr.write(`${lab.consoles()}\n`);
    return 1;
  } finally {
    await cleanup();
  }
}
