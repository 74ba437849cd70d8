/** The sample command line of a verb, for its --help and docs/cli.md. */
import type { SliceSpec, VerbSpec } from '../verbs/spec.js';

/** A sample command line for a verb, built from its declared sample input. */
export function exampleCommand(slice: SliceSpec, verb: VerbSpec): string | undefined {
  if (!verb.sample || verb.human === false) return undefined;
  const sample = verb.sample;
  const show = (v: unknown) => {
    const s = typeof v === 'string' ? v.replace(/^\{(\w+?)\d?\}$/, '<$1-uuid>') : JSON.stringify(v);
    return /[\s"'{}[\]*$&|;<>()]/.test(s) && !/^<[\w-]+>$/.test(s) ? `'${s}'` : s;
  };
  const parts = ['razor', slice.name, ...verb.name.split(' ')];
  for (const p of verb.positional ?? []) if (sample[p] !== undefined) parts.push(show(sample[p]));
  for (const [k, v] of Object.entries(sample)) {
    const f = verb.fields[k];
    if (!f || verb.positional?.includes(k)) continue;
    const option = f.short ? `-${f.short}` : `--${k.replace(/_/g, '-')}`;
    // A flag takes no value: it is there (true) or not.
    if (f.flag) {
      if (v === true || v === 'true') parts.push(option);
      continue;
    }
    parts.push(option, show(v));
  }
  return parts.join(' ');
}
