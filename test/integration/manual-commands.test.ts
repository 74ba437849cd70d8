/**
 * Every command the operator's manual shows is run (issue 16 item 6). Conventions for the manual
 * (docs/manual/*.md):
 *
 * - A ```console block holds what an operator types: `$ <command>` lines, each followed by the
 *   output it shows (optional). Each chapter's `$ ` lines run in order in one bash session (so
 *   `export`, `cd`, variables and `… &` jobs carry over), stdin closed, with `set -o pipefail`
 *   (a pipeline's status is its first failure: `razor … | grep …` cannot hide razor's).
 * - Every command must exit 0, or with the status a trailing `# exit status N` comment states.
 * - Shown output lines must appear in the command's real output (stdout, then stderr) as
 *   consecutive lines, trailing spaces ignored; a `...` line elides any number of lines, and a
 *   `<name>` placeholder (`<uuid>`, `<time>`) stands for any text within a line.
 * - Each chapter starts in a fresh scratch folder (its working directory) with a fresh, empty
 *   RAZOR_HOME, HOME and XDG_CONFIG_HOME; the caller's RAZOR_* variables are removed; `razor` on
 *   PATH is this checkout's bin/razor (built dist/). RAZOR_API_PORT and RAZOR_IMAGE_SVC_PORT name
 *   free ports, and RAZOR_LISTEN_ADDRESS and RAZOR_IMAGE_SVC_HOST (the address nodes are told) are
 *   127.0.0.1, so `razor daemon` as the manual shows it never clashes with another server and the
 *   URLs it gives nodes work from the test; the manual finds it with `razor daemon status -w`.
 * - Jobs a chapter left in the background are ended (by pid) when it is done.
 * - What cannot run in a test (systemctl, a reboot, a real disk) goes in ```sh blocks, which must
 *   not hold `$ ` lines; a console line the runner cannot run (a continued line, a here-document,
 *   text before the first `$ `) fails the test instead of being skipped.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/deps.js';
import { chapterCommands, chapters, outputMismatch } from '../helpers/manual-doc.js';
import { ChapterShell } from '../helpers/manual-shell.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';

/** What the manual's commands use besides razor (scripts/system-packages.txt installs them). */
const TOOLS: Array<[string, string[]]> = [
  ['curl', ['--version']],
  ['jq', ['--version']],
  ['openssl', ['version']],
  ['systemd-analyze', ['--version']],
];
const tools = TOOLS.every(([command, args]) =>
  systemAvailable(`manual commands: ${command}`, commandProbe(command, args)),
);

const scratch = mkdtempSync(join(tmpdir(), 'razor-manual-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `n` distinct TCP ports free right now on the loopback address (all held open until all are found). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A fresh folder for one chapter: work dir, homes, and the `razor` shim; its environment. */
function chapterPlace(
  name: string,
  ports: readonly number[],
): { cwd: string; env: NodeJS.ProcessEnv; out: string } {
  const base = join(scratch, name.replace(/\.md$/, ''));
  const dirs = { cwd: 'work', home: 'razor-home', user: 'user', xdg: 'xdg', bin: 'bin', out: 'out' };
  const at = Object.fromEntries(Object.entries(dirs).map(([k, d]) => [k, join(base, d)]));
  for (const d of Object.values(at)) mkdirSync(d as string, { recursive: true });
  const shim = join(at.bin as string, 'razor');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'bin', 'razor')}' "$@"\n`);
  chmodSync(shim, 0o755);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RAZOR_')) env[k] = v;
  Object.assign(env, {
    PATH: `${at.bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: at.user,
    XDG_CONFIG_HOME: at.xdg,
    RAZOR_HOME: at.home,
    RAZOR_LISTEN_ADDRESS: '127.0.0.1',
    RAZOR_IMAGE_SVC_HOST: '127.0.0.1',
    RAZOR_API_PORT: String(ports[0]),
    RAZOR_IMAGE_SVC_PORT: String(ports[1]),
    NO_COLOR: '1',
  });
  return { cwd: at.cwd as string, env, out: at.out as string };
}

/** Per command: generous on a loaded machine, bounded so a hang fails rather than stalls. */
const COMMAND_TIMEOUT_MS = 90_000;

test('the manual has chapters with commands, and none that the runner cannot run', () => {
  expect(chapters()).toEqual(expect.arrayContaining(['README.md', 'quick-tour.md', 'node-protocol.md']));
  const counts = chapters().map((c) => chapterCommands(c).length);
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
});

(tools ? describe : describe.skip)('every command of the manual runs as shown', () => {
  // The chapters are independent (own folders, homes and ports): they run side by side, so a
  // loaded machine's waits overlap.
  const ports = freePorts(2 * chapters().length);
  chapters().forEach((chapter, i) => {
    const commands = chapterCommands(chapter);
    if (commands.length === 0) return;
    test.concurrent(`${chapter}: ${commands.length} command(s)`, async () => {
      const place = chapterPlace(chapter, (await ports).slice(2 * i, 2 * i + 2));
      const shell = new ChapterShell(place.cwd, place.env, place.out);
      try {
        for (const c of commands) {
          const run = await shell.run(c.command, COMMAND_TIMEOUT_MS).catch((err: Error) => {
            throw new Error(`${c.where}: $ ${c.command}\n${err.message}`);
          });
          const said = `${c.where}: $ ${c.command}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
          if (run.status !== c.status)
            throw new Error(`exit status ${run.status}, the manual says ${c.status}\n${said}`);
          const lines = [...run.stdout.split('\n'), ...run.stderr.split('\n')];
          const missing = outputMismatch(c.expected, lines);
          if (missing !== undefined) throw new Error(`output not as shown; missing:\n${missing}\n${said}`);
        }
      } finally {
        await shell.close();
      }
    });
  });
});
