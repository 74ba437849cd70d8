/**
 * `razor daemon status`: whether a daemon serves this `$RAZOR_HOME`, where it listens, its version
 * and uptime — from the daemon's record and the store's daemon lock (ADR 0025). Exit 0 when one
 * runs, 3 when none does (as `systemctl status` and LSB init scripts); `-w` prints JSON.
 */
import { loadConfig } from '../lib/config.js';
import { asRazorError } from '../lib/errors.js';
import { translateToCli } from '../lib/cli/translate-cli.js';
import { EXIT } from '../lib/cli/switches.js';
import { daemonState } from '../lib/runtime/daemon-state.js';
import { uptime, type DaemonRecord } from '../lib/runtime/daemon-record.js';

const USAGE = `Usage: razor daemon status [-w]

Say whether a razor daemon serves this RAZOR_HOME, where it listens, its version and uptime.
Exit status: 0 when one runs, 3 when none does.

Options:
  -w, --json  print JSON
  -h, --help  display help for command
`;

/** The lines of a running daemon's status. */
function runningLines(r: DaemonRecord, now: Date): string[] {
  return [
    `razor daemon: running for RAZOR_HOME ${r.home} (pid ${r.pid}, razor ${r.version}, up ${uptime(r, now)})`,
    `  API      ${r.api_url}/razor/api${r.tls ? '   (TLS)' : ''}`,
    `  nodes    http://${r.node_host}:${r.node_port}/razor/api   (what nodes are told)`,
    `  images   port ${r.image_port}`,
    `  socket   ${r.socket ?? 'none'}`,
    ...r.pxe.map((line) => `  ${line}`),
    `  store    ${r.store}`,
  ];
}

/** Runs `razor daemon status [-w]`; returns the exit status. */
export function runStatus(args: readonly string[], env: NodeJS.ProcessEnv, web: boolean): number {
  const json = web || args.includes('-w') || args.includes('--json');
  if (args.includes('-h') || args.includes('--help')) return (process.stdout.write(USAGE), EXIT.ok);
  const unknown = args.find((a) => !['-w', '--json'].includes(a));
  if (unknown !== undefined) {
    process.stderr.write(`razor daemon status: unknown argument '${unknown}'\n${USAGE}`);
    return EXIT.usage;
  }
  let config;
  try {
    config = loadConfig({ env });
  } catch (err) {
    process.stderr.write(`${translateToCli(asRazorError(err)).message}\n`);
    return EXIT.usage;
  }
  const now = new Date();
  let found;
  try {
    found = daemonState(config.home, config.values.persist_path);
  } catch (err) {
    process.stderr.write(`razor daemon status: cannot tell: ${(err as Error).message}\n`);
    return EXIT.refused;
  }
  if (found.state === 'running') {
    const r = found.record;
    const seconds = Math.floor((now.getTime() - Date.parse(r.started)) / 1000);
    const out = json
      ? JSON.stringify({ running: true, ...r, uptime_seconds: seconds })
      : runningLines(r, now).join('\n');
    process.stdout.write(`${out}\n`);
    return EXIT.ok;
  }
  const stale = found.state === 'stale' ? found.record.pid : undefined;
  if (json)
    process.stdout.write(
      `${JSON.stringify({ running: false, home: config.home, stale_pid: stale ?? null })}\n`,
    );
  else {
    const why = stale ? ` (the record of pid ${stale}, which is gone, was ignored)` : '';
    process.stdout.write(
      `razor daemon: not running for RAZOR_HOME ${config.home}${why}; start it with 'razor daemon'\n`,
    );
  }
  return EXIT.notFound;
}
