/**
 * A real daemon over the seeded store (with the admin token) whose sweep runs every second: the
 * seeded install, idle since January, is timed out at once (`install_timeout: 3600`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSeed } from './fixture.js';
import { startDaemon, type DaemonProcess } from './daemon.js';
import { seedWithAdmin } from './from-address.js';

/** Seeds `home`, writes the sweep's config and starts the daemon. */
export async function startSweepingDaemon(home: string): Promise<DaemonProcess> {
  await writeSeed(home, seedWithAdmin());
  writeFileSync(join(home, 'config.yaml'), 'install_timeout: 3600\ndaemon_min_cycle_time: 1\n');
  return startDaemon(home);
}
