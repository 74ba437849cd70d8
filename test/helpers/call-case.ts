/**
 * One contract case through one front end: `-w` (the dispatcher in-process) or REST (an Express
 * app, whichever invoke it was built with). The only place that knows how each front end is
 * called, so a change to the dispatcher's or the router's API is adapted here.
 */
import request from 'supertest';
import { allSlices } from '../../slices/index.js';
import { dispatchArgv } from '../../lib/verbs/dispatch.js';
import { translateToHttp } from '../../lib/verbs/translate-http.js';
import { inWords, restPath, webArgv, type Case } from './cases.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { HttpMethod } from '../../lib/verbs/spec.js';
import type { testApp } from './app.js';

/** How a case is called: `-w` over deps, or REST against an app. */
export type FrontEnd =
  { kind: 'web'; deps: Deps } | { kind: 'rest'; deps: Deps; app: ReturnType<typeof testApp> };

/** What came back. */
export interface Answer {
  status: number;
  body: string;
}

/** True when the front end serves the case's verb at all (REST leaves CLI-only verbs out). */
export function serves(kind: FrontEnd['kind'], c: Case): boolean {
  return kind === 'web' || (c.verb.http !== null && c.slice.http !== false);
}

/** Calls a case's verb with its input through `via` (positionals in the words or the path). */
export async function callCase(via: FrontEnd, c: Case): Promise<Answer> {
  const registry = allSlices(via.deps.catalog);
  if (via.kind === 'web') {
    const { words, json } = webArgv(c);
    const outcome = await dispatchArgv(via.deps, registry, [...words, JSON.stringify(json)], { mode: 'web' });
    const wire = await translateToHttp(outcome, via.deps);
    return { status: wire.status, body: wire.body };
  }
  const parts = restPath(registry, c);
  if (!parts) throw new Error(`${c.title}: no REST path`);
  const json = Object.fromEntries(Object.entries(c.input).filter(([k]) => !inWords(c).has(k)));
  const url = `/razor/api/${parts.map(encodeURIComponent).join('/')}`;
  const method = c.verb.http as HttpMethod;
  const agent = request(via.app);
  const res =
    method === 'GET' || method === 'DELETE'
      ? await agent[method === 'GET' ? 'get' : 'delete'](url).query({ json_hash: JSON.stringify(json) })
      : await agent[method === 'POST' ? 'post' : 'put'](url).send(json);
  return { status: res.status, body: res.text };
}
