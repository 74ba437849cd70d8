/**
 * Watches a process from the outside through Linux /proc: its resident set size (VmRSS), sampled
 * at a fixed interval, and the CPU time it used (utime + stime) between start and stop.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What a process used while watched. */
export interface ProcessUsage {
  /** The largest VmRSS seen, in bytes. */
  rss_max_bytes: number;
  /** VmRSS when watching started, in bytes. */
  rss_start_bytes: number;
  samples: number;
  /** CPU seconds (user + system) used while watched. */
  cpu_seconds: number;
}

/** A running watch; `stop` ends it and tells what was seen. */
export interface ProcessWatch {
  stop: () => ProcessUsage;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on nearly every Linux). */
export function clockTicks(): number {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 100;
}

/** The process's VmRSS in bytes. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** The process's user + system CPU time in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) start at ") "; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Samples `pid`'s VmRSS every `everyMs` until stopped. */
export function watchProcess(pid: number, everyMs = 200, ticks = clockTicks()): ProcessWatch {
  const start = rssBytes(pid);
  const cpu0 = cpuTicks(pid);
  let max = start;
  let samples = 1;
  const timer = setInterval(() => {
    max = Math.max(max, rssBytes(pid));
    samples++;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      max = Math.max(max, rssBytes(pid));
      return {
        rss_max_bytes: max,
        rss_start_bytes: start,
        samples: samples + 1,
        cpu_seconds: (cpuTicks(pid) - cpu0) / ticks,
      };
    },
  };
}
