/**
 * The razor CLI's composition root: global switches, then `razor daemon`, `-w` JSON mode, or the
 * human commander CLI — all over the same slices, router and dispatcher; on the local store, or
 * sent to a daemon over REST with `--url`/`RAZOR_URL` (the remote CLI, ADR 0025).
 */
import { allSlices } from '../slices/index.js';
import { asRazorError } from '../lib/errors.js';
import { escapeUnsafe, terminalSafe } from '../lib/cli/terminal-text.js';
import { translateToEnvelope } from '../lib/verbs/translate-envelope.js';
import { translateToCli } from '../lib/cli/translate-cli.js';
import { EXIT, parseSwitches } from '../lib/cli/switches.js';
import { runWeb } from '../lib/cli/run-web.js';
import { liftWeb } from '../lib/cli/global-switches.js';
import { knownKeysText, readsConfig } from '../lib/cli/bad-config.js';
import { runHuman } from '../lib/cli/run-human.js';
import { remoteTarget, takeRemoteSwitches, type RemoteTarget } from '../lib/cli/remote-target.js';
import { remoteRequester } from '../lib/cli/remote-request.js';
import { remoteExecutor } from '../lib/cli/remote-call.js';
import { runRemoteWeb } from '../lib/cli/remote-web.js';
import { runCompletion } from '../lib/cli/completion.js';
import { buildDeps } from './deps.js';
import { auditedDeps } from './cli-audit.js';
import { localFollower } from '../lib/cli/follow.js';
import { remoteFollower } from '../lib/cli/remote-events.js';
import { withDaemonEndpoints } from './daemon-endpoints.js';
import { packageRoot, razorVersion } from './paths.js';

/** Says why a call could not start — an envelope with `-w` — and returns its exit status. */
function startFailed(err: unknown, web: boolean, slice: string | undefined): number {
  const e = asRazorError(err);
  const failure = translateToCli(e);
  if (web) process.stdout.write(`${translateToEnvelope(e, slice)}\n`);
  else process.stderr.write(terminalSafe(`${failure.message}\n`));
  return failure.exit;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const root = packageRoot();
  const version = razorVersion(root);
  const remote = takeRemoteSwitches(argv);
  const leading = 'error' in remote ? remote : parseSwitches(remote.argv);
  if ('error' in leading) {
    process.stderr.write(terminalSafe(`razor: ${escapeUnsafe(leading.error)}\n`));
    return EXIT.usage;
  }
  // `-w` may come anywhere (ADR 0030); the human CLI lifts the other switches once it knows the verb.
  const web = liftWeb(leading.rest, leading.web);
  const sw = { ...leading, ...web, debug: leading.debug || web.debug };
  if (sw.version) {
    process.stdout.write(`razor ${version}\n`);
    return EXIT.ok;
  }
  if (sw.rest[0] === 'daemon' && sw.rest[1] === 'status') {
    const { runStatus } = await import('./daemon-status.js');
    return runStatus(sw.rest.slice(2), env, sw.web);
  }
  if (sw.rest[0] === 'daemon') {
    const { runDaemon } = await import('./daemon.js');
    return runDaemon(root, sw.rest.slice(1), env);
  }
  let target: RemoteTarget | undefined;
  let deps;
  try {
    target = remoteTarget(remote as Exclude<typeof remote, { error: string }>, env);
    deps = await buildDeps(root, env);
  } catch (err) {
    const exit = startFailed(err, sw.web, sw.rest[0]);
    if (!sw.web && readsConfig(sw.rest)) process.stdout.write(knownKeysText());
    return exit;
  }
  // Local calls: URLs for nodes from the running daemon; changes to the store audited.
  const audit = target
    ? undefined
    : auditedDeps(withDaemonEndpoints(deps, sw.rest, process.stderr), sw.rest, env);
  if (audit) deps = audit.deps;
  const request = target && remoteRequester(target);
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const registry = allSlices(deps.catalog);
  let status: number = EXIT.internal;
  try {
    if (sw.rest[0] === 'completion' || sw.rest[0] === '__complete')
      return (status = await runCompletion(sw.rest, registry, deps.store, io.stdout, io.stderr));
    if (sw.web && request)
      status = await runRemoteWeb({ registry, args: sw.rest, request, stdout: io.stdout });
    else if (sw.web) status = await runWeb({ deps, registry, args: sw.rest, env, debug: sw.debug, ...io });
    else {
      const color = !env.NO_COLOR && process.stdout.isTTY === true && !sw.noColor;
      const flags = { color, verbose: sw.verbose, debug: sw.debug, help: sw.help };
      const remoteRun = request && remoteExecutor(request);
      const follower = target ? remoteFollower(target) : localFollower(deps.config.home);
      status = await runHuman({
        deps,
        registry,
        args: sw.rest,
        version,
        ...flags,
        ...io,
        remote: remoteRun,
        follower,
      });
    }
    return status;
  } finally {
    await deps.events?.flush();
    await deps.store.close();
    audit?.done(status, process.stderr);
  }
}
