/**
 * The boot benchmark's report: the table of the three servers, their ratios, render times, the
 * issue's targets with PASS/MISS, and the same as JSON in bench/results/boot-<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import type { LoadOptions, LoadResult } from './wrk.js';
import type { RenderResult } from './render.js';

/** The issue's targets. */
export const TARGETS = { razorOverExpress: 0.8, renderMs: 0.2 };

/** One server's load run, with the CPU time it spent per request served. */
export type Measured = LoadResult & { cpu_us_per_req: number };

/** Everything one run measured. */
export interface BootReport {
  machine: {
    cores: number;
    cpu: string;
    node: string;
    description: string;
    pinned: boolean;
    cpu_busy_before: number;
  };
  setup: {
    nodes: number;
    booted_nodes?: number;
    store_bytes: number;
    path: string;
    body_bytes: number;
    content_type: string;
  };
  load: LoadOptions & { tool: 'wrk'; warmup_seconds: number; rounds: number };
  /** By server (razor, express, nginx): its run with the median req/s (latencies from that run). */
  results: Record<'razor' | 'express' | 'nginx', Measured> & { 'razor baseline'?: Measured };
  rounds: Array<Record<string, Measured>>;
  render: Omit<RenderResult, 'boot_install_text'>;
}

const plain = { head: [], border: [] }; // no colours: the output is read in logs too
const ms = (us: number) => (us / 1000).toFixed(2);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function derived(r: BootReport) {
  const { razor, express, nginx, 'razor baseline': baseline } = r.results;
  const ratios = {
    razor_express: razor.rps / express.rps,
    razor_nginx: razor.rps / nginx.rps,
    express_nginx: express.rps / nginx.rps,
    /** Express's CPU per request over razor's: the same comparison, robust to competing work. */
    razor_express_cpu: express.cpu_us_per_req / razor.cpu_us_per_req,
    /** This razor over another build of it run side by side (BENCH_BASELINE), when there is one. */
    ...(baseline && {
      razor_baseline: razor.rps / baseline.rps,
      razor_baseline_cpu: baseline.cpu_us_per_req / razor.cpu_us_per_req,
    }),
  };
  const targets: Array<[string, string, boolean]> = [
    [
      `razor ≥ ${TARGETS.razorOverExpress}× bare Express (req/s)`,
      `${ratios.razor_express.toFixed(2)}×`,
      ratios.razor_express >= TARGETS.razorOverExpress,
    ],
    [
      `boot_install render < ${TARGETS.renderMs} ms`,
      `${r.render.boot_install_ms.toFixed(4)} ms`,
      r.render.boot_install_ms < TARGETS.renderMs,
    ],
    [
      `preseed render < ${TARGETS.renderMs} ms`,
      `${r.render.preseed_ms.toFixed(4)} ms`,
      r.render.preseed_ms < TARGETS.renderMs,
    ],
  ];
  return { ratios, targets };
}

/** Prints the report. */
export function printReport(r: BootReport): void {
  const { ratios, targets } = derived(r);
  const l = r.load;
  console.log(
    `\nGET /razor/api/boot — wrk ${l.threads} thread, ${l.connections} connections, ${l.seconds} s after ` +
      `${l.warmup_seconds} s warm-up${l.rounds > 1 ? `, median of ${l.rounds} rounds` : ''}; ` +
      `machine: ${r.machine.cores} cores${r.machine.pinned ? ' (server on CPU 0, wrk on CPU 1)' : ''}`,
  );
  const table = new Table({
    style: plain,
    head: [
      'server',
      'req/s',
      'rounds req/s',
      'CPU µs/req',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'requests',
      'errors',
    ],
  });
  for (const [name, x] of Object.entries(r.results)) {
    const lat = x.latency_us;
    const errors = Object.values(x.errors).reduce((a, b) => a + b, 0);
    const all = r.rounds.map((round) => Math.round(round[name]?.rps ?? 0)).join(' / ');
    table.push([
      name,
      Math.round(x.rps),
      all,
      x.cpu_us_per_req.toFixed(1),
      ms(lat.p50),
      ms(lat.p90),
      ms(lat.p99),
      ms(lat.max),
      x.requests,
      errors,
    ]);
  }
  console.log(table.toString());
  console.log(
    `ratios (req/s): razor/Express ${ratios.razor_express.toFixed(2)}×, ` +
      `razor/nginx ${ratios.razor_nginx.toFixed(3)}×, Express/nginx ${ratios.express_nginx.toFixed(2)}×; ` +
      `CPU per request, Express/razor ${ratios.razor_express_cpu.toFixed(2)}×`,
  );
  if (ratios.razor_baseline !== undefined)
    console.log(
      `this razor over the baseline build: ${ratios.razor_baseline.toFixed(3)}× req/s, ` +
        `${(ratios.razor_baseline_cpu ?? 0).toFixed(3)}× less CPU per request (> 1: faster)`,
    );
  const p = r.render.boot_install_parts_ms;
  console.log(
    `render, ${r.render.renders} renders each: boot_install ${r.render.boot_install_ms.toFixed(4)} ms ` +
      `(context ${p.context.toFixed(4)}, kernel_args ${p.kernel_args.toFixed(4)}, lookup ` +
      `${p.lookup.toFixed(4)}, template ${p.template.toFixed(4)}), preseed ${r.render.preseed_ms.toFixed(4)} ms ` +
      `(${r.render.preseed_bytes} bytes)`,
  );
  const t = new Table({ style: plain, head: ['target (issue)', 'measured', ''] });
  for (const [what, got, ok] of targets) t.push([what, got, verdict(ok)]);
  console.log(t.toString());
}

/** Writes the report as JSON to bench/results/boot-<date>.json; returns the file. */
export function writeReport(r: BootReport): string {
  const { ratios, targets } = derived(r);
  return writeResults('boot', {
    ...r,
    ratios,
    targets: Object.fromEntries(targets.map(([what, measured, pass]) => [what, { measured, pass }])),
  });
}

/** Writes `json` with the date first to bench/results/<prefix>-<date>.json; returns the file. */
export function writeResults(prefix: string, json: object): string {
  const now = new Date();
  const out = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'results',
    `${prefix}-${now.toISOString().replace(/[:.]/g, '-')}.json`,
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: now.toISOString(), ...json }, null, 2)}\n`);
  return out;
}
