/**
 * JSON for output that may end on a terminal (`razor -w`, REST answers read with curl). The text
 * parses back to exactly the same values; JSON.stringify already escapes C0 controls, and this also
 * writes DEL, the C1 controls (U+0080–U+009F) and the bidirectional and line-separator characters
 * as `\uXXXX`, which JSON.stringify leaves raw for a terminal to act on.
 */

// Outside strings JSON text is ASCII punctuation, digits, words and spaces: a match is always
// inside a string, where `\uXXXX` stands for the same character.
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON.stringify(value), with the characters above escaped. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(RAW_IN_JSON, unicodeEscape);
}
