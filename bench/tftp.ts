/**
 * TFTP benchmark: razor's built-in TFTP server next to tftpd-hpa, side by side in one run.
 *
 *   npm run bench:tftp            (builds, then runs this file with tsx)
 *
 * Both serve the same temporary root (Debian's undionly.kpxe and a 30 MB file of random bytes),
 * each as a child process on its own loopback port: razor as `razor daemon --tftp`, tftpd-hpa as
 * `in.tftpd --foreground --secure`. The clients run in this process (test/helpers/tftp-client.ts,
 * the same for both servers). Two loads, in rounds where the servers take turns:
 * 1. 50 clients at once each fetch undionly.kpxe (blksize 1468, as PXE firmware asks);
 * 2. one client fetches the 30 MB file with blksize 1468 and windowsize 16 (tftpd-hpa has no
 *    windowsize: it leaves it out of its OACK, so that transfer runs lock-step, as RFC 7440 says);
 * 3. the same file without windowsize, lock-step on both: the like-for-like figure.
 * Every file received is compared with the original. Prints the median of each, the throughput
 * ratio razor ÷ tftpd-hpa and the target (≥ 0.8×), and writes bench/results/tftp-<date>.json.
 * Knobs (env): BENCH_ROUNDS (default 3), BENCH_CLIENTS (default 50), BENCH_BIG_MB (default 30),
 * BENCH_PIN=0 (no CPU pinning; by default the servers run on CPU 0 and the clients on CPU 1).
 */
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tftpGet } from '../test/helpers/tftp-client.js';
import { startRazorTftp, startTftpdHpa, type TftpUnderTest } from './lib/tftp-servers.js';
import { pin } from './lib/servers.js';
import { writeResults } from './lib/report.js';
import { cpuBusy, describeMachine } from './lib/machine.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 3);
const CLIENTS = env('BENCH_CLIENTS', 50);
const BIG_MB = env('BENCH_BIG_MB', 30);
const PIN = cpus().length >= 2 && process.env.BENCH_PIN !== '0';

/** One load's time in seconds, after checking every byte received. */
async function timed(
  what: () => Promise<(Buffer | undefined)[]>,
  want: Buffer,
  label: string,
): Promise<number> {
  const t0 = process.hrtime.bigint();
  const got = await what();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const bad = got.filter((g) => !g?.equals(want)).length;
  if (bad) throw new Error(`${label}: ${bad} of ${got.length} transfers did not deliver the file intact`);
  return s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} s`;

async function main() {
  const { description } = describeMachine();
  const busy = await cpuBusy(1000);
  const root = mkdtempSync(join(tmpdir(), 'razor-bench-tftp-root-'));
  chmodSync(root, 0o755);
  copyFileSync('/usr/lib/ipxe/undionly.kpxe', join(root, 'undionly.kpxe'));
  writeFileSync(join(root, 'big.bin'), randomBytes(BIG_MB * 1024 * 1024));
  for (const f of ['undionly.kpxe', 'big.bin']) chmodSync(join(root, f), 0o644);
  const small = readFileSync(join(root, 'undionly.kpxe'));
  const big = readFileSync(join(root, 'big.bin'));
  console.log(`TFTP benchmark on ${description}; CPUs ${Math.round(busy * 100)}% busy before start`);
  console.log(
    `  ${CLIENTS} clients × undionly.kpxe (${small.length} bytes), and ${BIG_MB} MB with blksize 1468 windowsize 16`,
  );
  const servers: TftpUnderTest[] = [];
  try {
    servers.push(await startRazorTftp(root), await startTftpdHpa(root));
    if (PIN) {
      for (const s of servers) pin(s.pid, 0);
      pin(process.pid, 1);
    }
    const times: Record<string, { many: number[]; big: number[]; step: number[] }> = {};
    for (const s of servers) times[s.name] = { many: [], big: [], step: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? servers : [...servers].reverse();
      for (const s of order) {
        const many = await timed(
          async () =>
            (
              await Promise.all(
                Array.from({ length: CLIENTS }, () =>
                  tftpGet(s.port, 'undionly.kpxe', { blksize: 1468 }, { deadlineMs: 300_000 }),
                ),
              )
            ).map((r) => r.data),
          small,
          `${s.name} ${CLIENTS} clients`,
        );
        const bigS = await timed(
          async () => [
            (await tftpGet(s.port, 'big.bin', { blksize: 1468, windowsize: 16 }, { deadlineMs: 600_000 }))
              .data,
          ],
          big,
          `${s.name} ${BIG_MB} MB`,
        );
        // The same file lock-step (no windowsize): the like-for-like comparison with tftpd-hpa.
        const stepS = await timed(
          async () => [(await tftpGet(s.port, 'big.bin', { blksize: 1468 }, { deadlineMs: 600_000 })).data],
          big,
          `${s.name} ${BIG_MB} MB lock-step`,
        );
        times[s.name]!.many.push(many);
        times[s.name]!.big.push(bigS);
        times[s.name]!.step.push(stepS);
        console.log(
          `  round ${round} ${s.name.padEnd(9)} ${CLIENTS} clients ${many.toFixed(2)} s, ${BIG_MB} MB ${bigS.toFixed(2)} s, lock-step ${stepS.toFixed(2)} s`,
        );
      }
    }
    const mb = (bytes: number, s: number) => bytes / 1024 / 1024 / s;
    const rows = servers.map((s) => {
      const t = times[s.name]!;
      return {
        server: s.name,
        many_s: median(t.many),
        many_MBps: mb(small.length * CLIENTS, median(t.many)),
        big_s: median(t.big),
        big_MBps: mb(big.length, median(t.big)),
        step_s: median(t.step),
        step_MBps: mb(big.length, median(t.step)),
        spread: { many: spread(t.many), big: spread(t.big), step: spread(t.step) },
      };
    });
    const [r, h] = rows as [(typeof rows)[0], (typeof rows)[0]];
    const ratios = {
      many: r.many_MBps / h.many_MBps,
      big: r.big_MBps / h.big_MBps,
      step: r.step_MBps / h.step_MBps,
    };
    console.log(
      `\n  server     ${CLIENTS}×undionly.kpxe            ${BIG_MB} MB (blksize 1468, windowsize 16)     ${BIG_MB} MB lock-step`,
    );
    for (const x of rows) {
      console.log(
        `  ${x.server.padEnd(9)}  ${x.many_s.toFixed(2)} s ${x.many_MBps.toFixed(1).padStart(6)} MB/s (${x.spread.many})   ` +
          `${x.big_s.toFixed(2)} s ${x.big_MBps.toFixed(1).padStart(6)} MB/s (${x.spread.big})   ` +
          `${x.step_s.toFixed(2)} s ${x.step_MBps.toFixed(1).padStart(6)} MB/s (${x.spread.step})`,
      );
    }
    const verdict = (x: number) => `${x.toFixed(2)}× ${x >= 0.8 ? 'PASS' : 'MISS'} (target ≥ 0.8×)`;
    console.log(
      `\n  razor ÷ tftpd-hpa throughput: ${CLIENTS} clients ${verdict(ratios.many)}; ${BIG_MB} MB ${verdict(ratios.big)}; ` +
        `lock-step ${ratios.step.toFixed(2)}× (for reference: tftpd-hpa has no windowsize)`,
    );
    const file = writeResults('tftp', {
      machine: description,
      cpu_busy_before: busy,
      rounds: ROUNDS,
      clients: CLIENTS,
      big_mb: BIG_MB,
      rows,
      ratios,
    });
    console.log(`  results: ${file}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
