/**
 * Warnings a verb gives beside its answer (the thing was done, but probably not as meant): a
 * `warnings` list in the `-w` and REST envelope, lines on stderr for people.
 */
import { Reply } from './envelope.js';

/** The answer with `warnings` in its envelope, or the plain answer when there are none. */
export function withWarnings(response: unknown, warnings: readonly string[]): unknown {
  return warnings.length ? new Reply(response, { warnings }) : response;
}

/** What a person is shown: the response, and the warnings (for stderr). */
export function splitWarnings(answer: unknown): { response: unknown; warnings: string[] } {
  if (!(answer instanceof Reply)) return { response: answer, warnings: [] };
  const w = answer.extra.warnings;
  return { response: answer.response, warnings: Array.isArray(w) ? w.map(String) : [] };
}
