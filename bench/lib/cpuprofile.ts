/**
 * Summarises a V8 .cpuprofile (written by `node --cpu-prof`) per request: self time by function and
 * by module, and inclusive time of named functions, each in µs per request.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** What a profile says, in µs per request. */
export interface ProfileSummary {
  requests: number;
  /** Profiled time excluding idle, µs per request. */
  busyUs: number;
  /** Self time by function (`name file:line`), descending. */
  selfByFunction: Array<[string, number]>;
  /** Self time by module (package, node internals, razor's own files, GC), descending. */
  selfByModule: Array<[string, number]>;
  /** Inclusive time (self + callees, recursion counted once) by function, descending. */
  inclusiveByFunction: Array<[string, number]>;
  /**
   * Each sample charged to the innermost frame of razor's own code (`dist/…`) on its stack, so
   * library and Node time lands on the razor function that asked for it; samples with no razor
   * frame are charged to `outside razor code: <module of the leaf>`.
   */
  byRazorFrame: Array<[string, number]>;
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/dist\//, 'dist/');

const fnKey = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame;
  return url ? `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}` : functionName;
};

/** Which module a frame belongs to: an npm package, node internals, a razor folder, or V8's own. */
const moduleOf = (n: ProfileNode) => {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName; // (garbage collector), (program), (idle)
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const own = /\/dist\/([^/]+\/[^/]+)$/.exec(url);
  return own ? `razor:${own[1]}` : url;
};

const sorted = (m: Map<string, number>, per: number) =>
  [...m.entries()].map(([k, v]) => [k, v / per] as [string, number]).sort((a, b) => b[1] - a[1]);

/**
 * Reads `file` and divides its time by `requests`, counting only samples inside `window` (µs of
 * CLOCK_MONOTONIC, as `process.hrtime` and V8's profiler both use) when given.
 */
export function summarise(file: string, requests: number, window?: [number, number]): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const mods = new Map<string, number>();
  const incl = new Map<string, number>();
  const own = new Map<string, number>();
  const isOwn = (n: ProfileNode) => /\/dist\/(lib|daemon|bin|slices)\//.test(n.callFrame.url);
  let busy = 0;
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (window && (at < window[0] || at > window[1])) return;
    const us = p.timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
    const leaf = byId.get(id) as ProfileNode;
    if (leaf.callFrame.functionName === '(idle)') return;
    busy += us;
    self.set(fnKey(leaf), (self.get(fnKey(leaf)) ?? 0) + us);
    mods.set(moduleOf(leaf), (mods.get(moduleOf(leaf)) ?? 0) + us);
    const seen = new Set<string>();
    let charged: string | undefined;
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const node = byId.get(n) as ProfileNode;
      const key = fnKey(node);
      if (charged === undefined && isOwn(node)) charged = key;
      if (!seen.has(key)) {
        seen.add(key);
        incl.set(key, (incl.get(key) ?? 0) + us);
      }
    }
    charged ??= `outside razor code: ${moduleOf(leaf)}`;
    own.set(charged, (own.get(charged) ?? 0) + us);
  });
  return {
    requests,
    busyUs: busy / requests,
    selfByFunction: sorted(self, requests),
    selfByModule: sorted(mods, requests),
    inclusiveByFunction: sorted(incl, requests),
    byRazorFrame: sorted(own, requests),
  };
}
