/**
 * `razor config` when the configuration cannot be loaded (issue 15): the error is shown as for any
 * command, and the known keys with their defaults still follow, so the way out is on the screen.
 */
import { CONFIG_DEFAULTS } from '../config-keys.js';

/** Words after `config` that ask for the configuration table (its `read` verb and that verb's forms). */
const READ = new Set(['read', 'default', 'get']);

/** Whether a call (the words after the switches) asks to read the configuration. */
export function readsConfig(rest: readonly string[]): boolean {
  const [slice, verb] = rest;
  return slice === 'config' && (verb === undefined || verb.startsWith('-') || READ.has(verb));
}

/** The known configuration keys and their defaults, as text for a person. */
export function knownKeysText(): string {
  const keys = Object.entries(CONFIG_DEFAULTS).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...keys.map(([k]) => k.length));
  const lines = keys.map(([k, v]) => `  ${k.padEnd(width)}  ${v === '' ? '(derived or empty)' : String(v)}`);
  return [
    'The configuration file above is bad; these are the keys it may set, with their defaults:',
    ...lines,
    '',
  ].join('\n');
}
