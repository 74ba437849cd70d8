/** The local CLI's audit (ADR 0025): deps whose store notes writes, and the line written after. */
import { join } from 'node:path';
import { watchWrites } from '../lib/store/write-watch.js';
import { appendAudit, cliAuditLine, localUser } from '../daemon/logs/cli-audit.js';
import type { Deps } from '../lib/verbs/context.js';

/** Deps for a CLI call, and `done` to call with its exit status (it audits a change). */
export function auditedDeps(deps: Deps, args: readonly string[], env: NodeJS.ProcessEnv) {
  // A `razor -w` child of a spawning daemon: the daemon audits the request itself.
  if (env.RAZOR_HTTP_FRAME) return { deps, done: () => undefined };
  const watched = watchWrites(deps.store);
  const done = (status: number, stderr: NodeJS.WritableStream) => {
    if (!watched.changed()) return;
    const file = join(deps.config.home, 'log', 'razor.log');
    try {
      appendAudit(file, deps.config.home, cliAuditLine(args, localUser(env), status, deps.clock()));
    } catch (err) {
      stderr.write(
        `razor: the change was made but not audited: cannot write ${file}: ${(err as Error).message}\n`,
      );
    }
  };
  return { deps: { ...deps, store: watched.store }, done };
}
