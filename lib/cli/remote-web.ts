/**
 * `razor --url … -w <slice> <words…> [json]`: the `-w` call routed here as locally, sent to the
 * daemon by the verb's declared route (remote-call.ts), and the daemon's body printed as it came —
 * the very envelope a local `-w` prints — with the exit status of the error it carries.
 */
import { RazorError, asRazorError } from '../errors.js';
import { callInput } from '../verbs/input.js';
import { routeCall } from '../verbs/route-call.js';
import { translateToHttp } from '../verbs/translate-http.js';
import { replyError, restRequestFor, sendRest } from './remote-call.js';
import { translateToCli } from './translate-cli.js';
import { EXIT } from './switches.js';
import type { RemoteRequest } from './remote-request.js';
import type { SliceRegistry } from '../verbs/spec.js';

/** What a remote `-w` run needs. */
export interface RemoteWebRun {
  registry: SliceRegistry;
  args: readonly string[];
  request: RemoteRequest;
  stdout: NodeJS.WritableStream;
}

const looksLikeJson = (s: string | undefined) => s !== undefined && (/^\s*[{[]/.test(s) || s === 'null');

/** Runs one `-w` call on the daemon and returns the exit status. */
export async function runRemoteWeb(o: RemoteWebRun): Promise<number> {
  const words = [...o.args];
  const json = looksLikeJson(words[words.length - 1]) ? (words.pop() as string) : '{}';
  const routed = routeCall(o.registry, words);
  const { slice, route } = routed;
  let error: RazorError | undefined = routed.error;
  if (slice && route && !error) {
    try {
      const reply = await sendRest(o.request, restRequestFor(slice, route.verb, callInput(route, json)));
      o.stdout.write(`${reply.body}\n`);
      const failed = replyError(reply);
      return failed ? translateToCli(failed).exit : EXIT.ok;
    } catch (err) {
      error = asRazorError(err);
    }
  }
  const failure = error ?? new RazorError('InvalidSlice', 'no slice named');
  const wire = await translateToHttp({ slice, verb: route?.verb, error: failure });
  o.stdout.write(`${wire.body}\n`);
  return translateToCli(failure).exit;
}
