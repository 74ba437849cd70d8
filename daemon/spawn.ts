/**
 * Spawn-per-request invocation (`invoke: spawn`), the original's architecture: each request runs
 * `razor -w <words>` as a child process. The call was routed once, here: the child is told the
 * verb and the values its path carried (RAZOR_HTTP_ROUTE) and does not route again. The input goes
 * to the child's standard input, not its arguments — Linux refuses an argument over 128 KiB (E2BIG) and bodies may be 1 MiB — and the
 * child treats it exactly as the in-process invoke does. The child frames its answer as
 * `<status> <content-type>\n<body>` so nothing is guessed from stdout.
 */
import { execFile } from 'node:child_process';
import { RazorError } from '../lib/errors.js';
import type { Invoke } from './rest/rest-handler.js';

/** Options for spawning: the razor executable and the environment the child gets. */
export interface SpawnOptions {
  razorBin: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Parses a framed child answer. */
export function parseFrame(stdout: string): { status: number; contentType: string; body: string } {
  const nl = stdout.indexOf('\n');
  const m = /^(\d{3}) (\S+(?:; charset=[\w-]+)?)$/.exec(nl === -1 ? '' : stdout.slice(0, nl));
  if (!m) throw new RazorError('InternalError', 'the razor child process answered without a frame');
  return { status: Number(m[1]), contentType: m[2] as string, body: stdout.slice(nl + 1) };
}

/** An Invoke that runs one child process per request. */
export function spawnInvoke(o: SpawnOptions): Invoke {
  return ({ words, route, method, input, remote }) =>
    new Promise((resolve, reject) => {
      const json = typeof input === 'string' ? input : JSON.stringify(input);
      const child = execFile(
        process.execPath,
        [o.razorBin, '-w', ...words],
        {
          env: {
            ...o.env,
            RAZOR_HTTP_METHOD: method,
            RAZOR_HTTP_FRAME: '1',
            RAZOR_HTTP_REMOTE: remote ?? '',
            RAZOR_HTTP_INPUT: 'stdin',
            RAZOR_HTTP_ROUTE: JSON.stringify({ verb: route?.verb.name, values: route?.values ?? {} }),
          },
          maxBuffer: 64 * 1024 * 1024,
          timeout: o.timeoutMs,
        },
        (err, stdout, stderr) => {
          if (stdout && /^\d{3} /.test(stdout)) {
            try {
              resolve(parseFrame(stdout));
              return;
            } catch (e) {
              reject(e);
              return;
            }
          }
          reject(
            new RazorError(
              'InternalError',
              `razor child failed: ${err?.message ?? 'no output'} ${stderr.slice(0, 200)}`,
            ),
          );
        },
      );
      // A child that dies before reading its input is reported by the callback above.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(json);
    });
}
