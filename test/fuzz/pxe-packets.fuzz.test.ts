/**
 * A bounded malformed-packet fuzzer for the daemon's ProxyDHCP and TFTP ports: truncated, bit-
 * flipped, option-mangled and random packets (seeded, so a failure repeats), with a real boot
 * checked between batches — a PXE REQUEST answered on the PXE port and undionly.kpxe fetched
 * intact over TFTP. The daemon must neither crash nor stop serving.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHome } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { tftpGet, udpPeer, type UdpPeer } from '../helpers/tftp-client.js';
import { dhcpRequest, readReply } from '../helpers/dhcp-request.js';
import { IPXE_DIR, ipxeAvailable } from '../helpers/system.js';
import { encodeReadRequest } from '../../daemon/pxe/tftp-packets.js';

const IPXE = IPXE_DIR;
const BATCHES = Number(process.env.RAZOR_FUZZ_BATCHES ?? 10);
const PER_BATCH = 150;
const ready = ipxeAvailable();
const suite = ready ? describe : describe.skip;

/** mulberry32: a small seeded generator, so every run sends the same packets. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

type Rng = ReturnType<typeof random>;

/** One malformed packet made from `valid`. */
function mangle(valid: Buffer, rng: Rng): Buffer {
  const buf = Buffer.from(valid);
  switch (rng.int(6)) {
    case 0:
      return buf.subarray(0, rng.int(buf.length)); // truncated
    case 1:
      for (let i = 0; i < 1 + rng.int(8); i++) {
        const at = rng.int(buf.length);
        buf[at] = buf[at]! ^ (1 << rng.int(8)); // bit flips
      }
      return buf;
    case 2:
      return Buffer.concat([buf.subarray(0, buf.length - 1), Buffer.from([rng.int(256), 255, rng.int(256)])]);
    case 3:
      return Buffer.from(Array.from({ length: rng.int(600) }, () => rng.int(256))); // noise
    case 4:
      return Buffer.concat([buf, Buffer.alloc(rng.int(2000), rng.int(256))]); // oversized
    default:
      if (buf.length > 4) buf.writeUInt16BE(rng.int(10), 0); // wrong opcode / op
      return buf;
  }
}

suite('malformed DHCP and TFTP packets never stop the daemon', () => {
  let daemon: DaemonProcess;
  let ports: { tftp: number; dhcp: number; pxe: number };
  let kpxe: Buffer;
  let fuzzer: UdpPeer;
  let client: UdpPeer & { port: number };

  beforeAll(async () => {
    const home = tempHome();
    const root = join(home.home, 'tftp');
    mkdirSync(root);
    copyFileSync(join(IPXE, 'undionly.kpxe'), join(root, 'undionly.kpxe'));
    kpxe = readFileSync(join(root, 'undionly.kpxe'));
    daemon = await startDaemon(home.home, ['--tftp', '--tftp-port', '0', '--proxy-dhcp'], {
      RAZOR_TFTP_ROOT: root,
      RAZOR_PROXY_DHCP_PORT: '0',
      RAZOR_PROXY_DHCP_PXE_PORT: '0',
      RAZOR_IMAGE_SVC_HOST: '127.0.0.1',
    });
    const out = daemon.output();
    const tftp = /\n {2}tftp {5}udp 127\.0\.0\.1:(\d+)/.exec(out);
    const pxe = /\n {2}pxe {6}ProxyDHCP udp (\d+) and (\d+) as 127\.0\.0\.1/.exec(out);
    expect(tftp && pxe).toBeTruthy();
    ports = { tftp: Number(tftp?.[1]), dhcp: Number(pxe?.[1]), pxe: Number(pxe?.[2]) };
    fuzzer = await udpPeer();
    client = await udpPeer();
  });
  afterAll(async () => {
    fuzzer?.close();
    client?.close();
    await daemon?.stop();
  });

  /**
   * A boot as firmware does it: the PXE port answers with the boot file (the REQUEST is sent again
   * every 2 s, as firmware does: the flood may have filled the socket's buffer and dropped it),
   * then TFTP sends the file intact.
   */
  async function bootStillWorks(xid: number) {
    const request = dhcpRequest({ type: 3, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', arch: 0, xid });
    let ack;
    for (let attempt = 0; attempt < 10 && !ack; attempt++) {
      client.send(request, ports.pxe);
      try {
        do ack = readReply((await client.next(2000)).buf);
        while (ack.xid !== xid);
      } catch {
        ack = undefined;
      }
    }
    if (!ack) throw new Error(`no ProxyDHCP ACK for xid ${xid}; daemon exit ${daemon.proc.exitCode}`);
    expect(ack).toMatchObject({ type: 5, yiaddr: '0.0.0.0', siaddr: '127.0.0.1', file: 'undionly.kpxe' });
    const got = await tftpGet(ports.tftp, 'undionly.kpxe', { blksize: 1468, tsize: 0 });
    expect(got.data?.equals(kpxe)).toBe(true);
  }

  test(`${BATCHES} batches of ${PER_BATCH} packets per port, a real boot after each`, async () => {
    const rng = random(17);
    const validDhcp = [
      dhcpRequest({ type: 1, vendorClass: 'PXEClient:Arch:00007:UNDI:003000', arch: 7 }),
      dhcpRequest({ type: 3, vendorClass: 'PXEClient', arch: 0, userClass: 'iPXE' }),
    ];
    const validTftp = [
      encodeReadRequest('undionly.kpxe', { blksize: 1468, windowsize: 4, tsize: 0 }),
      encodeReadRequest('../etc/passwd'),
    ];
    await bootStillWorks(1);
    for (let batch = 0; batch < BATCHES; batch++) {
      for (let i = 0; i < PER_BATCH; i++) {
        fuzzer.send(mangle(validDhcp[rng.int(2)]!, rng), ports.dhcp);
        fuzzer.send(mangle(validDhcp[rng.int(2)]!, rng), ports.pxe);
        fuzzer.send(mangle(validTftp[rng.int(2)]!, rng), ports.tftp);
      }
      await bootStillWorks(100 + batch);
      expect(daemon.proc.exitCode).toBeNull();
    }
    expect(daemon.output()).not.toMatch(/internal error|Uncaught|TypeError|RangeError/);
  });
});
