/**
 * The request-target length limit: a URL longer than `maxBytes` is answered 414 with an error
 * envelope (the HTTP translator's) before Express parses anything. (Node itself answers 431 when
 * the request line and headers together pass its 16 KiB header limit.)
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { translateToHttp } from '../../lib/verbs/translate-http.js';
import { RazorError } from '../../lib/errors.js';

/** The default longest request target: 8 KiB, as nginx's default large_client_header_buffers. */
export const MAX_URL_BYTES = 8192;

/** Wraps `app` so over-long request targets get 414 instead. */
export function limitUrlLength(app: RequestListener, maxBytes = MAX_URL_BYTES): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const bytes = Buffer.byteLength(req.url ?? '');
    if (bytes <= maxBytes) return app(req, res);
    const err = new RazorError(
      'UriTooLong',
      `the URL is ${bytes} bytes long; at most ${maxBytes} are accepted`,
    );
    void translateToHttp({ error: err }).then((wire) => {
      res.writeHead(wire.status, { 'content-type': wire.contentType, connection: 'close' });
      res.end(wire.body);
    });
  };
}
