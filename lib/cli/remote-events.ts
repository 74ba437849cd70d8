/**
 * `--follow` with the remote CLI: the daemon's server-sent event stream
 * (`GET /razor/api/events?since=now`), read with the target's token and CA; a dropped connection
 * is resumed from the last event seen (`Last-Event-ID`) until Ctrl-C.
 */
import http from 'node:http';
import https from 'node:https';
import { DaemonUnreachable } from './remote-request.js';
import { RazorError } from '../errors.js';
import type { Follower } from './follow.js';
import type { RemoteTarget } from './remote-target.js';
import type { RazorEvent } from '../events/event-types.js';

/** The events of complete SSE messages in `text`, and the unfinished rest. */
export function sseEvents(text: string): { events: RazorEvent[]; rest: string } {
  const parts = text.split('\n\n');
  const rest = parts.pop() ?? '';
  const events: RazorEvent[] = [];
  for (const part of parts) {
    const data = part
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n');
    if (data) events.push(JSON.parse(data) as RazorEvent);
  }
  return { events, rest };
}

/** A follower over the event stream of the daemon at `t`. */
export function remoteFollower(t: RemoteTarget, retryMs = 2000): Follower {
  const lib = t.url.protocol === 'https:' ? https : http;
  const follow: Follower['follow'] = async (filter, from, onEvent, signal) => {
    let since = String(from);
    const query = (from: string) => {
      const q = new URLSearchParams({ since: from });
      if (filter.types) q.set('type', [...filter.types].join(','));
      if (filter.node) q.set('node', filter.node);
      if (filter.activeModel) q.set('active_model', filter.activeModel);
      return `/razor/api/events?${q}`;
    };
    const once = () =>
      new Promise<void>((resolve, reject) => {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (t.token) headers.authorization = `Bearer ${t.token}`;
        const req = lib.request(new URL(query(since), t.url), { headers, ca: t.ca, signal }, (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            const why =
              res.statusCode === 401 ? 'a valid token (RAZOR_TOKEN)' : 'a daemon that streams events';
            return reject(
              new RazorError('Unauthorized', `the event stream answered ${res.statusCode}: needs ${why}`),
            );
          }
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const { events, rest } = sseEvents(buffered + chunk);
            buffered = rest;
            for (const e of events) {
              since = String(e.seq);
              onEvent(e);
            }
          });
          res.on('end', resolve);
          res.on('error', () => resolve());
        });
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (signal.aborted) resolve();
          else
            reject(
              new DaemonUnreachable(`cannot follow events at ${t.url.origin} (${err.code ?? err.message})`),
            );
        });
        req.end();
      });
    while (!signal.aborted) {
      await once();
      // The daemon restarted or a proxy dropped the stream: resume after the last event seen.
      if (!signal.aborted) await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  // The stream's `since=now` is the daemon's newest event when the stream opens.
  return { mark: async () => 'now', follow };
}
