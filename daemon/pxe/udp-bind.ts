/**
 * Binding the PXE services' UDP sockets, with errors that say what to do: ports below 1024 need
 * root or CAP_NET_BIND_SERVICE (or the systemd unit, which grants it), a taken port names the
 * usual suspects.
 */
import { createSocket, type Socket } from 'node:dgram';
import { RazorError } from '../../lib/errors.js';

/** The message for a failed bind of `port` for `service` (flag names the option that moves it). */
export function bindFailure(err: unknown, service: string, port: number, flag: string): RazorError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new RazorError(
      'InputError',
      `cannot listen on UDP port ${port} for ${service}: permission denied. Ports below 1024 need ` +
        'root, or the CAP_NET_BIND_SERVICE capability (setcap cap_net_bind_service=+ep "$(command -v node)"), ' +
        `or the razor systemd unit (AmbientCapabilities=CAP_NET_BIND_SERVICE); or pick another port with ${flag}`,
    );
  }
  if (code === 'EADDRINUSE') {
    return new RazorError(
      'InputError',
      `cannot listen on UDP port ${port} for ${service}: the port is taken (another ${service} server ` +
        `such as dnsmasq, in.tftpd or a second razor?); stop it or pick another port with ${flag}`,
    );
  }
  return new RazorError(
    'InputError',
    `cannot listen on UDP port ${port} for ${service}: ${(err as Error).message}`,
  );
}

/**
 * Binds a UDP socket on `host`:`port`; rejects with `bindFailure`'s message. `share` sets
 * SO_REUSEADDR, so a ProxyDHCP can sit beside a plain DHCP server on the same host.
 */
export function bindUdp(
  host: string,
  port: number,
  service: string,
  flag: string,
  share = false,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: share });
    const fail = (err: Error) => {
      socket.close();
      reject(bindFailure(err, service, port, flag));
    };
    socket.once('error', fail);
    socket.bind({ port, address: host, exclusive: !share }, () => {
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
