/**
 * Boot benchmark: how fast razor answers `GET /razor/api/boot` for a bound node, next to a bare
 * Express 5 handler and nginx serving the very same bytes, plus template render time.
 *
 *   npm run bench:boot            (builds, then runs this file with tsx)
 *
 * 1. A store of 10,000 registered nodes (distinct MACs, Microkernel facts) is written straight into
 *    a temp RAZOR_HOME; the real daemon (./bin/razor daemon, a child process) binds one of them to
 *    a debian_bookworm model through its REST API, and the boot answer is checked to be the
 *    installer script (and to cause no store writes once served).
 * 2. The same bytes, with the same content type, from a bare Express 5 handler (a child process)
 *    and from nginx (a child process, generated config in the temp dir) as a static file.
 * 3. wrk (a separate process) loads each in turn: same connections, warm-up and duration. On a
 *    machine with 2+ CPUs the server under test is pinned to CPU 0 and wrk to CPU 1.
 * 4. renderModelTemplate of boot_install and the preseed, timed in this process.
 * Prints a table, the ratios and the targets (PASS/MISS), and writes the results as JSON
 * to bench/results/boot-<date>.json. Knobs (env): BENCH_NODES, BENCH_CONNECTIONS, BENCH_SECONDS,
 * BENCH_WARMUP, BENCH_RENDERS, BENCH_ROUNDS (default 3: the servers take turns, the median run of
 * each counts, the spread is shown), BENCH_PIN=0 (no CPU pinning), BENCH_BASELINE=<another built
 * razor checkout> (its daemon is loaded in the same rounds, over its own copy of the fleet, and the
 * report gives this razor's ratio to it: a change measured side by side, not against an old run).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFleet } from './lib/fleet.js';
import {
  bindTarget,
  bootPath,
  expectSame,
  installerScript,
  pin,
  startExpress,
  startNginx,
  startRazor,
  type Server,
} from './lib/servers.js';
import { errorCount, wrk, type LoadOptions } from './lib/wrk.js';
import { benchRender } from './lib/render.js';
import { cpuBusy, describeMachine } from './lib/machine.js';
import { printReport, writeReport, type BootReport, type Measured } from './lib/report.js';
import { clockTicks, cpuSeconds } from './lib/cpu-time.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const NODES = env('BENCH_NODES', 10_000);
const RENDERS = env('BENCH_RENDERS', 20_000);
const WARMUP_S = env('BENCH_WARMUP', 2);
const ROUNDS = env('BENCH_ROUNDS', 3);
const BASELINE = process.env.BENCH_BASELINE;
const PIN = cpus().length >= 2 && process.env.BENCH_PIN !== '0';
const SERVER_CPU = PIN ? 0 : undefined;
const load: LoadOptions = {
  connections: env('BENCH_CONNECTIONS', 50),
  seconds: env('BENCH_SECONDS', 10),
  threads: 1,
  cpu: PIN ? 1 : undefined,
};

const TICKS = clockTicks();

/** The store's revision (the file's first key): it must not move while razor is loaded. */
const storeRev = (home: string) =>
  (JSON.parse(readFileSync(join(home, 'razor.json'), 'utf8')) as { rev: number }).rev;

async function measure(s: Server, path: string): Promise<Measured> {
  process.stdout.write(`  ${s.name}: ${WARMUP_S} s warm-up, ${load.seconds} s measured… `);
  await wrk(s.url + path, { ...load, seconds: WARMUP_S });
  const cpu0 = cpuSeconds(s.pid, TICKS);
  const r = await wrk(s.url + path, load);
  const cpu_us_per_req = ((cpuSeconds(s.pid, TICKS) - cpu0) * 1e6) / Math.max(1, r.requests);
  process.stdout.write(`${Math.round(r.rps)} req/s, ${cpu_us_per_req.toFixed(1)} µs CPU per request\n`);
  if (errorCount(r) > 0) throw new Error(`${s.name}: wrk saw errors ${JSON.stringify(r.errors)}`);
  return { ...r, cpu_us_per_req };
}

/** The run with the median req/s. */
const median = (runs: Measured[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

async function main() {
  const { cpu, description: machine } = describeMachine();
  console.log(`Boot benchmark — ${machine}`);
  const busyBefore = await cpuBusy(1000);
  if (busyBefore > 0.1)
    console.log(
      `  WARNING: the CPUs were ${Math.round(busyBefore * 100)}% busy before the start: other work competes`,
    );
  const tmp = mkdtempSync(join(tmpdir(), 'razor-bench-'));
  const home = join(tmp, 'home');
  mkdirSync(join(home, 'log'), { recursive: true });
  const servers: Server[] = [];
  try {
    const target = await writeFleet(home, NODES, Math.floor(NODES * 0.7777));
    const storeBytes = statSync(join(home, 'razor.json')).size;
    console.log(
      `  store: ${NODES} nodes, ${(storeBytes / 2 ** 20).toFixed(1)} MiB; binding node ${target.uuid}`,
    );
    const razor = await startRazor(home);
    servers.push(razor);
    await bindTarget(razor, target);
    const path = bootPath(target);
    const answer = await installerScript(razor, path);
    const bodyFile = join(tmp, 'boot.ipxe');
    writeFileSync(bodyFile, answer.body);
    servers.push(await startExpress(bodyFile, answer.type));
    servers.push(await startNginx(join(tmp, 'nginx'), '/razor/api/boot', answer.body));
    for (const s of servers) await expectSame(s, path, answer.body, answer.type);
    if (BASELINE) {
      // The other build, on its own copy of the fleet: its scripts name its own ports, so only the
      // kind of answer is compared.
      const baseHome = join(tmp, 'home-baseline');
      mkdirSync(join(baseHome, 'log'), { recursive: true });
      const baseTarget = await writeFleet(baseHome, NODES, Math.floor(NODES * 0.7777));
      const base = await startRazor(baseHome, [], join(BASELINE, 'bin', 'razor'), 'razor baseline');
      servers.push(base);
      await bindTarget(base, baseTarget);
      const baseAnswer = await installerScript(base, bootPath(baseTarget));
      if (bootPath(baseTarget) !== path || baseAnswer.type !== answer.type)
        throw new Error(`the baseline answers ${baseAnswer.type} for ${bootPath(baseTarget)}`);
    }
    for (const s of servers) pin(s.pid, SERVER_CPU);
    console.log(
      `  answer: ${Buffer.byteLength(answer.body)} bytes, ${answer.type}, checked identical on all three`,
    );
    console.log(
      `  load: wrk ${load.threads} thread, ${load.connections} connections, keep-alive` +
        (PIN ? '; server pinned to CPU 0, wrk to CPU 1' : '; no CPU pinning'),
    );

    const revBefore = storeRev(home);
    // Rounds take turns (razor, Express, nginx, razor, …) so drift on the machine hits all alike.
    const rounds: Array<Record<string, Measured>> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const round: Record<string, Measured> = {};
      for (const s of servers) round[s.name] = await measure(s, path);
      rounds.push(round);
    }
    const results = Object.fromEntries(servers.map((s) => [s.name, median(rounds.map((r) => r[s.name]!))]));
    if (storeRev(home) !== revBefore) throw new Error('the store was written during the boot load');
    for (const s of servers.splice(0)) await s.stop();

    console.log(`  rendering ${RENDERS} times each…`);
    const { boot_install_text: rendered, ...render } = await benchRender(home, RENDERS, razor.env);
    if (rendered !== answer.body)
      throw new Error(
        `the rendered boot_install differs from the served one:\n${rendered}\n---\n${answer.body}`,
      );

    const report: BootReport = {
      machine: {
        cores: cpus().length,
        cpu,
        node: process.version,
        description: machine,
        pinned: PIN,
        cpu_busy_before: busyBefore,
      },
      setup: {
        nodes: NODES,
        store_bytes: storeBytes,
        path,
        body_bytes: Buffer.byteLength(answer.body),
        content_type: answer.type,
      },
      load: { tool: 'wrk', ...load, warmup_seconds: WARMUP_S, rounds: ROUNDS },
      results: results as BootReport['results'],
      rounds,
      render,
    };

    printReport(report);
    console.log(`results written to ${writeReport(report)}`);
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:boot failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
