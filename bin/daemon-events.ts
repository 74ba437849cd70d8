/**
 * The daemon's side of events: the feed over its home's journal (lib/events), the server-sent
 * event streams served from it, and, on the way out, the events still queued written.
 */
import { eventFeed, type EventFeed } from '../lib/events/feed.js';
import { eventJournal, type EventJournal } from '../lib/events/journal.js';
import { eventStreams, type EventStreams } from '../daemon/events/event-stream.js';
import type { Deps } from '../lib/verbs/context.js';

/** The daemon's events: the journal, its live feed and the streams served from it. */
export interface DaemonEvents {
  journal: EventJournal;
  feed: EventFeed;
  streams: EventStreams;
  /** Ends the streams and the feed once the queued events are in the journal. */
  stop(): Promise<void>;
}

/** Starts following the journal of `deps`' home; `report` hears of a failed poll. */
export async function startDaemonEvents(deps: Deps, report: (err: Error) => void): Promise<DaemonEvents> {
  const journal = eventJournal(deps.config.home);
  const feed = eventFeed(journal, { onError: report });
  await feed.start();
  const streams = eventStreams(feed);
  return {
    journal,
    feed,
    streams,
    async stop() {
      streams.close();
      await deps.events?.flush();
      await feed.poll().catch(report);
      feed.stop();
    },
  };
}
