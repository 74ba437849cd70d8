/**
 * The `-w` JSON success envelope, exactly the original's shape
 * `{resource, command, result, http_err_code, errcode: 0, response}`. (The error envelope is a
 * translation of a RazorError: lib/verbs/translate-envelope.ts.)
 */
import { SUCCESS, type SliceSpec, type SuccessType, type VerbSpec } from './spec.js';

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

/** The envelope `command` of a verb: its own, or `<verb>_<slice>`. */
export function commandName(slice: SliceSpec, verb: VerbSpec): string {
  return verb.command ?? `${verb.name.replace(/ /g, '_')}_${slice.name}`;
}
