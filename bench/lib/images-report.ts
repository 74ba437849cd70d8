/**
 * The image benchmark's report: razor next to nginx for full downloads and the Range mix (MiB/s,
 * req/s, latencies, CPU per GiB, RSS), the ratios, the issue's targets with PASS/MISS, and the same
 * as JSON in bench/results/images-<date>.json.
 */
import Table from 'cli-table3';
import type { LoadResult } from './wrk.js';
import type { ProcessUsage } from './proc-watch.js';
import { writeResults } from './report.js';

/** The issue's targets: razor's throughput against nginx's, and the daemon's RSS (150·10⁶ bytes). */
export const IMAGE_TARGETS = { razorOverNginx: 0.8, rssBytes: 150e6 };

/** One measured wrk run against one server, with what the server used meanwhile. */
export interface ImageRun extends LoadResult {
  /** Derived: body and header bytes read per second, in MiB. */
  mib_s: number;
  usage: ProcessUsage;
}

/** The two loads. */
export type LoadKind = 'full' | 'range';
/** The servers: razor's image port, nginx with sendfile (its usual setup) and without (read/write). */
export type ServerName = 'razor' | 'nginx' | 'nginx_rw';
const SERVERS: readonly ServerName[] = ['razor', 'nginx', 'nginx_rw'];
const SHOWN: Record<ServerName, string> = {
  razor: 'razor',
  nginx: 'nginx sendfile',
  nginx_rw: 'nginx read/write',
};

/** Everything one run of bench/images measured. */
export interface ImagesReport {
  machine: { cores: number; cpu: string; description: string; pinned: boolean; cpu_busy_before: number };
  setup: {
    image_uuid: string;
    url_path: string;
    file_bytes: number;
    sha256: string;
    etags: Record<ServerName, string>;
  };
  load: {
    tool: 'wrk';
    connections: number;
    threads: number;
    warmup_seconds: number;
    seconds: Record<LoadKind, number>;
    rounds: number;
  };
  /** By load and server: the run with the median MiB/s. */
  results: Record<LoadKind, Record<ServerName, ImageRun>>;
  rounds: Array<Record<LoadKind, Record<ServerName, ImageRun>>>;
  /** razor's RSS: idle before the load, and the most seen while any load (warm-ups too) ran. */
  razor_rss: { idle_bytes: number; max_bytes: number; samples: number };
}

const plain = { head: [], border: [] }; // no colours: the output is read in logs too
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const LABEL: Record<LoadKind, string> = { full: 'full 256 MiB downloads', range: 'Range mix' };

/** The faster nginx of a load: the target is met against the better of the two setups. */
const bestNginx = (x: Record<ServerName, ImageRun>): ServerName =>
  x.nginx.mib_s >= x.nginx_rw.mib_s ? 'nginx' : 'nginx_rw';

function derived(r: ImagesReport) {
  const ratio = (k: LoadKind) => r.results[k].razor.mib_s / r.results[k][bestNginx(r.results[k])].mib_s;
  const ratios = { full: ratio('full'), range: ratio('range') };
  const best = { full: bestNginx(r.results.full), range: bestNginx(r.results.range) };
  const t = IMAGE_TARGETS;
  const targets: Array<[string, string, boolean]> = [
    [
      `full downloads: razor ≥ ${t.razorOverNginx}× the faster nginx (MiB/s)`,
      `${ratios.full.toFixed(2)}× ${SHOWN[best.full]}`,
      ratios.full >= t.razorOverNginx,
    ],
    [
      `Range mix: razor ≥ ${t.razorOverNginx}× the faster nginx (MiB/s)`,
      `${ratios.range.toFixed(2)}× ${SHOWN[best.range]}`,
      ratios.range >= t.razorOverNginx,
    ],
    [
      `razor daemon RSS < ${mb(t.rssBytes)} MB during the run`,
      `${mb(r.razor_rss.max_bytes)} MB max`,
      r.razor_rss.max_bytes < t.rssBytes,
    ],
  ];
  return { ratios, best, targets };
}

/** Prints the report. */
export function printImagesReport(r: ImagesReport): void {
  const { ratios, targets } = derived(r);
  const l = r.load;
  const each = (k: LoadKind) =>
    `razor/nginx sendfile ${(r.results[k].razor.mib_s / r.results[k].nginx.mib_s).toFixed(3)}×, ` +
    `razor/nginx read/write ${(r.results[k].razor.mib_s / r.results[k].nginx_rw.mib_s).toFixed(3)}×`;
  console.log(
    `\nimage service vs nginx, ${(r.setup.file_bytes / 2 ** 20).toFixed(0)} MiB file — wrk ${l.threads} thread, ` +
      `${l.connections} connections, ${l.seconds.full} s (full) / ${l.seconds.range} s (ranges) after ` +
      `${l.warmup_seconds} s warm-up${l.rounds > 1 ? `, median of ${l.rounds} rounds` : ''}; machine: ` +
      `${r.machine.cores} cores${r.machine.pinned ? ' (server on CPU 0, wrk on CPU 1)' : ''}`,
  );
  const table = new Table({
    style: plain,
    head: [
      'load',
      'server',
      'MiB/s',
      'rounds MiB/s',
      'req/s',
      'p50 ms',
      'p99 ms',
      'CPU s/GiB',
      'max RSS MB',
      'errors',
    ],
  });
  for (const kind of ['full', 'range'] as const) {
    for (const name of SERVERS) {
      const x = r.results[kind][name];
      const all = r.rounds.map((round) => Math.round(round[kind][name].mib_s)).join(' / ');
      const gib = x.bytes / 2 ** 30;
      table.push([
        LABEL[kind],
        SHOWN[name],
        Math.round(x.mib_s),
        all,
        x.rps.toFixed(kind === 'full' ? 2 : 0),
        (x.latency_us.p50 / 1000).toFixed(kind === 'full' ? 0 : 1),
        (x.latency_us.p99 / 1000).toFixed(kind === 'full' ? 0 : 1),
        (x.usage.cpu_seconds / gib).toFixed(3),
        mb(x.usage.rss_max_bytes),
        Object.values(x.errors).reduce((a, b) => a + b, 0),
      ]);
    }
  }
  console.log(table.toString());
  console.log(
    `ratios (MiB/s): full downloads ${each('full')}; Range mix ${each('range')}\n` +
      `razor against the faster nginx: full ${ratios.full.toFixed(3)}×, Range mix ${ratios.range.toFixed(3)}×; ` +
      `razor RSS ${mb(r.razor_rss.idle_bytes)} MB idle, ${mb(r.razor_rss.max_bytes)} MB max ` +
      `(${r.razor_rss.samples} samples, every run and warm-up)`,
  );
  const t = new Table({ style: plain, head: ['target (issue)', 'measured', ''] });
  for (const [what, got, ok] of targets) t.push([what, got, verdict(ok)]);
  console.log(t.toString());
}

/** Writes the report as JSON to bench/results/images-<date>.json; returns the file. */
export function writeImagesReport(r: ImagesReport): string {
  const { ratios, best, targets } = derived(r);
  return writeResults('images', {
    ...r,
    ratios_to_faster_nginx: ratios,
    faster_nginx: best,
    targets: Object.fromEntries(targets.map(([what, measured, pass]) => [what, { measured, pass }])),
  });
}
