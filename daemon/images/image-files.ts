/**
 * Open image files kept for the next requests, as nginx's `open_file_cache` does: a download or a
 * Range request of a file opened in the last seconds skips the realpath/stat/open/fstat/readlink
 * round trips of openImageFile (each a trip through libuv's thread pool) and costs one `fstat` of
 * the descriptor it holds. That fstat also notices a file that was deleted or replaced since (its
 * inode has no links left) and then opens the path afresh, so a removed image is gone at once.
 * Descriptors are shared by concurrent requests (reads are positional) and closed once no request
 * uses them and they have been idle for `idleMs`.
 */
import { fstatSync, type BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { openImageFile, type ImagePath } from './image-path.js';

/** An image file a request may read; it calls `release()` exactly once when done with it. */
export interface ImageFileUse {
  handle: FileHandle;
  /** Its status as of this request. */
  stat: BigIntStats;
  release(): void;
}

/** How the cache behaves; the defaults suit the daemon. */
export interface ImageFileCacheOptions {
  /** How long an unused descriptor stays open (default 10 s). */
  idleMs?: number;
  /** Most descriptors kept (default 256); beyond it files are opened per request. */
  maxOpen?: number;
  now?: () => number;
}

interface Entry {
  key: string;
  handle: FileHandle;
  users: number;
  lastUsed: number;
  /** Dropped from the map: close once the last user is done. */
  retired: boolean;
}

const close = (handle: FileHandle) => void handle.close().catch(() => undefined);

/** The status of a still-linked regular file behind `handle`, or undefined. */
function stillThere(handle: FileHandle): BigIntStats | undefined {
  try {
    const stat = fstatSync(handle.fd, { bigint: true });
    return stat.isFile() && stat.nlink > 0n ? stat : undefined;
  } catch {
    return undefined;
  }
}

/** A cache of open image files under `root`. */
export class ImageFileCache {
  private readonly entries = new Map<string, Entry>();
  private readonly idleMs: number;
  private readonly maxOpen: number;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;

  /** Files are opened under `root` (config `image_svc_path`). */
  constructor(
    private readonly root: string,
    o: ImageFileCacheOptions = {},
  ) {
    this.idleMs = o.idleMs ?? 10_000;
    this.maxOpen = o.maxOpen ?? 256;
    this.now = o.now ?? Date.now;
  }

  /** How many descriptors are held (for tests and health). */
  get size(): number {
    return this.entries.size;
  }

  /** The file `p` names, or undefined when there is none inside its image (see openImageFile). */
  async open(p: ImagePath): Promise<ImageFileUse | undefined> {
    const key = `${p.type}/${p.uuid}/${p.rel.join('/')}`;
    const held = this.entries.get(key);
    if (held) {
      const stat = stillThere(held.handle);
      if (stat) return this.use(held, stat);
      this.retire(held);
    }
    const opened = await openImageFile(this.root, p);
    if (!opened) return undefined;
    if (this.entries.has(key) || !this.makeRoom()) {
      // Opened meanwhile by a concurrent request, or no room: this one is for this request only.
      return { ...opened, release: () => close(opened.handle) };
    }
    const entry: Entry = { key, handle: opened.handle, users: 0, lastUsed: this.now(), retired: false };
    this.entries.set(key, entry);
    this.startSweeping();
    return this.use(entry, opened.stat);
  }

  /** Closes every idle descriptor now; busy ones close when their requests are done. */
  closeAll(): void {
    for (const e of [...this.entries.values()]) this.retire(e);
  }

  private use(entry: Entry, stat: BigIntStats): ImageFileUse {
    entry.users++;
    let released = false;
    return {
      handle: entry.handle,
      stat,
      release: () => {
        if (released) return;
        released = true;
        entry.users--;
        entry.lastUsed = this.now();
        if (entry.retired && entry.users === 0) close(entry.handle);
      },
    };
  }

  private retire(entry: Entry): void {
    if (entry.retired) return;
    entry.retired = true;
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    if (entry.users === 0) close(entry.handle);
    if (this.entries.size === 0) this.stopSweeping();
  }

  /** Room for one more entry: evicts the longest idle one when full; false if all are busy. */
  private makeRoom(): boolean {
    if (this.entries.size < this.maxOpen) return true;
    let oldest: Entry | undefined;
    for (const e of this.entries.values())
      if (e.users === 0 && (!oldest || e.lastUsed < oldest.lastUsed)) oldest = e;
    if (!oldest) return false;
    this.retire(oldest);
    return true;
  }

  /** Closes descriptors idle for longer than idleMs. */
  sweep(): void {
    const before = this.now() - this.idleMs;
    for (const e of [...this.entries.values()]) if (e.users === 0 && e.lastUsed <= before) this.retire(e);
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.max(this.idleMs / 2, 100));
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
