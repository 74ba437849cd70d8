/**
 * The two TFTP servers of bench/tftp.ts, each a child process on its own loopback port over the
 * same root: razor's daemon with `--tftp`, and tftpd-hpa (`in.tftpd`) in the foreground.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RAZOR } from '../../test/helpers/daemon.js';
import { testEnv } from '../../test/helpers/deps.js';
import { childOutput, freePort, stopChild } from './servers.js';

/** A TFTP server under test. */
export interface TftpUnderTest {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<unknown>;
}

/** A free loopback UDP port. */
export function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  return new Promise((resolve) =>
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    }),
  );
}

/** razor's daemon serving `root` over TFTP (its own temporary RAZOR_HOME). */
export async function startRazorTftp(root: string): Promise<TftpUnderTest> {
  const home = mkdtempSync(join(tmpdir(), 'razor-bench-tftp-'));
  const port = await freeUdpPort();
  const args = ['daemon', '--listen', '127.0.0.1', '--port', String(await freePort())];
  args.push('--image-port', String(await freePort()), '--tftp', '--tftp-port', String(port));
  const proc = spawn(process.execPath, [RAZOR, ...args], {
    env: testEnv(home, { RAZOR_TFTP_ROOT: root, RAZOR_LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await childOutput(proc, 'razor daemon --tftp', /\n {2}tftp /);
  return { name: 'razor', port, pid: proc.pid as number, stop: stopChild(proc) };
}

/** tftpd-hpa serving `root` (it must be readable by nobody, the user in.tftpd drops to). */
export async function startTftpdHpa(root: string): Promise<TftpUnderTest> {
  const port = await freeUdpPort();
  const proc = spawn('in.tftpd', ['--foreground', '--address', `127.0.0.1:${port}`, '--secure', root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let failed: Error | undefined;
  proc.once('error', (err) => (failed = err));
  // in.tftpd prints nothing when ready: wait until its port answers a request for a missing file.
  const probe = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 20_000;
      const ask = () => {
        if (failed || proc.exitCode !== null) return reject(failed ?? new Error('in.tftpd exited'));
        if (Date.now() > deadline) return reject(new Error('in.tftpd did not answer within 20 s'));
        probe.send(Buffer.from('\0\x01no-such-file\0octet\0', 'latin1'), port, '127.0.0.1');
        timer = setTimeout(ask, 200);
      };
      let timer = setTimeout(ask, 0);
      probe.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    probe.close();
  }
  return { name: 'tftpd-hpa', port, pid: proc.pid as number, stop: stopChild(proc) };
}
