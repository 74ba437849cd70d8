/**
 * What the fuzzer reached: handlers are wrapped to count their calls, and every request is tallied
 * under its declared verb and mutation by status. The closing checks can fail: too few requests
 * reaching a handler, a declared verb that never answered 2xx or never refused, or a run too small
 * to tell.
 */
import { makeRegistry, type SliceRegistry, type VerbSpec } from '../../lib/verbs/spec.js';
import { commandName } from '../../lib/verbs/dispatch.js';
import type { Target } from './declared-calls.js';

/** Requests per declared verb (on average) below which a run is too small to require 2xx and 4xx of each. */
const MIN_PER_VERB = 40;

/** Handler and error-text calls so far, over all verbs. */
export interface Reach {
  handlers: number;
  errorTexts: number;
}

/** The registry with every handler (and iPXE error text) counting its calls into `reach`. */
export function instrument(registry: SliceRegistry, reach: Reach): SliceRegistry {
  const wrap = (v: VerbSpec): VerbSpec => ({
    ...v,
    handler: (input, ctx) => {
      reach.handlers++;
      return v.handler(input, ctx);
    },
    ...(v.errorText && {
      errorText: (message: string, ctx: Parameters<NonNullable<VerbSpec['errorText']>>[1]) => {
        reach.errorTexts++;
        return (v.errorText as NonNullable<VerbSpec['errorText']>)(message, ctx);
      },
    }),
  });
  return makeRegistry([...registry.values()].map((s) => ({ ...s, verbs: s.verbs.map(wrap) })));
}

/** One verb's tally. */
interface VerbTally {
  statuses: Map<number, number>;
  /** Requests that ran its handler. */
  reached: number;
  /** Answered 2xx by the verb (not by another verb a mutation led to). */
  ok: number;
  /** Refused by the verb's own validation or handler (4xx naming its command, or its error text). */
  refused: number;
}

/** What one request did. */
export interface Observed {
  target: Target;
  mutation: string;
  status: number;
  body: string;
  reachedHandler: boolean;
  usedErrorText: boolean;
}

const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);

/** A tally of requests per verb, per mutation and per status. */
export function tally() {
  const verbs = new Map<string, VerbTally>();
  const mutations = new Map<string, Map<number, number>>();
  let total = 0;
  let reached = 0;
  let validated = 0;
  const of = (key: string) => {
    let t = verbs.get(key);
    if (!t) verbs.set(key, (t = { statuses: new Map(), reached: 0, ok: 0, refused: 0 }));
    return t;
  };
  return {
    add(o: Observed): void {
      total++;
      const t = of(o.target.key);
      bump(t.statuses, o.status);
      let m = mutations.get(o.mutation);
      if (!m) mutations.set(o.mutation, (m = new Map()));
      bump(m, o.status);
      if (o.reachedHandler || o.usedErrorText) {
        reached++;
        t.reached++;
      }
      const command = commandName(o.target.slice, o.target.verb);
      const namesVerb = o.body.includes(`"command":"${command}"`) && !o.body.includes('MethodNotAllowed');
      if (o.reachedHandler || o.usedErrorText || namesVerb) validated++;
      const own = o.body.includes(`"command":"${command}"`) || o.target.verb.contentType === 'text/plain';
      if (o.status < 300 && own && o.reachedHandler && !o.usedErrorText) t.ok++;
      if ((o.status >= 400 && o.status < 500 && namesVerb) || o.usedErrorText) t.refused++;
    },
    /**
     * Problems that fail the run: too few requests reached a handler, or a verb never answered 2xx
     * or never refused a request. Those per-verb checks need MIN_PER_VERB requests per verb; a
     * smaller run is itself a problem unless `smallRunAllowed` (a quick run asked for by name).
     */
    problems(targets: readonly Target[], minReached: number, smallRunAllowed = false): string[] {
      const out: string[] = [];
      if (total === 0 || reached < total * minReached)
        out.push(
          `only ${reached} of ${total} requests reached a handler (need ${Math.round(minReached * 100)} %)`,
        );
      // Each verb needs its share of requests for the per-verb checks to be fair.
      if (total < MIN_PER_VERB * targets.length) {
        if (!smallRunAllowed)
          out.push(
            `${total} requests for ${targets.length} verbs are too few for the per-verb checks ` +
              `(need ${MIN_PER_VERB * targets.length})`,
          );
        return out;
      }
      for (const t of targets) {
        const v = verbs.get(t.key);
        if (!v?.ok) out.push(`${t.key}: no 2xx answer from its handler`);
        if (!v?.refused) out.push(`${t.key}: never refused by its own validation or handler`);
      }
      return out;
    },
    /** The coverage report: per route and verb, and per mutation, the counts per status. */
    report(title: string, targets: readonly Target[]): string {
      const fmt = (m: Map<number, number> | undefined) =>
        [...(m ?? new Map<number, number>())]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}:${n}`)
          .join(' ');
      const pct = (n: number) => `${((100 * n) / Math.max(total, 1)).toFixed(1)} %`;
      const lines = [
        `${title}: ${total} requests; ${validated} (${pct(validated)}) reached validation, ${reached} (${pct(reached)}) a handler`,
      ];
      for (const t of targets) {
        const v = verbs.get(t.key);
        const route = t.pattern ? `${t.verb.http} /${t.pattern.join('/')}` : `-w ${t.key}`;
        lines.push(
          `  ${route.padEnd(48)} ${t.key.padEnd(22)} handler ${String(v?.reached ?? 0).padStart(5)}  ${fmt(v?.statuses)}`,
        );
      }
      lines.push('  by mutation:');
      for (const [name, m] of [...mutations].sort()) lines.push(`    ${name.padEnd(22)} ${fmt(m)}`);
      return `${lines.join('\n')}\n`;
    },
  };
}
