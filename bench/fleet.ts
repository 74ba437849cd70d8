/**
 * Fleet benchmark: one daemon on the embedded store carrying a fleet, driven only through the REST
 * API as Microkernels drive it (issue 13).
 *
 *   npm run bench:fleet
 *
 * 1. BENCH_FLEET_NODES simulated Microkernels (default 10,000; ~100 facts each) register with 16
 *    concurrent clients, until all are in or BENCH_FLEET_REGISTER_SECONDS (default 120) pass: total
 *    time, the first and last tenth's rates, errors.
 * 2. Checkins over every registered node with 32 concurrent clients for BENCH_FLEET_CHECKIN_SECONDS
 *    (default 20): checkins/s, p50/p99, errors; then the daemon's RSS and the store's size.
 * 3. `razor node`, `razor -w node` and a `--limit 100` page, timed at the shell (median of 3).
 * 4. One node is bound as an operator would (an image imported with `razor image add`, tag, model,
 *    policy over REST) and, while the fleet checks in open-loop at BENCH_FLEET_BOOT_CHECKINS per
 *    second (default 1,000: the fleet), wrk loads its boot URL on razor and on bare Express
 *    serving the same bytes, in the same run, taking turns of 2 s (5 each): the ratio.
 * Writes bench/results/fleet-<date>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from './lib/fleet.js';
import { simulatedNode, type SimulatedNode } from './lib/fleet-facts.js';
import { importOsImage, targetOf } from './lib/fleet-setup.js';
import { mkClient, quantile, runLoad, sliceRate, type CallResult } from './lib/fleet-load.js';
import {
  bindTarget,
  bootPath,
  installerScript,
  startExpress,
  startRazor,
  type Server,
} from './lib/servers.js';
import { rssBytes } from './lib/proc-watch.js';
import { errorCount, wrkAlternating, type LoadResult } from './lib/wrk.js';
import { writeResults } from './lib/report.js';
import { runOpenLoop } from './lib/open-loop.js';
import { timeCli } from './lib/cli-timing.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const NODES = env('BENCH_FLEET_NODES', 10_000);
const REGISTER_S = env('BENCH_FLEET_REGISTER_SECONDS', 120);
const CHECKIN_S = env('BENCH_FLEET_CHECKIN_SECONDS', 20);
const BOOT_S = env('BENCH_FLEET_BOOT_SECONDS', 10);
const BOOT_CHECKINS = env('BENCH_FLEET_BOOT_CHECKINS', 1000);

const summary = (results: CallResult[], seconds: number) => ({
  calls: results.length,
  per_second: results.length / seconds,
  p50_ms: quantile(results, 0.5),
  p99_ms: quantile(results, 0.99),
  errors: results.filter((r) => !r.ok).length,
  first_error: results.find((r) => !r.ok)?.error,
});

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'razor-bench-fleet-'));
  const home = join(tmp, 'home');
  mkdirSync(join(home, 'log'), { recursive: true });
  const servers: Server[] = [];
  try {
    const rnd = prng(0x5eed);
    const fleet = Array.from({ length: NODES }, (_, i) => simulatedNode(i, rnd));
    const facts = Object.keys(fleet[0]?.facts ?? {}).length;
    // BENCH_DAEMON_NODE_ARGS: node options for the daemon, e.g. --cpu-prof --cpu-prof-dir=/tmp/p.
    const razor = await startRazor(home, process.env.BENCH_DAEMON_NODE_ARGS?.split(' ').filter(Boolean));
    servers.push(razor);
    const mk = mkClient(razor.url, 32);
    console.log(`Fleet benchmark: ${NODES} nodes, ${facts} facts each, one daemon, embedded store`);

    const registered = await runLoad(16, NODES, REGISTER_S, (i) =>
      mk.register((fleet[i] as SimulatedNode).hwId, (fleet[i] as SimulatedNode).facts),
    );
    const regSeconds = (registered[registered.length - 1]?.at ?? 0) / 1000;
    const register = {
      ...summary(registered, regSeconds),
      seconds: regSeconds,
      complete: registered.length === NODES,
      first_tenth_per_second: sliceRate(registered, 0, 10),
      last_tenth_per_second: sliceRate(registered, 9, 10),
    };
    console.log(`  register: ${JSON.stringify(register)}`);
    const inFleet = registered.length;

    const checkins = await runLoad(32, Number.MAX_SAFE_INTEGER, CHECKIN_S, (i) =>
      mk.checkin((fleet[i % inFleet] as SimulatedNode).hwId),
    );
    const checkin = summary(checkins, CHECKIN_S);
    const daemon = {
      rss_mb: rssBytes(razor.pid) / 2 ** 20,
      // The snapshot and the journal beside it (ADR 0027).
      store_mb:
        ['razor.json', 'razor.journal']
          .map((f) => statSync(join(home, f), { throwIfNoEntry: false })?.size ?? 0)
          .reduce((a, b) => a + b, 0) /
        2 ** 20,
    };
    console.log(`  checkin: ${JSON.stringify(checkin)}\n  daemon: ${JSON.stringify(daemon)}`);

    // Listing the fleet at the shell, the daemon running (issue 13, item 8).
    const listing = [['node'], ['-w', 'node'], ['-w', 'node', '{"limit":100}']].map((a) => timeCli(home, a));
    for (const l of listing)
      console.log(`  ${l.command}: ${l.median_s.toFixed(2)} s, ${l.output_bytes} bytes`);

    const image = importOsImage(home);
    const target = targetOf(fleet[Math.floor(inFleet / 2)] as SimulatedNode);
    await bindTarget(razor, target, image);
    const path = bootPath(target);
    const answer = await installerScript(razor, path, image);
    const bodyFile = join(tmp, 'boot.ipxe');
    writeFileSync(bodyFile, answer.body);
    const express = await startExpress(bodyFile, answer.type);
    servers.push(express);
    // The fleet checks in at a fixed rate whatever the answers do (open loop), during both runs.
    const background = runOpenLoop(BOOT_CHECKINS, BOOT_S * 2 + 4, (k) =>
      mk.checkin((fleet[k % inFleet] as SimulatedNode).hwId),
    );
    const load = { connections: 16, seconds: BOOT_S, threads: 1 };
    // In turns of 2 s each, so both see the same machine (its load drifts over a run).
    const [razorBoot, expressBoot] = (await wrkAlternating([razor.url + path, express.url + path], load)) as [
      LoadResult,
      LoadResult,
    ];
    const meanwhile = await background;
    const during = {
      offered_per_second: BOOT_CHECKINS,
      ...summary(meanwhile.results, BOOT_S * 2 + 4),
      unanswered: meanwhile.unanswered,
    };
    const boot = {
      razor_rps: razorBoot.rps,
      express_rps: expressBoot.rps,
      ratio: razorBoot.rps / expressBoot.rps,
      errors: errorCount(razorBoot) + errorCount(expressBoot),
      checkins_meanwhile: during,
    };
    console.log(`  boot while checking in: ${JSON.stringify(boot)}`);
    mk.close();
    const file = writeResults('fleet', { nodes: NODES, facts, register, checkin, daemon, listing, boot });
    console.log(`results written to ${file}`);
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:fleet failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
