/**
 * The ProxyDHCP service: UDP 67 (DISCOVER → OFFER, broadcast, beside the site's own DHCP server)
 * and UDP 4011 (REQUEST → ACK, unicast). It hands out no addresses and ignores whatever is not a
 * PXE client; a malformed packet is dropped without an answer.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { decodeDhcp, encodeDhcp } from './dhcp-packet.js';
import { proxyAnswer, type ProxyContext } from './proxy-dhcp-answer.js';
import { bindUdp } from './udp-bind.js';
import { openDhcpPort } from './dhcp-port.js';
import type { PxeLog } from './log.js';

/** What ProxyDHCP needs, passed in. */
export interface ProxyDhcpOptions {
  /** Address to bind (0.0.0.0 to hear broadcasts). */
  readonly host: string;
  /** 67 and 4011 in production; 0 picks free ports (tests). */
  readonly dhcpPort: number;
  readonly pxePort: number;
  readonly context: ProxyContext;
  readonly log: PxeLog;
  /** Where DHCP-port answers go: 255.255.255.255:68 in production. */
  readonly broadcastTo?: { address: string; port: number };
  /**
   * A local address to send DHCP-port answers from (the announced server's). Linux routes a
   * limited broadcast out of the interface owning its source address; from 0.0.0.0 it needs a
   * default route, and a lab network or a PXE VLAN often has none.
   */
  readonly sendFrom?: string;
}

/** A running ProxyDHCP. */
export interface ProxyDhcp {
  readonly dhcpPort: number;
  readonly pxePort: number;
  stop(): Promise<void>;
}

/** Starts ProxyDHCP; rejects with a clear message when a port cannot be bound. */
export async function startProxyDhcp(o: ProxyDhcpOptions): Promise<ProxyDhcp> {
  const broadcastTo = o.broadcastTo ?? { address: '255.255.255.255', port: 68 };
  const answerOn =
    (port: 'dhcp' | 'pxe', send: (buf: Buffer, to: { address: string; port: number }) => void) =>
    (buf: Buffer, from: RemoteInfo) => {
      const req = decodeDhcp(buf);
      if (!req)
        return o.log.debug({ from: from.address, bytes: buf.length }, 'proxydhcp: not a DHCP request');
      const answer = proxyAnswer(req, port, o.context);
      if ('ignored' in answer)
        return o.log.debug({ from: from.address, why: answer.ignored }, 'proxydhcp: ignored');
      // A relay gets the answer at its own address (port 67); a client with an address, unicast.
      const to =
        port === 'pxe'
          ? { address: from.address, port: from.port }
          : req.giaddr !== '0.0.0.0'
            ? { address: req.giaddr, port: 67 }
            : broadcastTo;
      send(encodeDhcp(answer.reply), to);
      o.log.info(
        { mac: answer.mac, arch: answer.arch, file: answer.file, port },
        'proxydhcp: boot file offered',
      );
    };
  const notSent = (to: { address: string }) => (err: Error) =>
    o.log.warn({ to: to.address, err: err.message }, 'proxydhcp: answer not sent');
  const dhcp = await openDhcpPort(
    {
      host: o.host,
      port: o.dhcpPort,
      sendFrom: o.sendFrom,
      service: 'ProxyDHCP',
      flag: 'config proxy_dhcp_port',
      log: o.log,
    },
    (buf, from, send) => answerOn('dhcp', (b, to) => send(b, to, notSent(to)))(buf, from),
  );
  let pxe: Socket;
  try {
    pxe = await bindUdp(o.host, o.pxePort, 'PXE boot service', 'config proxy_dhcp_pxe_port');
  } catch (err) {
    await dhcp.stop();
    throw err;
  }
  pxe.on(
    'message',
    answerOn('pxe', (buf, to) => pxe.send(buf, to.port, to.address, (err) => err && notSent(to)(err))),
  );
  pxe.on('error', (err) => o.log.warn({ err: err.message }, 'proxydhcp: socket error'));
  return {
    dhcpPort: dhcp.port,
    pxePort: pxe.address().port,
    stop: async () => {
      await Promise.all([dhcp.stop(), new Promise<void>((r) => pxe.close(() => r()))]);
    },
  };
}
