/**
 * Human output: a coloured table for lists, `Header => value` blocks for single objects, `< none >`
 * when empty. Colour only when wanted (no `-n`, no NO_COLOR, stdout a terminal). Every answer is
 * escaped (terminal-text.ts) before any view reads it: data never acts on the terminal.
 */
import { Chalk } from 'chalk';
import { escapeUnsafeDeep, escapeUnsafeKeepLines } from './terminal-text.js';
import { fitWidths, textWidth, wordWidth, wrapCell } from './fit-table.js';
import { drawTable } from './draw-table.js';
import type { Column, SliceSpec, VerbSpec } from '../verbs/spec.js';

/** Output options from the global switches. */
export interface RenderOptions {
  color: boolean;
  verbose: boolean;
  /** The terminal's width: tables wider than this are fitted to it (fit-table.ts). */
  width?: number;
}

type Row = Record<string, unknown>;

/**
 * JSON of a nested value whose strings are already escaped: their `\x1b` shows as is, not as
 * JSON's `\\x1b`.
 */
const nestedText = (x: unknown) => JSON.stringify(x).replace(/\\\\/g, '\\');

/** Formats one (escaped) value for a cell. */
export function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(cell).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v as Row)
      .map(([k, x]) => `${k}=${typeof x === 'object' && x !== null ? nestedText(x) : String(x)}`)
      .join('\n');
  }
  return String(v);
}

/** A column's text for a row; a getter that does not fit the row shows nothing rather than failing. */
function safeCell(c: Column, r: Row): string {
  try {
    return cell(c.value(r));
  } catch {
    return '';
  }
}

const keyColumns = (rows: Row[]): Column[] =>
  [...new Set(rows.flatMap((r) => Object.keys(r)))].map((k) => ({ header: k, value: (o: Row) => o[k] }));

function table(rows: Row[], columns: readonly Column[], o: RenderOptions): string {
  const chalk = new Chalk({ level: o.color ? 1 : 0 });
  const cells = rows.map((r) => columns.map((c) => safeCell(c, r)));
  const natural = columns.map((c, i) =>
    Math.max(textWidth(c.header), ...cells.map((r) => textWidth(r[i] ?? ''))),
  );
  const words = columns.map((_c, i) => Math.max(...cells.map((r) => wordWidth(r[i] ?? ''))));
  const widths = o.width === undefined ? undefined : fitWidths(natural, words, o.width);
  const fit = (text: string, i: number) => (widths ? wrapCell(text, widths[i] as number) : text);
  return drawTable(
    columns.map((c, i) => chalk.bold.cyan(fit(c.header, i))),
    cells.map((r) => r.map(fit)),
    widths,
  );
}

function item(obj: Row, columns: readonly Column[], o: RenderOptions): string {
  const chalk = new Chalk({ level: o.color ? 1 : 0 });
  const width = Math.max(...columns.map((c) => c.header.length));
  return columns
    .filter((c) => !c.optional || safeCell(c, obj) !== '')
    .map((c) => {
      const value = safeCell(c, obj).replace(/\n/g, `\n${' '.repeat(width + 7)}`);
      return `  ${chalk.bold(c.header.padEnd(width))} =>  ${value || '< none >'}`;
    })
    .join('\n');
}

/** Renders a verb's answer for a person at a terminal; control characters in it are shown escaped. */
export function renderHuman(slice: SliceSpec, verb: VerbSpec, raw: unknown, o: RenderOptions): string {
  // Text answers (scripts) keep their lines; in everything else a newline is data, shown as `\n`.
  if (typeof raw === 'string') return escapeUnsafeKeepLines(raw);
  const answer = escapeUnsafeDeep(raw);
  const rows: Row[] = (Array.isArray(answer) ? answer : [answer]).filter((r) => r && typeof r === 'object');
  if (rows.length === 0) return '< none >';
  const own = (r: Row) => typeof r.uuid === 'string';
  if (o.verbose) return rows.map((r) => item(r, keyColumns([r]), o)).join('\n\n');
  const asItems =
    verb.view === 'item' || verb.view === 'pairs' || (verb.view !== 'table' && rows.length === 1);
  if (asItems) {
    const columns = (r: Row) =>
      verb.columns ?? (verb.view !== 'pairs' && own(r) && slice.item ? slice.item : keyColumns([r]));
    return rows.map((r) => item(r, columns(r), o)).join('\n\n');
  }
  // The slice's own columns fit its lists and the collection-less slices (config, log).
  const columns =
    verb.columns ?? (slice.table && (verb.filter || !slice.collection) ? slice.table : keyColumns(rows));
  return table(rows, columns, o);
}
