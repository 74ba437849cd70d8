/**
 * `razor daemon --tftp`: the daemon serves iPXE's files and the rendered razor.ipxe over TFTP and
 * says where in its banner; a port it may not bind (no CAP_NET_BIND_SERVICE) or one that is taken
 * stops it with a message saying what to do; `razor config dnsmasq` prints the equivalent dnsmasq
 * configuration.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempHome } from '../helpers/fixture.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { testEnv } from '../helpers/deps.js';
import { tftpGet } from '../helpers/tftp-client.js';
import {
  IPXE_DIR,
  commandProbe,
  ipxeAvailable,
  systemAvailable,
  tftpHpaAvailable,
} from '../helpers/system.js';

const run = promisify(execFile);
const IPXE = IPXE_DIR;
const ready =
  tftpHpaAvailable() && systemAvailable('setpriv', commandProbe('setpriv', ['--version'])) && ipxeAvailable();
const suite = ready ? describe : describe.skip;

/** Runs `razor daemon` until it exits (it should, on a bind failure); its status and output. */
async function daemonFails(home: string, args: string[], launcher: string[] = []) {
  const [cmd, ...pre] = [...launcher, process.execPath];
  const res = await run(cmd!, [...pre, RAZOR, 'daemon', '--port', '0', '--listen', '127.0.0.1', ...args], {
    env: testEnv(home, { RAZOR_IMAGE_SVC_PORT: '0' }),
    timeout: 30_000,
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  return res;
}

suite('razor daemon --tftp', () => {
  let daemon: DaemonProcess;
  let tftpPort: number;
  let home: ReturnType<typeof tempHome>;
  let root: string;

  beforeAll(async () => {
    home = tempHome();
    root = join(home.home, 'tftp');
    mkdirSync(root);
    copyFileSync(join(IPXE, 'undionly.kpxe'), join(root, 'undionly.kpxe'));
    daemon = await startDaemon(home.home, ['--tftp', '--tftp-port', '0'], { RAZOR_TFTP_ROOT: root });
    const m = /\n {2}tftp {5}udp 127\.0\.0\.1:(\d+) {3}\(read-only: (\S+), and razor\.ipxe rendered\)/.exec(
      daemon.output(),
    );
    expect(m?.[2]).toBe(root);
    tftpPort = Number(m?.[1]);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  test('serves undionly.kpxe byte for byte and razor.ipxe as `razor config ipxe` prints it', async () => {
    const out = join(home.home, 'got.kpxe');
    await run('tftp', ['-m', 'binary', '127.0.0.1', String(tftpPort), '-c', 'get', 'undionly.kpxe', out]);
    expect(readFileSync(out).equals(readFileSync(join(root, 'undionly.kpxe')))).toBe(true);
    // The same configuration as the daemon's (API port 0); the CLI adds a final newline.
    const env = testEnv(home.home, { RAZOR_API_PORT: '0' });
    const { stdout: script } = await run(RAZOR, ['config', 'ipxe'], { env });
    const got = await tftpGet(tftpPort, 'razor.ipxe', { tsize: 0 });
    expect(`${got.data?.toString()}\n`).toBe(script);
    expect(script).toContain('chain http://10.0.2.2:');
  });

  test('without CAP_NET_BIND_SERVICE, port 69 stops the daemon with what to do', async () => {
    const other = tempHome();
    const res = await daemonFails(
      other.home,
      ['--tftp'],
      ['setpriv', '--bounding-set=-net_bind_service', '--'],
    );
    expect(res.code).toBe(1);
    expect(res.out).toContain('cannot listen on UDP port 69 for TFTP: permission denied');
    expect(res.out).toMatch(/root, or the CAP_NET_BIND_SERVICE capability .*systemd unit.*--tftp-port/s);
  });

  test('a taken TFTP port stops the daemon with a clear message', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((r) => squatter.bind(0, '127.0.0.1', r));
    try {
      const port = squatter.address().port;
      const res = await daemonFails(tempHome().home, ['--tftp', '--tftp-port', String(port)]);
      expect(res.code).toBe(1);
      expect(res.out).toContain(`cannot listen on UDP port ${port} for TFTP: the port is taken`);
    } finally {
      squatter.close();
    }
  });

  test('--dhcp with a bad pool, or beside --proxy-dhcp, stops the daemon with a message naming the key', async () => {
    const bad = await daemonFails(tempHome().home, [
      '--dhcp',
      '--dhcp-netmask',
      '255.255.255.0',
      '--dhcp-range',
      '10.1.1.9-10.1.1.1',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("razor daemon: dhcp_range: 10.1.1.9 is not on 10.0.2.2's network");
    const both = await daemonFails(tempHome().home, ['--dhcp', '--proxy-dhcp', '--dhcp-range', '1-2']);
    expect(both.code).toBe(1);
    expect(both.out).toContain('dhcp and proxy_dhcp cannot both be on');
  });

  test('razor config dnsmasq prints the equivalent ProxyDHCP + TFTP configuration', async () => {
    const { stdout } = await run(RAZOR, ['config', 'dnsmasq'], {
      env: testEnv(home.home, { RAZOR_TFTP_ROOT: root, RAZOR_PXE_EFI_FILE: 'ipxe.efi' }),
    });
    expect(stdout).toContain(`tftp-root=${root}\n`);
    expect(stdout).toContain('dhcp-userclass=set:ipxe,iPXE\n');
    expect(stdout).toContain('pxe-service=tag:!ipxe,x86PC,"razor",undionly.kpxe\n');
    expect(stdout).toContain('pxe-service=tag:!ipxe,x86-64_EFI,"razor",ipxe.efi\n');
    expect(stdout).toMatch(
      /\ndhcp-boot=tag:ipxe,http:\/\/10\.0\.2\.2:\d+\/razor\/api\/boot\?hw_id=\$\{net0\/mac\}_.*,,10\.0\.2\.2\n/,
    );
  });
});
