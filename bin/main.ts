/**
 * The razor CLI's composition root: global switches, then `razor daemon`, `-w` JSON mode, or the
 * human commander CLI — all over the same slices, router and dispatcher.
 */
import { allSlices } from '../slices/index.js';
import { asRazorError } from '../lib/errors.js';
import { escapeUnsafe, terminalSafe } from '../lib/cli/terminal-text.js';
import { translateToEnvelope } from '../lib/verbs/translate-envelope.js';
import { translateToCli } from '../lib/cli/translate-cli.js';
import { EXIT, parseSwitches } from '../lib/cli/switches.js';
import { runWeb } from '../lib/cli/run-web.js';
import { runHuman } from '../lib/cli/run-human.js';
import { runCompletion } from '../lib/cli/completion.js';
import { buildDeps } from './deps.js';
import { packageRoot, razorVersion } from './paths.js';

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const root = packageRoot();
  const version = razorVersion(root);
  const sw = parseSwitches(argv);
  if ('error' in sw) {
    process.stderr.write(terminalSafe(`razor: ${escapeUnsafe(sw.error)}\n`));
    return EXIT.usage;
  }
  if (sw.version) {
    process.stdout.write(`razor ${version}\n`);
    return EXIT.ok;
  }
  if (sw.rest[0] === 'daemon') {
    const { runDaemon } = await import('./daemon.js');
    return runDaemon(root, sw.rest.slice(1), env);
  }
  let deps;
  try {
    deps = await buildDeps(root, env);
  } catch (err) {
    const e = asRazorError(err);
    const failure = translateToCli(e);
    if (sw.web) process.stdout.write(`${translateToEnvelope(e, sw.rest[0])}\n`);
    else process.stderr.write(terminalSafe(`${failure.message}\n`));
    return failure.exit;
  }
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const registry = allSlices(deps.catalog);
  try {
    if (sw.rest[0] === 'completion' || sw.rest[0] === '__complete')
      return await runCompletion(sw.rest, registry, deps.store, process.stdout, process.stderr);
    if (sw.web) return await runWeb({ deps, registry, args: sw.rest, env, debug: sw.debug, ...io });
    const color = !env.NO_COLOR && process.stdout.isTTY === true && !sw.noColor;
    return await runHuman({
      deps,
      registry,
      args: sw.rest,
      version,
      color,
      verbose: sw.verbose,
      debug: sw.debug,
      help: sw.help,
      ...io,
    });
  } finally {
    await deps.store.close();
  }
}
