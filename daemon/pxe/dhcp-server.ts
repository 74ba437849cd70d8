/**
 * Full DHCP mode's server (ADR 0026): UDP 67, every packet answered by `dhcpAnswer` inside one
 * store write, so the lease it records and the answer sent agree and survive a restart. Off by
 * default; for an isolated lab network only (it answers every client, not only PXE ones).
 */
import type { RemoteInfo } from 'node:dgram';
import { decodeDhcp, encodeDhcp } from './dhcp-packet.js';
import { dhcpAnswer, type DhcpContext } from './dhcp-answer.js';
import { leaseRecord, type LeaseDoc } from './dhcp-leases.js';
import { openDhcpPort, type DhcpSend } from './dhcp-port.js';
import type { PxeLog } from './log.js';
import type { Store } from '../../lib/store/store.js';

/** What the DHCP server needs, passed in. */
export interface DhcpServerOptions {
  readonly host: string;
  /** 67 in production; 0 picks a free port (tests). */
  readonly port: number;
  readonly sendFrom?: string;
  /** Where broadcast answers go: 255.255.255.255:68 in production. */
  readonly broadcastTo?: { address: string; port: number };
  /** Where unicast answers go (port 68 in production). */
  readonly clientPort?: number;
  readonly context: DhcpContext;
  readonly store: Store;
  readonly clock: () => Date;
  readonly newUuid: () => string;
  readonly log: PxeLog;
}

/** A running DHCP server. */
export interface DhcpServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the server; rejects with a clear message when the port cannot be bound. */
export async function startDhcpServer(o: DhcpServerOptions): Promise<DhcpServer> {
  const broadcastTo = o.broadcastTo ?? { address: '255.255.255.255', port: 68 };
  const decide = (buf: Buffer) => {
    const req = decodeDhcp(buf);
    if (!req) return undefined;
    return o.store.write(async (w) => {
      const leases = await w.all<LeaseDoc>('dhcp_lease');
      const now = o.clock();
      const d = dhcpAnswer(req, leases, now, o.context);
      if (d.lease) await w.put('dhcp_lease', leaseRecord(leases, d.lease, now, o.newUuid));
      return { req, d };
    });
  };
  const answer = async (buf: Buffer, from: RemoteInfo, send: DhcpSend) => {
    let got: Awaited<ReturnType<typeof decide>>;
    try {
      got = await decide(buf);
    } catch (err) {
      return o.log.warn({ from: from.address, err: (err as Error).message }, 'dhcp: lease not recorded');
    }
    if (!got) return o.log.debug({ from: from.address, bytes: buf.length }, 'dhcp: not a DHCP request');
    const { req, d } = got;
    o.log.info({ mac: d.mac, what: d.what }, d.reply ? 'dhcp: answered' : 'dhcp: no answer');
    if (!d.reply) return;
    const to =
      req.giaddr !== '0.0.0.0'
        ? { address: req.giaddr, port: 67 }
        : d.unicast
          ? { address: req.ciaddr, port: o.clientPort ?? 68 }
          : broadcastTo;
    send(encodeDhcp(d.reply), to, (err) =>
      o.log.warn({ mac: d.mac, to: to.address, err: err.message }, 'dhcp: answer not sent'),
    );
  };
  const port = await openDhcpPort(
    {
      host: o.host,
      port: o.port,
      sendFrom: o.sendFrom,
      service: 'DHCP',
      flag: 'config dhcp_port',
      log: o.log,
    },
    (buf, from, send) => void answer(buf, from, send),
  );
  return { port: port.port, stop: port.stop };
}
