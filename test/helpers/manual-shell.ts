/**
 * One shell session per manual chapter, as an operator's terminal: a `bash` that reads the
 * chapter's commands one at a time (so `export`, `cd`, shell variables and background jobs carry
 * over from line to line), each command's stdout and stderr captured to files and its exit status
 * reported back. Background jobs the chapter started are ended by their pids when it closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one command did. */
export interface CommandRun {
  status: number;
  stdout: string;
  stderr: string;
}

const MARK = '__manual_rc__';

/** A bash session in `cwd` with exactly `env`; `outDir` receives each command's output files. */
export class ChapterShell {
  private readonly bash: ChildProcess;
  private buffered = '';
  private waiting: ((line: string) => void) | undefined;
  private readonly jobs = new Set<number>();
  private count = 0;
  private exited = false;

  constructor(
    cwd: string,
    env: NodeJS.ProcessEnv,
    private readonly outDir: string,
  ) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.bash.stdout?.setEncoding('utf8');
    this.bash.stdout?.on('data', (d: string) => {
      this.buffered += d;
      let nl;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        if (line.startsWith(MARK)) this.waiting?.(line);
      }
    });
    this.bash.stderr?.on('data', () => undefined);
    // A pipeline fails when any part of it fails: `razor … | grep …` cannot hide razor's failure.
    this.bash.stdin?.write('set -o pipefail\n');
    this.bash.once('exit', () => {
      this.exited = true;
      this.waiting?.(`${MARK} exited`);
    });
  }

  /** Runs one command line; rejects when it has not finished within `timeoutMs`. */
  async run(command: string, timeoutMs: number): Promise<CommandRun> {
    if (this.exited) throw new Error('the chapter shell has exited (a command ran exit?)');
    const n = this.count++;
    const out = join(this.outDir, `${n}.stdout`);
    const err = join(this.outDir, `${n}.stderr`);
    const reply = new Promise<string>((resolve) => (this.waiting = resolve));
    // The braces keep the command in this shell (variables, cd, jobs); a comment ends at the newline.
    const script =
      `{\n${command}\n} > '${out}' 2> '${err}' < /dev/null\n` +
      `__manual_rc=$?; echo "${MARK} $__manual_rc $(jobs -p | tr '\\n' ' ')"\n`;
    this.bash.stdin?.write(script);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not finished after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const line = await Promise.race([reply, timeout]);
      const [, status, ...pids] = line.trim().split(/\s+/);
      if (status === 'exited') throw new Error('the chapter shell exited');
      // The shell's jobs now (bash keeps them until it has reaped them: their pids are not reused).
      this.jobs.clear();
      for (const p of pids) this.jobs.add(Number(p));
      return {
        status: Number(status),
        stdout: readFileSync(out, 'utf8'),
        stderr: readFileSync(err, 'utf8'),
      };
    } finally {
      clearTimeout(timer);
      this.waiting = undefined;
    }
  }

  /** Ends the chapter's background jobs (SIGTERM, then SIGKILL after `graceMs`) and the shell. */
  async close(graceMs = 60_000): Promise<void> {
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const signal = (pid: number, sig: NodeJS.Signals) => {
      if (alive(pid)) process.kill(pid, sig);
    };
    if (!this.exited) await this.run(':', 30_000).catch(() => undefined);
    for (const pid of this.jobs) signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while ([...this.jobs].some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const pid of this.jobs) signal(pid, 'SIGKILL');
    if (!this.exited) {
      const gone = new Promise((r) => this.bash.once('exit', r));
      this.bash.stdin?.end('exit 0\n');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (!this.exited) this.bash.kill('SIGKILL');
    }
  }
}
