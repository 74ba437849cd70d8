/**
 * UUID references in a verb's input: each field that names an object of another collection by a
 * (unique part of a) UUID is replaced by the full UUID, or the call fails with NotFound or
 * InvalidUUID before its handler runs.
 */
import { RazorError } from '../errors.js';
import type { Deps } from './context.js';
import type { VerbInput, VerbSpec } from './spec.js';

/** Resolves the reference fields of `input` in place, in one store read. */
export async function resolveRefs(deps: Deps, verb: VerbSpec, input: VerbInput): Promise<void> {
  const refs = Object.entries(verb.fields).filter(
    ([k, f]) =>
      f.kind === 'uuid' && f.ref !== undefined && typeof input[k] === 'string' && input[k] !== f.none,
  );
  if (refs.length === 0) return;
  await deps.store.read(async (r) => {
    for (const [key, f] of refs) {
      const fragment = input[key] as string;
      const coll = f.ref;
      if (!coll) continue;
      // Secrets are served only through a node's own full, unguessable UUID: no fragments there.
      const found = f.exact
        ? (await r.get(coll, fragment))
          ? [fragment]
          : []
        : await r.matchUuid(coll, fragment);
      if (found.length === 0) throw new RazorError('NotFound', `Not found: no ${coll} matches '${fragment}'`);
      if (found.length > 1) {
        const list = found.slice(0, 10).join(', ') + (found.length > 10 ? ', …' : '');
        throw new RazorError(
          'InvalidUUID',
          `'${fragment}' matches ${found.length} ${coll} objects (${list}); give more of the UUID`,
        );
      }
      input[key] = found[0];
    }
  });
}
