/**
 * What the benchmarks say about the machine they ran on: CPUs, versions of Node, nginx and wrk,
 * and how busy the CPUs already were before the benchmark started.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

/** The first line a command prints (stdout or stderr), trimmed. */
export function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n')[0]?.trim() ?? '';
}

/** One line: cores, CPU model, Node, nginx and wrk versions. */
export function describeMachine(): { cores: number; cpu: string; description: string } {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const nginx = firstLine('nginx', ['-v']).replace('nginx version: ', '');
  const wrkVersion = firstLine('wrk', ['-v']).replace(/ \[.*$/, '');
  const description = `${cpus().length} cores (${cpu}), Node ${process.version}, ${nginx}, ${wrkVersion}`;
  return { cores: cpus().length, cpu, description };
}

/** How busy all CPUs are (0–1) over `ms`, before anything of ours runs. */
export async function cpuBusy(ms: number): Promise<number> {
  const total = () =>
    cpus().reduce(
      (a, c) => {
        const all = Object.values(c.times).reduce((x, y) => x + y, 0);
        return { all: a.all + all, idle: a.idle + c.times.idle };
      },
      { all: 0, idle: 0 },
    );
  const t0 = total();
  await new Promise((r) => setTimeout(r, ms));
  const t1 = total();
  return 1 - (t1.idle - t0.idle) / Math.max(1, t1.all - t0.all);
}
