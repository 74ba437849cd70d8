/**
 * The operator's manual (docs/manual/*.md) as the command test reads it: every fenced block, and
 * the commands of its ```console blocks — `$ ` lines, each followed by the output it shows. Lines
 * the runner could not run are errors here, never skipped (see test/integration/manual-commands.test.ts
 * for the conventions).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './deps.js';

/** The manual's folder. */
export const MANUAL = join(ROOT, 'docs', 'manual');

/** One fenced code block: its info string, first line number (1-based) and lines (indent removed). */
export interface Fence {
  info: string;
  line: number;
  lines: string[];
}

/** One `$ ` line of a console block and the output shown after it. */
export interface ManualCommand {
  /** `<file>:<line>`, for messages. */
  where: string;
  command: string;
  /** The exit status the doc states with a trailing `# exit status N` (default 0). */
  status: number;
  /** Output lines shown after the command (`...` elides lines, `<name>` stands for any text). */
  expected: string[];
}

/** The manual's chapters (file names), sorted. */
export const chapters = (): string[] =>
  readdirSync(MANUAL)
    .filter((f) => f.endsWith('.md'))
    .sort();

/** Every fenced block of a Markdown text (``` or ~~~ fences, possibly indented in a list). */
export function fences(text: string): Fence[] {
  const out: Fence[] = [];
  let open: (Fence & { indent: number; marker: string }) | undefined;
  text.split('\n').forEach((raw, i) => {
    const m = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*$/.exec(raw);
    const indent = (m?.[1] ?? '').length;
    if (open) {
      if (m && m[2] === open.marker && m[3] === '' && indent <= open.indent) {
        out.push({ info: open.info, line: open.line, lines: open.lines });
        open = undefined;
      } else open.lines.push(raw.slice(Math.min(open.indent, raw.length - raw.trimStart().length)));
    } else if (m) open = { info: m[3] as string, line: i + 1, lines: [], indent, marker: m[2] as string };
  });
  if (open) throw new Error(`an unclosed code fence at line ${open.line}`);
  return out;
}

const STATUS = /\s#\s*exit status (\d+)\s*$/;

/** Why a command line cannot be run one line at a time, if it cannot. */
function unrunnable(command: string): string | undefined {
  if (/\\$/.test(command)) return 'a continued line (trailing \\) is not run: write it on one line';
  if (/<<-?\s*['"]?\w/.test(command)) return 'a here-document needs more lines than the command line';
  if (command.trim() === '') return 'an empty command';
  return undefined;
}

/** The commands of one chapter, in order; throws on anything in a console block that would not run. */
export function chapterCommands(
  file: string,
  text = readFileSync(join(MANUAL, file), 'utf8'),
): ManualCommand[] {
  const commands: ManualCommand[] = [];
  for (const fence of fences(text)) {
    const at = (k: number) => `${file}:${fence.line + 1 + k}`;
    if (fence.info !== 'console') {
      const dollar = fence.lines.findIndex((l) => l.startsWith('$ '));
      if (dollar >= 0)
        throw new Error(
          `${at(dollar)}: a '$ ' line in a \`\`\`${fence.info || '(untagged)'} block is never run`,
        );
      continue;
    }
    let current: ManualCommand | undefined;
    fence.lines.forEach((line, k) => {
      if (line.startsWith('$ ')) {
        const command = line.slice(2);
        const why = unrunnable(command);
        if (why) throw new Error(`${at(k)}: ${why}`);
        const status = Number(STATUS.exec(command)?.[1] ?? 0);
        current = { where: at(k), command, status, expected: [] };
        commands.push(current);
      } else if (!current) {
        if (line.trim() !== '') throw new Error(`${at(k)}: text before the first '$ ' line is not run`);
      } else current.expected.push(line);
    });
    if (!current) throw new Error(`${file}:${fence.line}: a console block without a '$ ' line`);
  }
  for (const c of commands) while (c.expected.at(-1)?.trim() === '') c.expected.pop();
  return commands;
}

/** A shown output line as a whole-line pattern: `<name>` placeholders match any text. */
function linePattern(shown: string): RegExp {
  const parts = shown.trimEnd().split(/(<[a-z][\w -]*>)/);
  const body = parts.map((p, i) => (i % 2 === 1 ? '.+?' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/**
 * Checks shown output against real output lines: runs of shown lines (split at `...` lines) must
 * each appear as consecutive real lines, in order. Returns undefined, or the first run not found.
 */
export function outputMismatch(shown: readonly string[], actual: readonly string[]): string | undefined {
  const real = actual.map((l) => l.trimEnd());
  const runs: string[][] = [[]];
  for (const l of shown) {
    if (l.trim() === '...') runs.push([]);
    else (runs.at(-1) as string[]).push(l);
  }
  let from = 0;
  for (const run of runs.filter((r) => r.length > 0)) {
    const patterns = run.map(linePattern);
    let found = -1;
    for (let i = from; i + patterns.length <= real.length && found < 0; i++)
      if (patterns.every((p, k) => p.test(real[i + k] as string))) found = i;
    if (found < 0) return run.join('\n');
    from = found + patterns.length;
  }
  return undefined;
}
