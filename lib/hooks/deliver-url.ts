/**
 * A URL hook's delivery: the event JSON POSTed with `X-Razor-Event`, `X-Razor-Delivery` (its
 * number) and, with a secret, `X-Razor-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
 * A 2xx answer: delivered. Redirects are not followed; the hook's timeout bounds the whole call.
 */
import { createHmac } from 'node:crypto';
import type { DeliveryOutcome, HookEvent } from './delivery-types.js';
import type { HookDoc } from './hook-doc.js';

/** The signature header's value for `body` under `secret`. */
export function hookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Why a fetch failed, in a few words (the cause's code when there is one). */
function fetchFailure(err: Error, timeout: number): string {
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${timeout} s`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

/** POSTs `body` (the JSON of `event`) to `hook.target` once. */
export async function postHookUrl(
  hook: Pick<HookDoc, 'target' | 'timeout' | 'secret'>,
  event: HookEvent,
  body: string,
  stop?: AbortSignal,
): Promise<DeliveryOutcome> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'razor-hooks',
    'x-razor-event': event.type,
    'x-razor-delivery': String(event.seq),
  };
  if (hook.secret) headers['x-razor-signature-256'] = hookSignature(hook.secret, body);
  let res: Response;
  try {
    res = await fetch(hook.target, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(hook.timeout * 1000), ...(stop ? [stop] : [])]),
    });
  } catch (err) {
    return { ok: false, error: `POST ${hook.target}: ${fetchFailure(err as Error, hook.timeout)}` };
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { ok: true };
  return { ok: false, error: `POST ${hook.target}: HTTP ${res.status}` };
}
