/**
 * Starts the real daemon (`./bin/razor daemon --port 0`) as a child process and finds its port and
 * its local socket; requests over that socket.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { ROOT, testEnv } from './deps.js';

/** A daemon child process. */
export interface DaemonProcess {
  proc: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>`, or `https://…` when the daemon serves TLS. */
  url: string;
  /** The owner's Unix socket (`$RAZOR_HOME/razor.sock`), if the daemon opened one. */
  socket: string | undefined;
  output: () => string;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** The razor executable of this checkout. */
export const RAZOR = join(ROOT, 'bin', 'razor');

/**
 * Starts `razor daemon` on a free loopback port with `home` as RAZOR_HOME; `launcher` runs it
 * (e.g. `['prlimit', '--nofile=512']`).
 */
export function startDaemon(
  home: string,
  args: string[] = [],
  env: Record<string, string> = {},
  launcher: string[] = [],
): Promise<DaemonProcess> {
  const [command, ...before] = [...launcher, process.execPath];
  const daemonArgs = [RAZOR, 'daemon', '--port', '0', '--listen', '127.0.0.1', ...args];
  const proc = spawn(command as string, [...before, ...daemonArgs], {
    env: testEnv(home, { RAZOR_IMAGE_SVC_PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${out}`)), 120_000);
    const check = () => {
      const m = /API\s+(https?):\/\/[^:]+:(\d+)\//.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout?.off('data', check);
      const port = Number(m[2]);
      resolve({
        proc,
        port,
        url: `${m[1]}://127.0.0.1:${port}`,
        socket: /\n {2}socket {3}(\/\S+)/.exec(out)?.[1],
        output: () => out,
        stop: async () => {
          if (proc.exitCode === null) proc.kill('SIGTERM');
          return exited;
        },
      });
    };
    proc.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code}:\n${out}`));
    });
  });
}

/** One answer over a Unix socket. */
export interface SocketAnswer {
  status: number;
  text: string;
}

/** An HTTP request to `path` over the Unix socket `socketPath` (as `curl --unix-socket` sends it). */
export function socketRequest(
  socketPath: string,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<SocketAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        path,
        method: init.method ?? 'GET',
        headers: { host: 'localhost', 'content-type': 'application/json', ...init.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** What a `razor` CLI run gave: exit code (-1 when killed), stdout and stderr. */
export type RazorRun = { code: number; stdout: string; stderr: string };

/** Runs `razor …args` with `env` (stdout and stderr are pipes, never a terminal). */
export function runRazor(args: string[], env: NodeJS.ProcessEnv): Promise<RazorRun> {
  return new Promise((resolve) => {
    execFile(RAZOR, args, { cwd: ROOT, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Registers a node with `mac` (2 GB of memory, idle) through the daemon's REST API; its status. */
export async function registerNode(d: DaemonProcess, mac: string): Promise<number> {
  const res = await fetch(`${d.url}/razor/api/node/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hw_id: mac, last_state: 'idle', attributes_hash: { memorysize: '2 GB' } }),
  });
  await res.body?.cancel();
  return res.status;
}
