/**
 * The one error type of razor and its table of codes. The codes and HTTP statuses are the
 * original Project Razor's (`lib/project_razor/error/slice.rb`), so `-w` clients keep working.
 * A RazorError becomes output in exactly three places (ADR 0021), the only readers of the table's
 * rows: lib/verbs/translate-envelope.ts (the `-w` envelope), lib/verbs/translate-http.ts (the HTTP
 * response) and lib/cli/translate-cli.ts (the CLI's exit status and message).
 */

/** One row of the error table: the original's std_err_code and the HTTP status it maps to. */
export interface ErrorKindInfo {
  readonly code: number;
  readonly http: number;
}

/** Every error kind razor can report, keyed by the original class name. */
export const ERRORS = {
  Generic: { code: 1, http: 403 },
  InputError: { code: 111, http: 400 },
  InvalidPlugin: { code: 112, http: 400 },
  InvalidTemplate: { code: 113, http: 400 },
  MissingArgument: { code: 114, http: 400 },
  InvalidCommand: { code: 115, http: 400 },
  InvalidUUID: { code: 116, http: 400 },
  MissingMK: { code: 117, http: 400 },
  // A REST path element razor refuses (`..`, controls, `-V`): 404, as the original api.js answered.
  InvalidPathItem: { code: 118, http: 404 },
  InvalidImageFilePath: { code: 119, http: 400 },
  CommandFailed: { code: 120, http: 400 },
  InvalidImageType: { code: 121, http: 400 },
  SliceCommandParsingFailed: { code: 122, http: 404 },
  NotFound: { code: 123, http: 404 },
  CouldNotRegisterNode: { code: 124, http: 404 },
  CouldNotCreate: { code: 125, http: 403 },
  CouldNotUpdate: { code: 126, http: 403 },
  CouldNotRemove: { code: 127, http: 403 },
  MethodNotAllowed: { code: 128, http: 405 },
  InternalError: { code: 131, http: 500 },
  StoreUnavailable: { code: 132, http: 503 },
  NotImplemented: { code: 141, http: 403 },
  InvalidModelTemplate: { code: 150, http: 400 },
  UserCancelled: { code: 151, http: 400 },
  MissingModelMetadata: { code: 152, http: 400 },
  InvalidModelMetadata: { code: 153, http: 400 },
  InvalidPolicyTemplate: { code: 154, http: 400 },
  InvalidModel: { code: 155, http: 400 },
  MissingTags: { code: 156, http: 400 },
  NoCallbackFound: { code: 157, http: 400 },
  MissingActiveModelUUID: { code: 158, http: 400 },
  MissingCallbackNamespace: { code: 159, http: 400 },
  ActiveModelInvalid: { code: 160, http: 400 },
  InvalidMaximumCount: { code: 161, http: 400 },
  MissingBrokerMetadata: { code: 162, http: 400 },
  InvalidBrokerMetadata: { code: 163, http: 400 },
  InvalidSlice: { code: 164, http: 404 },
  Unauthorized: { code: 165, http: 401 },
  TooManyRequests: { code: 166, http: 429 },
  UriTooLong: { code: 167, http: 414 },
  Forbidden: { code: 168, http: 403 },
  PayloadTooLarge: { code: 169, http: 413 },
  // A destructive verb (remove all) called without a terminal to ask at and without `yes`.
  ConfirmationRequired: { code: 170, http: 400 },
} as const satisfies Record<string, ErrorKindInfo>;

/** The name of an error kind, e.g. `NotFound`. */
export type ErrorKind = keyof typeof ERRORS;

/** The only error razor throws on purpose; everything else is reported as InternalError. */
export class RazorError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.name = kind;
    this.kind = kind;
  }
}

/** Is `k` the name of an error kind (a remote daemon's envelope names one)? */
export const isErrorKind = (k: string): k is ErrorKind => Object.hasOwn(ERRORS, k);

/** Turns anything thrown into a RazorError; unknown errors become InternalError without their stack. */
export function asRazorError(err: unknown): RazorError {
  if (err instanceof RazorError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new RazorError('InternalError', `internal error: ${text}`);
}

/** Shorthand constructor used across slices: `fail('NotFound', 'no policy abc')`. */
export function fail(kind: ErrorKind, message: string): RazorError {
  return new RazorError(kind, message);
}
