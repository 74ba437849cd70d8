/**
 * Fleet benchmark on PostgreSQL: two daemons sharing one database carry a fleet, driven only
 * through the REST API as Microkernels and operators drive it (issue 13).
 *
 *   npm run bench:fleet-pg
 *
 * 0. A throwaway PostgreSQL server (initdb + pg_ctl in a temp dir) and two `razor daemon`s on
 *    different ports and RAZOR_HOMEs, both with `store: postgres://…` in their config.yaml.
 * 1. BENCH_FLEET_NODES simulated Microkernels (default 10,000; ~100 facts each) register with 16
 *    concurrent clients spread over both daemons (for up to BENCH_FLEET_REGISTER_SECONDS, 300):
 *    total time, the first and last tenth's rates, errors.
 * 2. Checkins at a fixed offered rate (open loop, sent on a schedule by time whatever the answers
 *    do): every node once per 15 s (BENCH_FLEET_PG_RATE overrides the rate), each node always on
 *    the same daemon; a warm-up of one interval (BENCH_FLEET_PG_WARMUP_SECONDS), then
 *    BENCH_FLEET_PG_SECONDS (60) measured: the achieved rate, p50/p99 counted from each call's
 *    scheduled send time (a backlog shows), errors, the commands answered. Target p99 < 50 ms.
 * 3. maximum_count: an image imported with `razor image add`, a tag, model and policy with
 *    maximum_count 50 over REST, then 200 fresh nodes check in at once over both daemons:
 *    exactly 50 must bind, with distinct hostnames.
 * 4. Each daemon's RSS and CPU, the database's size; bench/results/fleet-pg-<date>.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from './lib/fleet.js';
import { simulatedNode, type SimulatedNode } from './lib/fleet-facts.js';
import { importOsImage } from './lib/fleet-setup.js';
import { checkinPhase, latency } from './lib/checkin-phase.js';
import { mkClient, runLoad, sliceRate } from './lib/fleet-load.js';
import { maxCountRun } from './lib/max-count.js';
import type { Server } from './lib/servers.js';
import {
  databaseBytes,
  postgresInstalled,
  startPgDaemons,
  watchPostgresCpu,
  type PgDaemons,
} from './lib/pg-daemons.js';
import { rssBytes } from './lib/proc-watch.js';
import { writeResults } from './lib/report.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const NODES = env('BENCH_FLEET_NODES', 10_000);
const REGISTER_S = env('BENCH_FLEET_REGISTER_SECONDS', 300);
const RATE = env('BENCH_FLEET_PG_RATE', NODES / 15);
const CHECKIN_S = env('BENCH_FLEET_PG_SECONDS', 60);
/** Checkins at the rate before the measured ones, by default one interval (every node once). */
const WARMUP_S = env('BENCH_FLEET_PG_WARMUP_SECONDS', NODES / RATE);
/** Keep-alive connections each daemon gets from the checkin load (calls beyond them queue, late). */
const CONNECTIONS = env('BENCH_FLEET_PG_CONNECTIONS', 64);
const TARGET_P99_MS = 50;
const MB = 2 ** 20;

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'razor-bench-fleet-pg-'));
  let setup: PgDaemons | undefined;
  try {
    // BENCH_DAEMON_NODE_ARGS: node options for the daemons, e.g. --cpu-prof --cpu-prof-dir=/tmp/p.
    setup = await startPgDaemons(tmp, 2, process.env.BENCH_DAEMON_NODE_ARGS?.split(' ').filter(Boolean));
    const { url, homes, daemons } = setup;
    const first = daemons[0] as Server;
    const rnd = prng(0x5eed);
    const fleet = Array.from({ length: NODES }, (_, i) => simulatedNode(i, rnd));
    const facts = Object.keys(fleet[0]?.facts ?? {}).length;
    const node = (i: number) => fleet[i] as SimulatedNode;
    console.log(`Fleet benchmark: ${NODES} nodes, ${facts} facts each, two daemons on one PostgreSQL`);

    const registrars = daemons.map((d) => mkClient(d.url, 16));
    const registered = await runLoad(16, NODES, REGISTER_S, (i) =>
      (registrars[i % 2] as ReturnType<typeof mkClient>).register(node(i).hwId, node(i).facts),
    );
    registrars.forEach((c) => c.close());
    const regSeconds = (registered[registered.length - 1]?.at ?? 0) / 1000;
    const register = {
      calls: registered.length,
      seconds: regSeconds,
      per_second: registered.length / regSeconds,
      complete: registered.length === NODES,
      first_tenth_per_second: sliceRate(registered, 0, 10),
      last_tenth_per_second: sliceRate(registered, 9, 10),
      ...latency(registered),
    };
    console.log(`  register: ${JSON.stringify(register)}`);
    const inFleet = registered.length;

    // A real fleet has been checking in all along: one interval at the rate first, reported apart.
    const hwIds = fleet.slice(0, inFleet).map((n) => n.hwId);
    const warmup = (await checkinPhase(daemons, hwIds, RATE, WARMUP_S, CONNECTIONS)).summary;
    console.log(`  warm-up: ${JSON.stringify(warmup)}`);
    const pgCpu = watchPostgresCpu(setup.postgres);
    const { summary: checkin, usage } = await checkinPhase(daemons, hwIds, RATE, CHECKIN_S, CONNECTIONS);
    const postgres_cpu_seconds_during_checkins = pgCpu.stop();
    console.log(`  checkin: ${JSON.stringify(checkin)}`);

    const image = importOsImage(homes[0] as string);
    const fresh = Array.from({ length: 200 }, (_, j) => simulatedNode(NODES + j, rnd));
    const maxCount = await maxCountRun(daemons, first, image, fresh, 50);
    console.log(`  maximum_count: ${JSON.stringify(maxCount)}`);

    const perDaemon = daemons.map((d, i) => ({
      name: d.name,
      rss_mb: rssBytes(d.pid) / MB,
      rss_max_mb_during_checkins: (usage[i]?.rss_max_bytes ?? NaN) / MB,
      cpu_seconds_during_checkins: usage[i]?.cpu_seconds ?? NaN,
      cpu_ms_per_checkin: ((usage[i]?.cpu_seconds ?? NaN) * 1000) / (checkin.answered / daemons.length),
    }));
    const database_mb = (await databaseBytes(url)) / MB;
    console.log(`  daemons: ${JSON.stringify(perDaemon)}\n  database: ${database_mb.toFixed(1)} MB`);

    const targets = {
      checkin_p99_under_50ms: checkin.p99_ms < TARGET_P99_MS,
      checkin_no_errors: checkin.errors === 0,
      checkin_rate_held: checkin.achieved_per_second >= 0.95 * RATE,
      max_count_exact: maxCount.exact,
    };
    const file = writeResults('fleet-pg', {
      nodes: NODES,
      facts,
      store: 'postgresql, two daemons',
      register,
      warmup,
      checkin,
      max_count: maxCount,
      daemons: perDaemon,
      database_mb,
      postgres_cpu_seconds_during_checkins,
      targets,
    });
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    const f = (n: number, d = 0) => n.toFixed(d);
    console.log(
      [
        '',
        `Registered ${inFleet}/${NODES} in ${f(regSeconds, 1)} s (${f(register.per_second)}/s; first tenth ` +
          `${f(register.first_tenth_per_second)}/s, last ${f(register.last_tenth_per_second)}/s), ${register.errors} errors`,
        `Checkins offered ${f(RATE)}/s for ${CHECKIN_S} s: achieved ${f(checkin.achieved_per_second)}/s, ` +
          `p50 ${f(checkin.p50_ms, 1)} ms, p99 ${f(checkin.p99_ms, 1)} ms, ${checkin.errors} errors ` +
          `(answers ${JSON.stringify(checkin.commands)})` +
          `  [${verdict(targets.checkin_p99_under_50ms && targets.checkin_no_errors)} p99 < ${TARGET_P99_MS} ms, 0 errors]`,
        `Worst seconds by p99 (s from the start: ms): ` +
          checkin.slowest_seconds.map((w) => `${w.second}: ${f(w.p99_ms, 1)}`).join(', '),
        `maximum_count 50: ${maxCount.bound} of ${maxCount.nodes} bound, ${maxCount.distinct_hostnames} distinct ` +
          `hostnames, ${maxCount.checkin_errors} errors  [${verdict(maxCount.exact)}]`,
        `RSS ${perDaemon.map((d) => `${d.name} ${f(d.rss_mb)} MB`).join(', ')}; database ${f(database_mb, 1)} MB; ` +
          `CPU per checkin ${perDaemon.map((d) => `${f(d.cpu_ms_per_checkin, 2)} ms`).join(', ')}`,
        `CPU during the checkins: ${perDaemon.map((d) => `${d.name} ${f(d.cpu_seconds_during_checkins, 1)} s`).join(', ')}, ` +
          `PostgreSQL ${f(postgres_cpu_seconds_during_checkins, 1)} s, load generator ${f(checkin.client_cpu_seconds, 1)} s`,
        `results written to ${file}`,
      ].join('\n'),
    );
  } finally {
    await setup?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (!postgresInstalled()) {
  console.error(
    "bench:fleet-pg needs PostgreSQL: install the 'postgresql' package (./scripts/system-deps.sh does); " +
      'the benchmark starts its own throwaway server with initdb and pg_ctl',
  );
  process.exitCode = 1;
} else
  main().catch((err) => {
    console.error(`bench:fleet-pg failed: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  });
