/**
 * What one process knows of the embedded store on disk (ADR 0027): the snapshot it loaded, and how
 * far into the journal beside it it has read. Catching up costs one `fstat` of each when nothing
 * changed; the journal's new tail when only lines were added; a full reload when the snapshot was
 * replaced (a compaction) or the journal got shorter. Lines at or below the revision already held
 * are skipped, so a line is never applied twice; a journal that starts past the held revision is
 * read again after reloading the snapshot, so none is missed.
 */
import { heldFile } from './held-file.js';
import { decodeLine, followsOf, lineOverlay } from './journal.js';
import { storeShapeProblem, type RequiredFields } from './store-shape.js';
import { storeError, unusableStoreError } from './store-errors.js';
import { emptyFile, type StoreFile } from './snapshot.js';
import { RazorError } from '../errors.js';
import type { JournalFile } from './journal-file.js';
import type { Transactions } from './transactions.js';

/** The synchronised view. */
export interface Synced {
  data(): StoreFile;
  /** The revision the journal on disk ends at, when appending to it continues it; else undefined. */
  journalEnd(): number | undefined;
  /** Size in bytes of the snapshot file as last read or written. */
  snapshotBytes(): number;
  fresh(): boolean;
  /**
   * Catches up with the files (serialised: concurrent callers share one pass). `forRead`: a read
   * may trust a check made earlier in the same turn of the event loop (see below); a write never.
   */
  sync(o?: { forRead?: boolean }): Promise<void>;
  /** After our own write under the lock: the data now on disk, and the journal's new end. */
  advanced(next: StoreFile, journalEnd: number | undefined, snapshotBytes?: number): Promise<void>;
  close(): void;
}

/** The view of the store `file` with its journal. */
export function synced(
  file: string,
  journal: JournalFile,
  tx: Transactions,
  required: RequiredFields,
): Synced {
  const snap = heldFile(file);
  let data: StoreFile | undefined;
  let end: number | undefined;
  let snapBytes = 0;
  let running: Promise<void> | undefined;
  // Files found unchanged in this turn of the event loop. Requests handled in one turn arrived
  // before it began, and a write that another process acknowledged before a request was sent had
  // landed by then — so the turn's first check answers for its other reads: a fleet's checkins and
  // boots cost one pair of fstat calls per turn, not per request. Writes always check afresh.
  let checkedThisTurn = false;
  const checkedNow = () => {
    if (checkedThisTurn) return;
    checkedThisTurn = true;
    setImmediate(() => (checkedThisTurn = false));
  };

  const damaged = (why: string) =>
    new RazorError(
      'StoreUnavailable',
      `the store's journal ${journal.path} is damaged (${why}); stop razor and move it aside to use ${file} alone (the writes since its revision are then lost)`,
    );

  const loadSnapshot = async () => {
    let text: string | null;
    try {
      text = await snap.read();
    } catch (err) {
      throw storeError('read', file, err);
    }
    let loaded = emptyFile();
    if (text !== null) {
      let parsed: StoreFile;
      try {
        parsed = JSON.parse(text) as StoreFile;
      } catch (err) {
        throw await unusableStoreError(file, `it is not valid JSON (${(err as Error).message})`, required);
      }
      const problem = storeShapeProblem(parsed, required);
      if (problem) throw await unusableStoreError(file, problem, required);
      const rev = Number.isSafeInteger(parsed.rev) ? parsed.rev : 0;
      loaded = { rev, format: parsed.format, collections: parsed.collections };
    }
    data = loaded;
    snapBytes = text === null ? 0 : Buffer.byteLength(text);
    end = undefined;
    journal.close();
    tx.reset(loaded);
  };

  /** Applies the journal's new lines; 'gap' when it starts past our revision, 'shrunk' when cut back. */
  const readJournal = async (): Promise<'ok' | 'gap' | 'shrunk'> => {
    const got = await journal.readNew();
    if (got.shrunk) return 'shrunk';
    let lines = got.lines;
    if (got.restarted) {
      end = undefined;
      if (!lines.length) return 'ok';
      const follows = followsOf(lines[0] as string);
      if (follows === undefined) throw damaged('its first line is not a journal header');
      end = follows;
      lines = lines.slice(1);
      if (follows > (data as StoreFile).rev) return 'gap';
    }
    let current = data as StoreFile;
    for (const [i, text] of lines.entries()) {
      let line;
      try {
        line = decodeLine(text);
      } catch (err) {
        throw damaged(`line ${i + 1} of what was added: ${(err as Error).message}`);
      }
      if (end !== undefined && line.rev !== end + 1) throw damaged(`rev ${line.rev} follows rev ${end}`);
      end = line.rev;
      if (line.rev <= current.rev) continue;
      if (line.rev !== current.rev + 1) return 'gap';
      try {
        current = tx.install(current, lineOverlay(current, line), line.rev, true);
      } catch (err) {
        throw damaged((err as Error).message);
      }
      data = current;
    }
    return 'ok';
  };

  const catchUp = async () => {
    for (let attempt = 0; ; attempt++) {
      if (data === undefined || !snap.fresh()) await loadSnapshot();
      const outcome = await readJournal();
      if (outcome === 'ok') break;
      if (outcome === 'gap' && snap.fresh() && attempt > 0) {
        // The snapshot is older than the journal (restored by hand): the journal is not its own.
        end = undefined;
        break;
      }
      await loadSnapshot();
    }
    // A journal that ends before our revision (the snapshot was written after it) is not continued.
    if (end !== undefined && end !== (data as StoreFile).rev) end = undefined;
  };

  const fresh = () => data !== undefined && snap.fresh() && journal.fresh();
  return {
    data: () => data as StoreFile,
    journalEnd: () => end,
    snapshotBytes: () => snapBytes,
    fresh,
    async sync(o = {}) {
      if (o.forRead && checkedThisTurn && !running) return;
      while (running) await running;
      if (fresh()) {
        if (o.forRead) checkedNow();
        return;
      }
      running = catchUp().finally(() => (running = undefined));
      await running;
    },
    async advanced(next, journalEnd, bytes) {
      data = next;
      end = journalEnd;
      if (bytes !== undefined) {
        snapBytes = bytes;
        // Not holding it only costs the next read a re-read; the write itself has landed.
        await snap.hold().catch(() => snap.close());
      }
    },
    close() {
      snap.close();
      journal.close();
    },
  };
}
