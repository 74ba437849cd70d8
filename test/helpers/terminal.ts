/**
 * A command in a pseudo-terminal whose whole output is kept.
 *
 * node-pty reports a child's exit 200 ms after it happens even when the terminal still holds
 * unread output: it then destroys the socket and that output is lost. On a loaded machine the
 * test process is often not scheduled within 200 ms (a stressed run lost three words of a table
 * this way). So the command runs under a small shell that, once the command has exited, prints
 * a marker with its exit code and waits for a line from us; we answer only after reading the
 * marker, so every byte the command wrote has been read before anything can exit.
 */
import * as pty from 'node-pty';
import { until } from './poll.js';

const MARK = '\u001erazor-test-exit:';
const MARKED = new RegExp(`${MARK}(\\d+)\u001e`);
/** sh ignores Ctrl-C itself (`trap :`) so the command's own SIGINT handling decides the exit code. */
const HOLD = `trap : INT; "$@"; s=$?; printf '${MARK}%d\\036' "$s"; read -r _; exit "$s"`;

/** Where and how the terminal is opened. */
export interface TerminalOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
}

/** A running command at a terminal. */
export interface Terminal {
  /** Everything the command has written so far (stdout and stderr together, as a terminal shows them). */
  output(): string;
  /** Resolves once `text` has appeared after offset `from`, with the offset just past it; throws after `ms`. */
  waitFor(text: string, ms?: number, from?: number): Promise<number>;
  /** Types `text` into the terminal. */
  write(text: string): void;
  /** The command's exit code and its whole output, once it has exited and all of it was read. */
  exited: Promise<{ code: number; out: string }>;
}

/** Runs `file …args` in a pseudo-terminal (xterm, 200×50 unless told). */
export function openTerminal(file: string, args: string[], options: TerminalOptions): Terminal {
  const env = Object.fromEntries(
    Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const p = pty.spawn('/bin/sh', ['-c', HOLD, 'razor-test-terminal', file, ...args], {
    cwd: options.cwd,
    env,
    cols: options.cols ?? 200,
    rows: options.rows ?? 50,
    name: 'xterm',
  });
  let raw = '';
  let out: string | undefined;
  let released!: (code: number) => void;
  const marked = new Promise<number>((r) => (released = r));
  p.onData((d) => {
    if (out !== undefined) return;
    raw += d;
    const m = MARKED.exec(raw);
    if (!m) return;
    out = raw.slice(0, m.index);
    released(Number(m[1]));
    p.write('\n');
  });
  // Without a marker the shell itself was killed: its exit code is all there is.
  const gone = new Promise<void>((r) =>
    p.onExit(({ exitCode }) => {
      released(exitCode);
      r();
    }),
  );
  const exited = Promise.all([marked, gone]).then(([code]) => ({ code, out: out ?? raw }));
  const output = () => out ?? raw.split(MARK)[0] ?? raw;
  return {
    output,
    waitFor: (text, ms = 30_000, from = 0) =>
      until(
        JSON.stringify(text),
        () => {
          const at = output().indexOf(text, from);
          return at === -1 ? undefined : at + text.length;
        },
        ms,
        20,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; got:\n${output()}`);
      }),
    write: (text) => p.write(text),
    exited,
  };
}
