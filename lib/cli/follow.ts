/**
 * `--follow`: after a verb's answer, the events that match it as they happen, until Ctrl-C —
 * from the home's journal on this host, or from the daemon's event stream with the remote CLI.
 * People get one line per event; `razor -w` one JSON document per line.
 */
import { eventFeed } from '../events/feed.js';
import { eventJournal } from '../events/journal.js';
import { eventMatches, type EventFilter } from '../events/filter.js';
import type { RazorEvent } from '../events/event-types.js';

/** Where events come from: `mark` (taken before the answer) is where `follow` starts. */
export interface Follower {
  /** The newest event now (`now` when the source says so only when followed). */
  mark(): Promise<number | 'now'>;
  /** Delivers matching events after `since` to `onEvent` until `signal` aborts. */
  follow(
    filter: Omit<EventFilter, 'since'>,
    since: number | 'now',
    onEvent: (e: RazorEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** Follows the journal of `home` (any process's changes: the daemon's and the CLI's). */
export function localFollower(home: string, intervalMs = 200): Follower {
  const journal = eventJournal(home);
  return {
    mark: () => journal.lastSeq(),
    async follow(filter, from, onEvent, signal) {
      const feed = eventFeed(journal, { intervalMs, keep: 100_000, keepAlive: true });
      await feed.start();
      const since = from === 'now' ? feed.lastSeq() : from;
      const send = (e: RazorEvent) => {
        if (eventMatches({ ...filter, since }, e)) onEvent(e);
      };
      // What happened while the answer was being shown, then what happens next.
      for (const e of feed.recent(since)) send(e);
      feed.subscribe(send);
      await aborted(signal);
      feed.stop();
    },
  };
}

/** One event for people: time, type, which machine, and what changed. */
export function eventLine(e: RazorEvent): string {
  const who = e.hostname ?? e.node_uuid ?? '';
  const change = e.old_state !== undefined ? `${e.old_state} → ${e.state}` : (e.state ?? '');
  const why = e.action ? ` (${e.action}${e.result && e.result !== e.action ? `: ${e.result}` : ''})` : '';
  const count = e.maximum_count ? ` ${e.bound}/${e.maximum_count} bound` : '';
  const policy = e.type.startsWith('policy') ? ` policy '${e.policy_label ?? e.policy_uuid}'` : '';
  return `${e.at}  #${e.seq}  ${e.type}  ${who}${policy}${count}${change ? `  ${change}` : ''}${why}`;
}

/** Follows from `since` until Ctrl-C (SIGINT) or `signal`; `print` gets each matching event. */
export async function followUntilInterrupted(
  follower: Follower,
  filter: Omit<EventFilter, 'since'>,
  since: number | 'now',
  print: (e: RazorEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const stop = new AbortController();
  const onInt = () => stop.abort();
  process.once('SIGINT', onInt);
  signal?.addEventListener('abort', onInt, { once: true });
  try {
    await follower.follow(filter, since, print, stop.signal);
  } finally {
    process.off('SIGINT', onInt);
  }
}
