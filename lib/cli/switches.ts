/** The original's global switches, parsed only from the leading arguments (`razor -w -d policy …`). */

/** Parsed global switches and the arguments after them. */
export interface Switches {
  web: boolean;
  noColor: boolean;
  debug: boolean;
  verbose: boolean;
  version: boolean;
  help: boolean;
  rest: string[];
}

const SWITCHES: Record<string, keyof Omit<Switches, 'rest'>> = {
  '-w': 'web',
  '--webcommand': 'web',
  '-n': 'noColor',
  '--no-color': 'noColor',
  '-d': 'debug',
  '--debug': 'debug',
  '-v': 'verbose',
  '--verbose': 'verbose',
  '-V': 'version',
  '--version': 'version',
  '-h': 'help',
  '--help': 'help',
};

/** Splits leading global switches (combined short forms like `-wd` too) from the rest. */
export function parseSwitches(argv: readonly string[]): Switches | { error: string } {
  const s: Switches = {
    web: false,
    noColor: false,
    debug: false,
    verbose: false,
    version: false,
    help: false,
    rest: [],
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-') || a === '-') break;
    const names = /^-[a-zA-Z]{2,}$/.test(a) ? [...a.slice(1)].map((c) => `-${c}`) : [a];
    for (const n of names) {
      const key = SWITCHES[n];
      if (!key) return { error: `unknown switch '${n}'; razor's switches are -w -n -d -v -V -h` };
      s[key] = true;
    }
  }
  s.rest = argv.slice(i);
  return s;
}

/** Process exit statuses, one per family of error. */
export const EXIT = { ok: 0, internal: 1, usage: 2, notFound: 3, refused: 4, unavailable: 5 } as const;
