/**
 * Mistyped words: the closest known word to suggest ("did you mean 'add'?"), and whether a word
 * after a slice name is a command (possibly mistyped) or a UUID fragment.
 */
import { UUID_FRAGMENT } from '../verbs/fields.js';

export { closestWord } from '../closest-word.js';

/**
 * Whether a word after a slice name is shaped like a UUID fragment and so names an object, never a
 * command. razor's UUIDs are 22 base62 characters (lib/domain/uuid.ts) and any unique part of one
 * names its object (fields.ts `UUID_FRAGMENT`); the parts operators copy from listings nearly always
 * carry a digit or a capital letter (a random 4-character part is all lower case 3% of the time).
 * So a UUID-shaped fragment is base62 and has a digit or a capital, or is a whole 22-character UUID.
 * A word of lower-case letters (with `-` or `_`) is read as a command word: when it is close to a
 * verb, razor says "did you mean" instead of looking it up. To look such a fragment up, name the
 * verb: `razor policy get ad`.
 */
export function uuidShaped(word: string): boolean {
  return UUID_FRAGMENT.test(word) && (word.length === 22 || /[0-9A-Z]/.test(word));
}

/** A word that reads as a command: lower-case letters, `-` and `_`, not UUID-shaped. */
export function commandShaped(word: string): boolean {
  return /^[a-z][a-z_-]*$/.test(word) && !uuidShaped(word);
}

/** The message for an unknown word with a suggestion: "unknown command 'ad' — did you mean 'add'?". */
export function didYouMean(word: string, suggestion: string): string {
  return `unknown command '${word}' — did you mean '${suggestion}'?`;
}
