/** The message for a slice name razor does not know: a suggestion when one is close, else the list. */
import { escapeUnsafe } from './terminal-text.js';
import { closestWord, didYouMean } from './typos.js';
import type { SliceRegistry } from '../verbs/spec.js';

/** `razor: unknown command 'polcy' — did you mean 'policy'?`, or the slices razor has. */
export function unknownSlice(name: string, registry: SliceRegistry): string {
  const near = closestWord(name, registry.keys());
  if (near) return `razor: ${didYouMean(escapeUnsafe(name), near)}\n(see 'razor --help')`;
  const slices = [...registry.keys()].join(', ');
  return `razor: no slice named '${escapeUnsafe(name)}'; slices: ${slices} (see 'razor --help')`;
}
