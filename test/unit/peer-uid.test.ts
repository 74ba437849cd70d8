/**
 * Which local user opened a loopback connection (daemon/peer-uid.ts): /proc/net/tcp* addresses
 * decoded, the client's end found among the sockets, and a real connection made in this process
 * found with this process's uid.
 */
import { expect, test } from '@jest/globals';
import { createServer, connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { localPeerUid, procAddress } from '../../daemon/peer-uid.js';

test('addresses of /proc/net/tcp and tcp6 decode as Node writes them', () => {
  expect(procAddress('0100007F', true)).toBe('127.0.0.1');
  expect(procAddress('7F000001', false)).toBe('127.0.0.1');
  expect(procAddress('0500000A', true)).toBe('10.0.0.5');
  expect(procAddress('00000000000000000000000001000000', true)).toBe('::1');
  expect(procAddress('0000000000000000FFFF00000100007F', true)).toBe('127.0.0.1');
  expect(procAddress('00000000000000000000000000000000', true)).toBe('::');
  expect(procAddress('000080FE00000000FF005452785634AB', true)).toBe('fe80::5254:ff:ab34:5678');
});

const HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, remote: string, uid: number) =>
  `   0: ${local} ${remote} 01 00000000:00000000 00:00000000 00000000  ${uid}        0 1 1 0 20 4 30 10 -1\n`;

test("the client's end is the socket with the peer's address and port on its local side", async () => {
  // Server 127.0.0.1:8026 (0x1F5A); client 127.0.0.1:50000 (0xC350) owned by uid 1000. The
  // server's own end (uid 0) and another client's port (uid 2000) must not be taken for it.
  const tables: Record<string, string> = {
    '/proc/net/tcp':
      HEADER +
      row('0100007F:1F5A', '0100007F:C350', 0) +
      row('0100007F:C351', '0100007F:1F5A', 2000) +
      row('0100007F:C350', '0100007F:1F5A', 1000),
    '/proc/net/tcp6': HEADER,
  };
  const read = async (path: string) => tables[path] ?? '';
  const ends = {
    remoteAddress: '::ffff:127.0.0.1',
    remotePort: 50000,
    localAddress: '::ffff:127.0.0.1',
    localPort: 8026,
  };
  expect(await localPeerUid(ends, read)).toBe(1000);
  expect(await localPeerUid({ ...ends, remotePort: 50001 }, read)).toBe(2000);
  expect(await localPeerUid({ ...ends, remotePort: 50002 }, read)).toBeUndefined();
  expect(await localPeerUid({ ...ends, remoteAddress: '127.0.0.2' }, read)).toBeUndefined();
  expect(await localPeerUid({ ...ends, remoteAddress: undefined }, read)).toBeUndefined();
  // No /proc at all: nobody is known.
  expect(await localPeerUid(ends, async () => '')).toBeUndefined();
});

test.each([
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1'],
])('a real %s loopback connection is found with this process’s uid', async (_family, host) => {
  if (!existsSync('/proc/net/tcp')) throw new Error('no /proc/net/tcp: razor reads local peers from it');
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  const client = connect(port, host);
  try {
    const socket = await accepted;
    expect(await localPeerUid(socket)).toBe(process.getuid?.());
  } finally {
    client.destroy();
    server.close();
  }
});
