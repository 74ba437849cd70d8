/**
 * Config file errors that point at the fix: an unknown key names the closest known key and shows
 * its line; a YAML syntax error shows the line it is on (not YAML's dangling "column 11:").
 */
import { readFileSync } from 'node:fs';
import { RazorError } from './errors.js';
import { closestWord } from './closest-word.js';

/** The 1-based line of `text` where `key` is written as a mapping key, with that line. */
function keyLine(text: string, key: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => {
    const m = /^\s*(["']?)(.*?)\1\s*:/.exec(l);
    return m !== null && m[2] === key;
  });
  return i === -1 ? undefined : `line ${i + 1}: ${(lines[i] as string).trim()}`;
}

/** The error for a key config.yaml sets that razor does not know. */
export function unknownKeyError(file: string, key: string, known: Iterable<string>): RazorError {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // The file was read a moment ago; without it the message just has no line.
  }
  const near = closestWord(key, known);
  const where = keyLine(text, key);
  const hint = near ? ` — did you mean '${near}'?` : "; 'razor config' lists the known keys";
  return new RazorError('InputError', `${file}: unknown key '${key}'${hint}${where ? ` (${where})` : ''}`);
}

/** The error for config.yaml text that YAML cannot parse: the reason and the line it is on. */
export function yamlSyntaxError(file: string, text: string, err: unknown): RazorError {
  const e = err as Error & { linePos?: { line: number; col: number }[] };
  const reason = e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? e.message;
  const pos = e.linePos?.[0];
  const lines = text.split(/\r?\n/);
  let where = '';
  if (pos) {
    // YAML may point past the last line (an unclosed bracket): show the last line written instead.
    let n = Math.min(pos.line, lines.length);
    while (n > 1 && (lines[n - 1] ?? '').trim() === '') n--;
    const column = n === pos.line ? `, column ${pos.col}` : '';
    where = ` (line ${n}${column}: ${(lines[n - 1] ?? '').trim()})`;
  }
  return new RazorError('InputError', `${file} is not valid YAML: ${reason}${where}`);
}
