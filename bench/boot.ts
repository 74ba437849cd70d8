/**
 * Boot benchmark: how fast razor answers `GET /razor/api/boot` for bound nodes, next to a bare
 * Express 5 handler and nginx serving the very same bytes, plus template render time.
 *
 *   npm run bench:boot            (builds, then runs this file with tsx)
 *
 * 1. The real daemon (./bin/razor daemon, a child process) on an empty RAZOR_HOME gets its fleet
 *    only through its REST API, as Microkernels and an operator give it (issue 13): the Debian
 *    image imported with `razor image add`, BENCH_NODES nodes registered with ~100 facts each, and
 *    BENCH_BOOT_NODES of them (default 1,000) bound to a debian_bookworm model by checking in. Each
 *    bound node's boot answer is checked to be an installer script (and to cause no store writes
 *    once served); wrk cycles through all of their boot URLs, so the memo holds one answer per node.
 * 2. One node's bytes, with the same content type, from a bare Express 5 handler (a child process)
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
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from './lib/fleet.js';
import { simulatedNode, type SimulatedNode } from './lib/fleet-facts.js';
import { bindNodes, importOsImage, registerFleet, targetOf } from './lib/fleet-setup.js';
import { runLoad } from './lib/fleet-load.js';
import {
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
const BOOT_NODES = Math.min(NODES, env('BENCH_BOOT_NODES', 1_000));
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

/** The store's files (snapshot and journal) as they stand: nothing may change while razor is loaded. */
const storeStamp = (home: string) =>
  ['razor.json', 'razor.journal']
    .map((f) => statSync(join(home, f), { throwIfNoEntry: false }))
    .map((st) => (st ? `${st.size}@${st.mtimeMs}` : '-'))
    .join(' ');
const storeBytes = (home: string) =>
  ['razor.json', 'razor.journal'].reduce(
    (n, f) => n + (statSync(join(home, f), { throwIfNoEntry: false })?.size ?? 0),
    0,
  );

/** wrk's Lua: each request the next of `paths`, round and round. */
const cycle = (paths: readonly string[]) =>
  `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}\nlocal i = 0\n` +
  'request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end';

/**
 * The fleet through the REST API: the image, NODES registrations, BOOT_NODES bound; each bound
 * node booted twice (the first boot records the NIC); returns the boot paths and the image.
 */
async function setUp(razor: Server, home: string, fleet: readonly SimulatedNode[]) {
  const image = importOsImage(home);
  const registered = await registerFleet(razor, fleet);
  const failed = registered.filter((r) => !r.ok);
  if (registered.length !== fleet.length || failed.length)
    throw new Error(
      `registration: ${registered.length} of ${fleet.length}, ${failed.length} failed (${failed[0]?.error})`,
    );
  const booted = fleet.slice(0, BOOT_NODES);
  await bindNodes(razor, image, booted);
  const paths = booted.map((n) => bootPath(targetOf(n)));
  for (let round = 0; round < 2; round++) {
    const boots = await runLoad(16, paths.length, 600, async (i) => {
      const started = performance.now();
      const r = await fetch(razor.url + (paths[i] as string));
      const body = await r.text();
      const ok = r.status === 200 && body.startsWith('#!ipxe') && body.includes('\nkernel ');
      return { ok, ms: performance.now() - started, error: ok ? undefined : body.slice(0, 200) };
    });
    const bad = boots.find((b) => !b.ok);
    if (bad) throw new Error(`a bound node's boot is not an installer script: ${bad.error}`);
  }
  return { paths, image };
}

async function measure(s: Server, paths: readonly string[]): Promise<Measured> {
  process.stdout.write(`  ${s.name}: ${WARMUP_S} s warm-up, ${load.seconds} s measured… `);
  const over = { ...load, lua: cycle(paths) };
  await wrk(s.url + (paths[0] as string), { ...over, seconds: WARMUP_S });
  const cpu0 = cpuSeconds(s.pid, TICKS);
  const r = await wrk(s.url + (paths[0] as string), over);
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
    const rnd = prng(0x5eed);
    const fleet = Array.from({ length: NODES }, (_, i) => simulatedNode(i, rnd));
    const razor = await startRazor(home);
    servers.push(razor);
    console.log(`  registering ${NODES} nodes through the REST API, binding ${BOOT_NODES} of them…`);
    const { paths, image } = await setUp(razor, home, fleet);
    const path = paths[0] as string;
    const answer = await installerScript(razor, path, image);
    console.log(
      `  store: ${NODES} nodes, ${(storeBytes(home) / 2 ** 20).toFixed(1)} MiB (snapshot and journal)`,
    );
    const bodyFile = join(tmp, 'boot.ipxe');
    writeFileSync(bodyFile, answer.body);
    servers.push(await startExpress(bodyFile, answer.type));
    servers.push(await startNginx(join(tmp, 'nginx'), '/razor/api/boot', answer.body));
    for (const s of servers) await expectSame(s, path, answer.body, answer.type);
    if (BASELINE) {
      // The other build, with its own copy of the fleet given the same way.
      const baseHome = join(tmp, 'home-baseline');
      mkdirSync(join(baseHome, 'log'), { recursive: true });
      const base = await startRazor(baseHome, [], join(BASELINE, 'bin', 'razor'), 'razor baseline');
      servers.push(base);
      const baseline = await setUp(base, baseHome, fleet);
      const baseAnswer = await installerScript(base, path, baseline.image);
      if (baseAnswer.type !== answer.type)
        throw new Error(`the baseline answers ${baseAnswer.type} for ${path}`);
    }
    for (const s of servers) pin(s.pid, SERVER_CPU);
    console.log(
      `  answer: ${Buffer.byteLength(answer.body)} bytes, ${answer.type}, checked identical on all three; razor is loaded over ${paths.length} nodes' URLs`,
    );
    console.log(
      `  load: wrk ${load.threads} thread, ${load.connections} connections, keep-alive` +
        (PIN ? '; server pinned to CPU 0, wrk to CPU 1' : '; no CPU pinning'),
    );

    const stampBefore = storeStamp(home);
    // Rounds take turns (razor, Express, nginx, razor, …) so drift on the machine hits all alike.
    const rounds: Array<Record<string, Measured>> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const round: Record<string, Measured> = {};
      // razor boots every bound node in turn; Express and nginx answer any query with the one body.
      for (const s of servers) round[s.name] = await measure(s, s.name.startsWith('razor') ? paths : [path]);
      rounds.push(round);
    }
    const results = Object.fromEntries(servers.map((s) => [s.name, median(rounds.map((r) => r[s.name]!))]));
    if (storeStamp(home) !== stampBefore) throw new Error('the store was written during the boot load');
    for (const s of servers.splice(0)) await s.stop();

    console.log(`  rendering ${RENDERS} times each…`);
    const { boot_install_text: rendered, ...render } = await benchRender(
      home,
      (paths[0] as string)
        .replace(/^.*hw_id=([^_&]+).*$/, '$1')
        .replace(/%3A/gi, '')
        .toUpperCase(),
      RENDERS,
      razor.env,
    );
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
        booted_nodes: BOOT_NODES,
        store_bytes: storeBytes(home),
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
