/**
 * Image benchmark: razor's image service next to nginx serving the very same file, 50 clients at
 * a time, whole downloads of a 256 MiB file and a mix of Range requests.
 *
 *   npm run bench:images          (builds, then runs this file with tsx)
 *
 * 1. A temp RAZOR_HOME gets an os image the way an operator makes one: a directory (the Debian
 *    netboot fixture plus `disk.img`, 256 MiB of random bytes) imported with
 *    `razor image add -t os -p <dir>`, which copies it into <home>/image/os/<uuid>/ and records it
 *    in the store.
 * 2. The real daemon (./bin/razor daemon, a child process) serves it on its image port; nginx (two
 *    child processes, generated configs in the temp dir) serves razor's image folder itself at the
 *    same URL: once with sendfile (its usual setup) and once reading and writing through 2 × 256 KiB
 *    buffers (sendfile off), which on loopback is often the faster of the two. The target counts
 *    against the faster nginx of each load. All send the same inode from the same page cache (read
 *    once, and hashed, before any load), and each is checked to give the file's size, a strong
 *    ETag, the whole file's SHA-256, 206s with the right bytes for sample ranges and a 304 for its
 *    own ETag.
 * 3. wrk (a separate process) loads each in turn with 50 keep-alive connections: (a) every
 *    connection downloads the whole file again and again; (b) the Range mix of bench/lib/range-mix.ts
 *    (single ranges of 64 KiB–4 MiB: 60 % `a-b`, 20 % `-n`, 20 % `a-`). Throughput is the bytes wrk
 *    read per second of the run (downloads cut off at its end count for what arrived). A full 200
 *    where a 206 was asked shows up as ≫ 4 MiB per request and fails the run. On a machine with
 *    2+ CPUs the server under test is pinned to CPU 0 and wrk to CPU 1 (where wrk, reading 8 KiB at
 *    a time, can itself be the limit: CPU s/GiB shows what each server spent).
 * 4. The daemon's VmRSS is sampled every 200 ms through every run and warm-up, and each server's
 *    CPU time per run gives CPU seconds per GiB sent.
 * Prints a table, the ratios and the targets (PASS/MISS), and writes the results as JSON
 * to bench/results/images-<date>.json. Knobs (env): BENCH_FILE_MIB (256), BENCH_CONNECTIONS (50),
 * BENCH_SECONDS (20, full downloads), BENCH_RANGE_SECONDS (10), BENCH_WARMUP (2), BENCH_ROUNDS (3:
 * the servers take turns, the median run of each counts, the spread is shown), BENCH_PIN=0.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBenchImage } from './lib/image-fixture.js';
import { expectSameFile, fileHash } from './lib/image-check.js';
import { pin, startNginxImages, startRazor, type Server } from './lib/servers.js';
import { clockTicks, rssBytes, watchProcess, type ProcessWatch } from './lib/proc-watch.js';
import { RANGE_BYTES, rangeMixLua } from './lib/range-mix.js';
import { errorCount, wrk, type LoadOptions } from './lib/wrk.js';
import { cpuBusy, describeMachine } from './lib/machine.js';
import {
  printImagesReport,
  writeImagesReport,
  type ImageRun,
  type ImagesReport,
  type LoadKind,
  type ServerName,
} from './lib/images-report.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const FILE_BYTES = env('BENCH_FILE_MIB', 256) * 2 ** 20;
const WARMUP_S = env('BENCH_WARMUP', 2);
const ROUNDS = env('BENCH_ROUNDS', 3);
const SECONDS: Record<LoadKind, number> = {
  full: env('BENCH_SECONDS', 20),
  range: env('BENCH_RANGE_SECONDS', 10),
};
const PIN = cpus().length >= 2 && process.env.BENCH_PIN !== '0';
const SERVER_CPU = PIN ? 0 : undefined;
const CONNECTIONS = env('BENCH_CONNECTIONS', 50);
const TICKS = clockTicks();

/** wrk's options for a load: whole downloads may take long, so a generous timeout. */
function loadFor(kind: LoadKind, seconds: number): LoadOptions {
  return {
    connections: CONNECTIONS,
    seconds,
    threads: 1,
    cpu: PIN ? 1 : undefined,
    timeout: 120,
    lua: kind === 'range' ? rangeMixLua(FILE_BYTES, 20260521) : undefined,
  };
}

async function measure(s: Server, url: string, kind: LoadKind): Promise<ImageRun> {
  process.stdout.write(`  ${s.name} ${kind}: ${WARMUP_S} s warm-up, ${SECONDS[kind]} s measured… `);
  await wrk(url, loadFor(kind, WARMUP_S));
  const watch = watchProcess(s.pid, 200, TICKS);
  const r = await wrk(url, loadFor(kind, SECONDS[kind]));
  const usage = watch.stop();
  const mib_s = r.bytes / (r.duration_us / 1e6) / 2 ** 20;
  process.stdout.write(`${Math.round(mib_s)} MiB/s, ${r.requests} requests\n`);
  if (errorCount(r) > 0) throw new Error(`${s.name}: wrk saw errors ${JSON.stringify(r.errors)}`);
  // Each answer of the mix is at most 4 MiB (and headers); one 200 with the whole file shows.
  if (kind === 'range' && r.bytes > r.requests * (RANGE_BYTES.max + 1024) + CONNECTIONS * RANGE_BYTES.max)
    throw new Error(`${s.name}: ${r.bytes} bytes for ${r.requests} range requests: not all were 206`);
  return { ...r, mib_s, usage };
}

/** The run with the median MiB/s. */
const median = (runs: ImageRun[]) =>
  [...runs].sort((a, b) => a.mib_s - b.mib_s)[Math.floor(runs.length / 2)]!;

async function main() {
  const machine = describeMachine();
  console.log(`Image benchmark — ${machine.description}`);
  const busyBefore = await cpuBusy(1000);
  if (busyBefore > 0.1)
    console.log(
      `  WARNING: the CPUs were ${Math.round(busyBefore * 100)}% busy before the start: other work competes`,
    );
  const tmp = mkdtempSync(join(tmpdir(), 'razor-bench-images-'));
  const home = join(tmp, 'home');
  mkdirSync(join(home, 'log'), { recursive: true });
  const servers: Server[] = [];
  let rssWatch: ProcessWatch | undefined;
  try {
    const image = importBenchImage(tmp, home, 'disk.img', FILE_BYTES);
    const sha256 = await fileHash(image.file); // also puts the file in the page cache
    console.log(
      `  image: razor image add -t os → ${image.uuid}; ${image.urlPath}, ${image.size} bytes, sha256 ${sha256.slice(0, 16)}…`,
    );
    const razor = await startRazor(home);
    servers.push(razor);
    const razorImages: Server = { ...razor, url: `http://127.0.0.1:${razor.env?.RAZOR_IMAGE_SVC_PORT}` };
    const nginx = await startNginxImages(join(tmp, 'nginx'), image.root, image.urlPath, true);
    servers.push(nginx);
    const nginxRw = await startNginxImages(join(tmp, 'nginx-rw'), image.root, image.urlPath, false);
    servers.push(nginxRw);
    const targets: Array<[ServerName, Server]> = [
      ['razor', razorImages],
      ['nginx', nginx],
      ['nginx_rw', nginxRw],
    ];
    const etags = {} as Record<ServerName, string>;
    for (const [, s] of targets) {
      etags[s.name as ServerName] = (
        await expectSameFile(s, image.urlPath, image.file, image.size, sha256)
      ).etag;
    }
    for (const s of servers) pin(s.pid, SERVER_CPU);
    console.log(
      `  checked on razor (image port) and both nginx: size, strong ETag, whole-file SHA-256, 5 sample ranges, 304`,
    );
    console.log(
      `  load: wrk 1 thread, ${CONNECTIONS} connections, keep-alive` +
        (PIN ? '; server pinned to CPU 0, wrk to CPU 1' : '; no CPU pinning'),
    );

    const idle = rssBytes(razor.pid);
    rssWatch = watchProcess(razor.pid, 200, TICKS);
    // Rounds take turns (razor, nginx, razor, …) so drift on the machine hits both alike.
    const rounds: ImagesReport['rounds'] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const round = { full: {}, range: {} } as ImagesReport['rounds'][number];
      for (const kind of ['full', 'range'] as const)
        for (const [name, s] of targets) round[kind][name] = await measure(s, s.url + image.urlPath, kind);
      rounds.push(round);
    }
    const rss = rssWatch.stop();
    rssWatch = undefined;
    const pick = (kind: LoadKind) =>
      Object.fromEntries(targets.map(([name]) => [name, median(rounds.map((r) => r[kind][name]))])) as Record<
        ServerName,
        ImageRun
      >;
    const report: ImagesReport = {
      machine: { ...machine, pinned: PIN, cpu_busy_before: busyBefore },
      setup: { image_uuid: image.uuid, url_path: image.urlPath, file_bytes: image.size, sha256, etags },
      load: {
        tool: 'wrk',
        connections: CONNECTIONS,
        threads: 1,
        warmup_seconds: WARMUP_S,
        seconds: SECONDS,
        rounds: ROUNDS,
      },
      results: { full: pick('full'), range: pick('range') },
      rounds,
      razor_rss: { idle_bytes: idle, max_bytes: rss.rss_max_bytes, samples: rss.samples },
    };
    printImagesReport(report);
    console.log(`results written to ${writeImagesReport(report)}`);
  } finally {
    try {
      rssWatch?.stop();
    } catch {
      // the daemon is gone already
    }
    for (const s of servers) await s.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:images failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
