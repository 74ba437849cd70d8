/**
 * `GET /razor/api/events`: the event journal as server-sent events — the kept events after
 * `since` (or the `Last-Event-ID` a reconnecting client sends), then each new one as it is
 * appended, filtered by `type`, `node` or `active_model`. `razor log --follow` through the remote
 * CLI reads this; a web view may too.
 */
import type { Request, Response } from 'express';
import { eventMatches, type EventFilter } from '../../lib/events/filter.js';
import type { RazorEvent } from '../../lib/events/event-types.js';
import type { EventFeed } from '../../lib/events/feed.js';

/** Where the stream is served. */
export const EVENTS_PATH = '/razor/api/events';

/** One event as an SSE message. */
export const sseMessage = (e: RazorEvent) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

/** The streams being served, and how to end them all (the daemon stopping). */
export interface EventStreams {
  serve(req: Request, res: Response, filter: EventFilter): void;
  /** The newest event number seen (what `since=now` means). */
  lastSeq(): number;
  /** Ends every open stream. */
  close(): void;
}

/** Streams over `feed`, with a comment line every `heartbeatMs` so proxies keep them open. */
export function eventStreams(feed: EventFeed, heartbeatMs = 15_000): EventStreams {
  const open = new Set<() => void>();
  return {
    serve(req, res, filter) {
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      res.write('retry: 2000\n\n');
      const send = (e: RazorEvent) => {
        if (eventMatches(filter, e)) res.write(sseMessage(e));
      };
      for (const e of feed.recent(filter.since)) send(e);
      const unsubscribe = feed.subscribe(send);
      const beat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
      const end = () => {
        clearInterval(beat);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      req.once('close', end);
      res.once('error', end);
    },
    lastSeq: () => feed.lastSeq(),
    close() {
      for (const end of [...open]) end();
    },
  };
}
