/**
 * Global switches anywhere on the command line (ADR 0030): `-v`/`--verbose`, `-d`/`--debug`,
 * `-n`/`--no-color`, `-h`/`--help` after the slice and verb as well as before them, and `-w`
 * anywhere. A verb's own flag of the same name wins (`image add -v 1` is its version, `broker add
 * -d` its description); the long forms are always global there.
 */
import type { VerbSpec } from '../verbs/spec.js';

/** The switches that may be lifted out of a verb's options. */
export interface Lifted {
  verbose: boolean;
  debug: boolean;
  noColor: boolean;
  help: boolean;
}

type Key = keyof Lifted;

const SHORT: Readonly<Record<string, Key>> = { v: 'verbose', d: 'debug', n: 'noColor', h: 'help' };
const LONG: Readonly<Record<string, Key>> = {
  '--verbose': 'verbose',
  '--debug': 'debug',
  '--no-color': 'noColor',
  '--help': 'help',
};

/** A verb's own option spellings: short letters, long names, and those that take a value. */
function declared(verb: VerbSpec | undefined) {
  const shorts = new Set<string>();
  const longs = new Set<string>();
  const valued = new Set<string>();
  const positional = verb?.positional ?? [];
  for (const [name, f] of Object.entries(verb?.fields ?? {})) {
    if (positional.includes(name)) continue;
    const spellings = [name, ...(f.aliases ?? [])].map((n) => `--${n.replace(/_/g, '-')}`);
    if (f.short) spellings.push(`-${f.short}`);
    for (const s of spellings) (s.startsWith('--') ? longs : shorts).add(s);
    if (!f.flag) for (const s of spellings) valued.add(s);
  }
  return { shorts, longs, valued };
}

/**
 * Takes the global switches out of a verb's options (`verb` undefined: none is declared). Values
 * of the verb's own options and everything after `--` are left alone.
 */
export function liftSwitches(
  options: readonly string[],
  verb: VerbSpec | undefined,
): { lifted: Lifted; options: string[] } {
  const lifted: Lifted = { verbose: false, debug: false, noColor: false, help: false };
  const own = declared(verb);
  const kept: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const a = options[i] as string;
    if (a === '--') {
      kept.push(...options.slice(i));
      break;
    }
    const long = LONG[a];
    const letters = /^-[a-zA-Z]+$/.test(a) ? [...a.slice(1)] : [];
    const shorts = letters.map((c) => (own.shorts.has(`-${c}`) ? undefined : SHORT[c]));
    if (long && !own.longs.has(a)) lifted[long] = true;
    else if (shorts.length > 0 && shorts.every((k) => k !== undefined))
      for (const k of shorts) lifted[k as Key] = true;
    else {
      kept.push(a);
      if (own.valued.has(a) && i + 1 < options.length) kept.push(options[++i] as string);
    }
  }
  return { lifted, options: kept };
}

/**
 * `-w`/`--webcommand` after the slice (no verb declares `-w`), and in `-w` mode every global
 * switch after the slice (`-w` calls carry words and one JSON argument, never options).
 */
export function liftWeb(
  rest: readonly string[],
  leading: boolean,
): { web: boolean; debug: boolean; rest: string[] } {
  const web = leading || rest.some((a) => a === '-w' || a === '--webcommand');
  if (!web) return { web, debug: false, rest: [...rest] };
  const global = /^(-[wndvh]+|--(webcommand|verbose|debug|no-color|help))$/;
  const debug = rest.some((a) => a === '--debug' || (/^-[wndvh]+$/.test(a) && a.includes('d')));
  return { web, debug, rest: rest.filter((a) => !global.test(a)) };
}
