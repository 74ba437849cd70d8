/**
 * A REST request's input: the body parsers (form and JSON, the JSON's nesting checked on its bytes
 * before it is parsed) and the input handed to the invoke — the `json_hash` text, or the query and
 * body fields together. Nothing recursive sees a body before its depth is checked, and a field
 * given in the query and the body with different values is refused rather than one silently winning.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import { RazorError } from '../../lib/errors.js';
import { checkValueDepth, jsonTextTooDeep, tooDeepError } from '../../lib/verbs/json-depth.js';
import { sameValue } from '../../lib/verbs/input.js';
import { repeatedValue } from '../../lib/verbs/repeated-key.js';

/** Reads a request's body (form or JSON; undefined without one); rejects with body-parser's errors. */
export type BodyParser = (req: IncomingMessage, res: ServerResponse) => Promise<unknown>;

/** The body parsers, each limited to `limitBytes`. */
export function bodyParser(limitBytes: number): BodyParser {
  const form = express.urlencoded({ extended: false, limit: limitBytes });
  const json = express.json({
    limit: limitBytes,
    type: ['application/json', 'application/*+json'],
    // JSON.parse takes about a second for a million levels: deep bodies are refused before it runs.
    // (Other charsets are checked after parsing, in requestInput.)
    verify: (_req, _res, bytes, encoding) => {
      if (/^utf-?8$/i.test(encoding) && jsonTextTooDeep(bytes)) throw tooDeepError('the request body');
    },
  });
  // body-parser reads Node's request and sets `body` on it; Express's extras are not needed.
  return (raw, rawRes) => {
    const [req, res] = [raw as Request, rawRes as Response];
    return new Promise<unknown>((resolve, reject) =>
      form(req, res, (err?: unknown) =>
        err
          ? reject(err as Error)
          : json(req, res, (e?: unknown) => (e ? reject(e as Error) : resolve(req.body))),
      ),
    );
  };
}

/**
 * The input of a request: the `json_hash` text (form, query or JSON body), else the fields of the
 * query and the body together. Throws InputError for a body nested too deep or a field given twice
 * with different values.
 */
export function requestInput(
  rawQuery: Record<string, unknown>,
  rawBody: unknown,
): string | Record<string, unknown> {
  const query = singleValued(rawQuery);
  const body = rawBody as Record<string, unknown> | undefined;
  checkValueDepth(body, 'the request body');
  const hash = body?.json_hash ?? query.json_hash;
  if (
    body?.json_hash !== undefined &&
    query.json_hash !== undefined &&
    !sameValue(body.json_hash, query.json_hash)
  )
    throw new RazorError('InputError', "'json_hash' given in both the query and the body; give it once");
  if (typeof hash === 'string') return hash;
  if (hash !== undefined) throw new RazorError('InputError', 'json_hash must be a JSON text');
  if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length > 0) {
    for (const k of Object.keys(body)) {
      if (Object.hasOwn(query, k) && !sameValue(query[k], body[k]))
        throw new RazorError(
          'InputError',
          `'${k}' given in both the query and the body with different values; give it once`,
        );
    }
    return { ...query, ...body };
  }
  return query;
}

/**
 * The query with each key once: a key repeated with one value is that value; repeated with
 * different values it is marked ambiguous, for validation to refuse (lib/verbs/repeated-key.ts).
 */
function singleValued(query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query))
    out[k] = !Array.isArray(v) ? v : v.every((x) => sameValue(x, v[0])) ? v[0] : repeatedValue(v);
  return out;
}
