/**
 * Request time limits from one shared, unreferenced interval instead of a timer and a promise race
 * per request: each request is tracked in a set; the sweep calls `onLate` for those past their
 * limit (the REST handler answers 503 then; what the call produces later is dropped).
 */

/** Tracks in-flight requests against one time limit. */
export interface Deadlines {
  /** Starts tracking; returns the function that stops it (call it when the request is answered). */
  track(onLate: () => void): () => void;
}

interface Entry {
  at: number;
  onLate: () => void;
}

/** Deadlines of `ms` (0: no limit), checked every quarter of it (at most once a second). */
export function deadlines(ms: number, now: () => number = Date.now): Deadlines {
  const inFlight = new Set<Entry>();
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => {
    const t = now();
    for (const e of inFlight) {
      if (e.at > t) continue;
      inFlight.delete(e);
      e.onLate();
    }
    if (inFlight.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  const every = Math.max(10, Math.min(1000, Math.floor(ms / 4)));
  return {
    track(onLate) {
      if (ms <= 0) return () => undefined;
      const e = { at: now() + ms, onLate };
      inFlight.add(e);
      if (!sweeper) {
        sweeper = setInterval(sweep, every);
        sweeper.unref();
      }
      return () => void inFlight.delete(e);
    },
  };
}
