/**
 * UDP port 67 as a DHCP responder hears and answers it (ProxyDHCP and full DHCP mode): heard on
 * 0.0.0.0 with SO_REUSEADDR (a plain DHCP server may share the host), answered from a second socket
 * bound to the announced address and the same port when one is given — Linux sends a limited
 * broadcast out of the interface owning its source address; from 0.0.0.0 it needs a default route,
 * which a lab network or a PXE VLAN often lacks.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { bindUdp } from './udp-bind.js';
import type { PxeLog } from './log.js';

/** Where and how to listen. */
export interface DhcpPortOptions {
  readonly host: string;
  readonly port: number;
  /** A local address to send from (the announced server's). */
  readonly sendFrom?: string;
  /** Names for bind errors and logs: `ProxyDHCP` / `config proxy_dhcp_port`. */
  readonly service: string;
  readonly flag: string;
  readonly log: PxeLog;
}

/** An open DHCP port. */
export interface DhcpPort {
  readonly port: number;
  /** Sends `buf` (broadcast allowed) from the announced address when there is one. */
  send(buf: Buffer, to: { address: string; port: number }, onError: (err: Error) => void): void;
  stop(): Promise<void>;
}

/** How an answer is sent. */
export type DhcpSend = DhcpPort['send'];

/** Opens the port; every packet heard (on either socket) goes to `onPacket`, with how to answer. */
export async function openDhcpPort(
  o: DhcpPortOptions,
  onPacket: (buf: Buffer, from: RemoteInfo, send: DhcpSend) => void,
): Promise<DhcpPort> {
  const heard = await bindUdp(o.host, o.port, o.service, o.flag, true);
  let sender: Socket = heard;
  if (o.sendFrom) {
    try {
      sender = await bindUdp(o.sendFrom, heard.address().port, o.service, o.flag, true);
    } catch (err) {
      heard.close();
      throw err;
    }
  }
  sender.setBroadcast(true);
  const sockets = [...new Set([heard, sender])];
  const send: DhcpSend = (buf, to, onError) =>
    sender.send(buf, to.port, to.address, (err) => {
      if (err) onError(err);
    });
  // Unicast to the announced address (a relay, a renewal) lands on `sender`: it is served too.
  for (const s of sockets) {
    s.on('message', (buf: Buffer, from: RemoteInfo) => onPacket(buf, from, send));
    s.on('error', (err) => o.log.warn({ err: err.message }, `${o.service.toLowerCase()}: socket error`));
  }
  return {
    port: heard.address().port,
    send,
    stop: async () => {
      await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
