/**
 * Timing the CLI as an operator runs it (issue 13, item 8): `razor …` as a child process on a
 * RAZOR_HOME, the median wall time of a few runs and what it printed.
 */
import { spawnSync } from 'node:child_process';
import { RAZOR } from '../../test/helpers/daemon.js';
import { testEnv } from '../../test/helpers/deps.js';

/** One CLI command's timing: median seconds over `runs`, and the bytes of its output. */
export interface CliTiming {
  command: string;
  median_s: number;
  runs_s: number[];
  output_bytes: number;
}

/** Runs `razor <args>` on `home` `runs` times; throws with its output when it fails. */
export function timeCli(home: string, args: string[], runs = 3): CliTiming {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [RAZOR, ...args], {
      env: testEnv(home),
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (r.status !== 0) throw new Error(`razor ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    bytes = Buffer.byteLength(r.stdout);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    command: `razor ${args.join(' ')}`,
    median_s: sorted[Math.floor(sorted.length / 2)] as number,
    runs_s: times,
    output_bytes: bytes,
  };
}
