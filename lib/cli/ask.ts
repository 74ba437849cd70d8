/** A yes/no question at the terminal, for destructive verbs (lib/verbs/confirm.ts). */
import { createInterface } from 'node:readline/promises';
import { terminalSafe } from './terminal-text.js';
import type { Ask } from '../verbs/confirm.js';

/** Asks on `output`, reads one line from `input`: `y` or `yes` (any case) is yes, all else no. */
export function terminalAsk(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Ask {
  return async (question) => {
    const rl = createInterface({ input, output, terminal: true });
    try {
      return /^\s*y(es)?\s*$/i.test(await rl.question(terminalSafe(question)));
    } finally {
      rl.close();
    }
  };
}
