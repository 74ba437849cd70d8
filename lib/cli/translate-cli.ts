/**
 * Translator 3 of 3 (ADR 0021): a RazorError as what the razor CLI shows — the exit status of its
 * family and the message (escaped: messages quote input), naming the command it concerns. (`-w`
 * prints the envelope instead and exits with the same status.)
 */
import { ERRORS, type RazorError } from '../errors.js';
import { EXIT } from './switches.js';
import { escapeUnsafe } from './terminal-text.js';

/** Which command failed: `policy add`, `daemon`, or none (start-up of any command). */
export interface CliWhere {
  /** The slice and verb words, e.g. `policy add`: the message names it and points at its help. */
  readonly command?: string;
  /** The daemon could not start: always a usage error (2), whatever the kind. */
  readonly starting?: boolean;
}

/** The CLI's answer to an error: exit status, the message line, and a hint line when there is one. */
export interface CliFailure {
  readonly exit: number;
  readonly message: string;
  readonly hint?: string;
}

/** The exit status for an error kind's HTTP-style status. */
function exitFor(http: number): number {
  if (http === 404) return EXIT.notFound;
  if (http === 403 || http === 405) return EXIT.refused;
  if (http === 503) return EXIT.unavailable;
  if (http >= 500) return EXIT.internal;
  return EXIT.usage;
}

/** The exit status, message and hint for `err` (the caller colours and writes them). */
export function translateToCli(err: RazorError, where: CliWhere = {}): CliFailure {
  const exit = where.starting ? EXIT.usage : exitFor(ERRORS[err.kind].http);
  const message = `razor${where.command ? ` ${where.command}` : ''}: ${escapeUnsafe(err.message)}`;
  if (!where.command || where.starting) return { exit, message };
  return { exit, message, hint: `(see 'razor ${where.command} --help')` };
}
