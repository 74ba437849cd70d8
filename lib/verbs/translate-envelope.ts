/**
 * Translator 1 of 3 (ADR 0021): a RazorError as the `-w` JSON error envelope, exactly the original's
 * shape `{std_err_code, err_class, result, http_err_code, slice, command}`. `razor -w` prints it and
 * the HTTP translator sends it; nothing else builds one.
 */
import { ERRORS, type RazorError } from '../errors.js';
import { sliceClass } from './envelope.js';
import { safeJson } from './safe-json.js';

/**
 * The error envelope as JSON text, for the slice and envelope `command` the error concerns when
 * known (terminal controls `\u`-escaped: a message may quote input).
 */
export function translateToEnvelope(err: RazorError, slice?: string, command?: string): string {
  const row = ERRORS[err.kind];
  return safeJson({
    std_err_code: row.code,
    err_class: `ProjectRazor::Error::Slice::${err.kind}`,
    result: err.message,
    http_err_code: row.http,
    slice: slice ? sliceClass(slice) : 'ProjectRazor::Slice',
    command: command ?? 'null',
  });
}
