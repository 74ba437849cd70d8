/**
 * A script hook's delivery: the program runs with the event JSON on stdin and an environment of
 * PATH, RAZOR_EVENT, RAZOR_EVENT_SEQ and RAZOR_HOOK only (none of the daemon's secrets), in a
 * process group of its own that is killed at the hook's timeout. Exit status 0: delivered.
 */
import { spawn } from 'node:child_process';
import type { DeliveryEnv, DeliveryOutcome, HookEvent } from './delivery-types.js';
import type { HookDoc } from './hook-doc.js';

/** How much of a failing script's stderr is kept for its error. */
const STDERR_KEPT = 500;

/** Kills the process group led by `pid` (the script and whatever it started). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs `hook.target` once for `event` (`body` is its JSON). */
export function runHookScript(
  hook: Pick<HookDoc, 'name' | 'target' | 'timeout'>,
  event: HookEvent,
  body: string,
  { path, signal }: DeliveryEnv,
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, error: 'stopped' });
    const env = {
      PATH: path,
      RAZOR_EVENT: event.type,
      RAZOR_EVENT_SEQ: String(event.seq),
      RAZOR_HOOK: hook.name,
    };
    const child = spawn(hook.target, [], { env, detached: true, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      resolve(outcome);
    };
    const kill = (error: string) => {
      killGroup(child.pid);
      child.stdin.destroy();
      child.stderr.destroy();
      finish({ ok: false, error });
    };
    const timer = setTimeout(() => kill(`timed out after ${hook.timeout} s (killed)`), hook.timeout * 1000);
    const abort = () => kill('stopped (killed)');
    signal?.addEventListener('abort', abort);
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8');
    });
    // A script that does not read its stdin closes the pipe: not an error of the delivery.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => finish({ ok: false, error: `could not run ${hook.target}: ${err.message}` }));
    child.on('close', (code, killedBy) => {
      if (code === 0) return finish({ ok: true });
      const why = killedBy ? `killed by ${killedBy}` : `exit status ${code}`;
      const said = stderr.trim().slice(0, STDERR_KEPT);
      finish({ ok: false, error: said ? `${why}: ${said}` : why });
    });
    child.stdin.end(`${body}\n`);
  });
}
