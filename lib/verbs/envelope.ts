/**
 * The `-w` JSON envelope, exactly the original's two shapes: success
 * `{resource, command, result, http_err_code, errcode: 0, response}` and error
 * `{std_err_code, err_class, result, http_err_code, slice, command}`.
 */
import { RazorError } from '../errors.js';
import { SUCCESS, type SuccessType } from './spec.js';

/** A handler's answer with extra top-level envelope keys (the Microkernel's `client_config`). */
export class Reply {
  constructor(
    readonly response: unknown,
    readonly extra: Readonly<Record<string, unknown>>,
  ) {}
}

/** The original's class-style slice name: `active_model` → `ProjectRazor::Slice::ActiveModel`. */
export function sliceClass(slice: string): string {
  const camel = slice
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `ProjectRazor::Slice::${camel}`;
}

/** A success envelope. */
export function successEnvelope(slice: string, command: string, type: SuccessType, answer: unknown) {
  const { result, http } = SUCCESS[type];
  const reply = answer instanceof Reply ? answer : new Reply(answer, {});
  return {
    resource: sliceClass(slice),
    command,
    result,
    http_err_code: http,
    errcode: 0,
    response: reply.response ?? null,
    ...reply.extra,
  };
}

/** An error envelope. */
export function errorEnvelope(slice: string | undefined, command: string | undefined, err: RazorError) {
  return {
    std_err_code: err.code,
    err_class: `ProjectRazor::Error::Slice::${err.kind}`,
    result: err.message,
    http_err_code: err.http,
    slice: slice ? sliceClass(slice) : 'ProjectRazor::Slice',
    command: command ?? 'null',
  };
}
