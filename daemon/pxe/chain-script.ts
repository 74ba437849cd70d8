/** razor.ipxe for the TFTP server: the very text `razor config ipxe` prints, rendered per request. */
import { dispatchRouted, routeCall } from '../../lib/verbs/dispatch.js';
import { asRazorError } from '../../lib/errors.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { SliceRegistry } from '../../lib/verbs/spec.js';

/** A renderer of razor.ipxe through the `config ipxe` verb. */
export function chainScript(deps: Deps, registry: SliceRegistry): () => Promise<string> {
  return async () => {
    const out = await dispatchRouted(deps, routeCall(registry, ['config', 'ipxe']), '{}', { mode: 'web' });
    if (out.error) throw asRazorError(out.error);
    return String(out.answer ?? '');
  };
}
