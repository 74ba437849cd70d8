/**
 * Delivering one event to one hook, once: a script run or a URL POSTed to (deliver-script.ts,
 * deliver-url.ts). Retries, order and status are the dispatcher's (daemon/hooks).
 */
import { runHookScript } from './deliver-script.js';
import { postHookUrl } from './deliver-url.js';
import type { DeliveryEnv, DeliveryOutcome, HookEvent } from './delivery-types.js';
import type { HookDoc } from './hook-doc.js';

export type { DeliveryEnv, DeliveryOutcome, HookEvent };

/** A PATH for scripts when the daemon has none. */
export const DEFAULT_HOOK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Delivers `event` to `hook` once. Never throws: a failure is an outcome. */
export async function deliverEvent(
  hook: Pick<HookDoc, 'name' | 'kind' | 'target' | 'timeout' | 'secret'>,
  event: HookEvent,
  env: DeliveryEnv,
): Promise<DeliveryOutcome> {
  const body = JSON.stringify(event);
  try {
    return hook.kind === 'script'
      ? await runHookScript(hook, event, body, env)
      : await postHookUrl(hook, event, body, env.signal);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The synthetic event `razor hook test` delivers. */
export function hookTestEvent(hook: string, now: Date): HookEvent & { at: string; hook: string } {
  return { seq: 0, type: 'hook-test', at: now.toISOString(), hook };
}
