/**
 * The daemon log's writer when writes fail (daemon/logs/log-sink.ts, ADR 0017): nothing throws, lines
 * wait in a bounded buffer while the file cannot be written, the rest are dropped and counted,
 * and the first write that works again ends with a line saying how many; a write cut short by a
 * full disk leaves no half line. The file is 0600 and its directory 0700 whatever the umask.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLogSink, type WriteFn } from '../../daemon/logs/log-sink.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'razor-log-sink-'));
  dirs.push(dir);
  return join(dir, 'log', 'razor.log');
}

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

const line = (i: number, extra = '') => `{"level":30,"n":${i}${extra},"msg":"${'x'.repeat(80)}"}\n`;

/** A write that fails with ENOSPC while `full.on`, else writes (at most `full.room` bytes when set). */
function diskOf(full: { on: boolean; room?: number }): WriteFn {
  return async (fd, buf) => {
    if (full.on && !full.room)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const n = full.on && full.room ? Math.min(full.room, buf.length) : buf.length;
    if (full.on) full.room = 0;
    return writeSync(fd, buf, 0, n);
  };
}

const flushed = (sink: { flush(cb: () => void): void }) => new Promise<void>((r) => sink.flush(r));

describe('log sink on a full disk', () => {
  test('lines wait while the disk is full, later ones are dropped and counted, then reported', async () => {
    const file = tempLog();
    const full = { on: false };
    const notices: string[] = [];
    const sink = openLogSink(file, {
      flushMs: 600_000,
      maxPendingBytes: 10 * line(10).length,
      write: diskOf(full),
      notice: (m) => notices.push(m),
    });
    sink.write(line(0));
    await flushed(sink);
    full.on = true;
    for (let i = 1; i <= 25; i++) sink.write(line(i, i === 20 ? ',"audit":true' : ''));
    await flushed(sink); // fails: nothing thrown, nothing written
    expect(lines(file).map((l) => l.n)).toEqual([0]);
    expect(sink.dropped).toBe(15);
    expect(notices).toEqual([
      expect.stringMatching(/^razor daemon: cannot write .*razor\.log: ENOSPC.*dropped and counted$/),
    ]);
    full.on = false;
    sink.write(line(26)); // dropped too: the buffer is still full until the next write works
    await flushed(sink);
    const written = lines(file);
    expect(written.map((l) => l.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, undefined]);
    expect(written[11]).toMatchObject({
      level: 40,
      dropped: 16,
      dropped_audit: 1,
      msg: '16 log lines dropped while the disk was full (1 of them audit lines)',
    });
    expect(sink.dropped).toBe(0);
    expect(notices[1]).toMatch(/is written again$/);
    sink.write(line(27));
    await flushed(sink);
    expect(lines(file).map((l) => l.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, undefined, 27]);
    sink.stop();
  });

  test('a write cut short by the disk filling leaves no half line', async () => {
    const file = tempLog();
    const full = { on: false, room: 0 };
    const sink = openLogSink(file, { flushMs: 600_000, write: diskOf(full) });
    sink.write(line(0));
    await flushed(sink);
    full.on = true;
    full.room = 130; // the next write lands one line and a half, then the disk is full
    sink.write(line(1));
    sink.write(line(2));
    await flushed(sink);
    expect(readFileSync(file, 'utf8')).toBe(line(0));
    full.on = false;
    await flushed(sink);
    expect(lines(file).map((l) => l.n)).toEqual([0, 1, 2]);
    sink.stop();
  });

  test('while writes fail, only the timer tries again: no write per line', async () => {
    const file = tempLog();
    let attempts = 0;
    const failing: WriteFn = async () => {
      attempts++;
      throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    };
    const sink = openLogSink(file, { flushMs: 600_000, batchBytes: 100, write: failing });
    sink.write(line(0)); // over one batch: a write is tried
    await flushed(sink);
    const after = attempts;
    for (let i = 1; i < 100; i++) sink.write(line(i));
    expect(attempts).toBe(after);
    sink.flushSync(); // at exit: one attempt through write(2) itself, never a loop
    sink.stop();
  });
});

describe('log file permissions', () => {
  test('0600 and 0700 under umask 022, also when they existed with looser modes', () => {
    const file = tempLog();
    const old = process.umask(0o022);
    try {
      openLogSink(file).stop();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
      chmodSync(file, 0o644);
      chmodSync(join(file, '..'), 0o755);
      openLogSink(file).stop();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(old);
    }
  });

  test('a pre-existing 0644 file keeps its lines and becomes 0600', () => {
    const file = tempLog();
    mkdirSync(join(file, '..'), { mode: 0o755 });
    writeFileSync(file, line(0), { mode: 0o644 });
    const sink = openLogSink(file);
    sink.write(line(1));
    sink.flushSync();
    sink.stop();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines(file).map((l) => l.n)).toEqual([0, 1]);
  });
});

describe('log sink after logrotate', () => {
  test('reopen continues in a new private file; no line is lost', async () => {
    const file = tempLog();
    const sink = openLogSink(file, { flushMs: 600_000 });
    sink.write(line(1));
    await flushed(sink);
    renameSync(file, `${file}.1`);
    sink.write(line(2));
    await sink.reopen();
    sink.write(line(3));
    await flushed(sink);
    sink.stop();
    // Nothing is lost: what was written before stays in the moved file, what waited goes to the new one.
    expect(lines(`${file}.1`).map((l) => l.n)).toEqual([1]);
    expect(lines(file).map((l) => l.n)).toEqual([2, 3]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
