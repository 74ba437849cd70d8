/** The `log` slice (CLI only): read the daemon's log, filtered (reference §1.12). */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { RazorError } from '../lib/errors.js';
import { field } from '../lib/verbs/fields.js';
import { followField } from '../lib/verbs/follow-field.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const MAX_READ = 8 * 1024 * 1024;

/** The log file of a razor home. */
export const logFile = (home: string) => join(home, 'log', 'razor.log');

async function readTail(file: string): Promise<string[]> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - MAX_READ);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n').filter(Boolean);
    return start > 0 ? lines.slice(1) : lines;
  } finally {
    await fh.close();
  }
}

function regex(text: unknown, what: string): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(String(text), 'i');
  } catch (err) {
    throw new RazorError('InputError', `${what}: bad regular expression: ${(err as Error).message}`);
  }
}

/** The log slice. */
export const logSlice = defineSlice({
  name: 'log',
  summary: "Read razor's log ($RAZOR_HOME/log/razor.log), filtered",
  http: false,
  table: columns({
    Time: 'time',
    Level: 'level',
    Request: (o) => o.req_id ?? '',
    Who: (o) => o.who ?? '',
    Message: 'msg',
  }),
  verbs: [
    defineVerb({
      name: 'show',
      command: 'get_razor_log',
      summary: 'Show log entries, newest last',
      fields: {
        tail: field.int({
          help: 'Show at most this many entries (after filtering)',
          short: 't',
          min: 1,
          default: 50,
        }),
        log_level: field.string({
          help: 'Only levels matching this regular expression, e.g. warn|error',
          short: 'l',
        }),
        log_message: field.string({ help: 'Only messages matching this regular expression', short: 'g' }),
        audit: field.bool({
          help: 'Only admin changes: who (which token), what, when',
          short: 'a',
          flag: true,
        }),
        elapsed_time: field.string({
          help: 'Only entries newer than this, e.g. 90s, 15m, 2h, 1d',
          short: 'e',
          pattern: /^\d+[smhd]?$/,
          patternHelp: 'must be a number with an optional unit s, m, h or d (e.g. 15m)',
        }),
        follow: followField,
      },
      followEvents: () => ({}),
      forms: ['', 'default'],
      success: 'ok',
      http: null,
      view: 'table',
      sample: { tail: 10, log_level: 'info', log_message: 'POST', elapsed_time: '1d', audit: 'true' },
      moreSamples: [{ follow: 'false' }],
      handler: async (input, ctx) => {
        const level = regex(input.log_level, '--log-level');
        const message = regex(input.log_message, '--log-message');
        let since = 0;
        // The field's pattern has checked the form: a number and perhaps a unit.
        const elapsed = input.elapsed_time && /^(\d+)([smhd]?)$/.exec(input.elapsed_time);
        if (elapsed)
          since = ctx.clock().getTime() - Number(elapsed[1]) * (UNITS[elapsed[2] || 's'] ?? 1) * 1000;
        const rows = [];
        for (const line of await readTail(logFile(ctx.config.home))) {
          let e: Record<string, unknown>;
          try {
            e = JSON.parse(line);
          } catch {
            continue;
          }
          const row = {
            time: new Date(Number(e.time)).toISOString(),
            level: LEVELS[Number(e.level)] ?? String(e.level),
            req_id: e.req_id as string | undefined,
            who: e.who as string | undefined,
            msg: e.method
              ? `${String(e.method)} ${String(e.url)} → ${String(e.status)}`
              : String(e.msg ?? ''),
          };
          if (input.audit && e.audit !== true) continue;
          if (level && !level.test(row.level)) continue;
          if (message && !message.test(row.msg)) continue;
          if (Number(e.time) < since) continue;
          rows.push(row);
        }
        return rows.slice(-input.tail);
      },
    }),
  ],
});
