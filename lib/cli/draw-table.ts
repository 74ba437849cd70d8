/**
 * Draws razor's tables with cli-table3: `│ a │ b │` boxes without row separators. cli-table3 lays
 * out a table in time that grows with the square of its rows (every cell is checked against every
 * other for spans), so a list of 10,000 nodes took seconds; long tables are drawn in blocks of
 * rows with the whole table's column widths and joined where one block's bottom border meets the
 * next one's top border — the same text as one table.
 */
import { createRequire } from 'node:module';
import Table from 'cli-table3';

// cli-table3's own measure of a cell (colour codes stripped, wide characters counted twice).
const { strlen } = createRequire(import.meta.url)('cli-table3/src/utils.js') as {
  strlen: (text: string) => number;
};

/** Rows per block: few enough that laying one out is quick, many enough that blocks are few. */
export const ROWS_PER_BLOCK = 200;

const STYLE = { head: [], border: [], compact: true };
const CHARS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
/** Padding cli-table3 puts around each cell's text. */
const PADDING = 2;

/** The table's text; `textWidths` fixes each column's text width (else each fits its widest cell). */
export function drawTable(
  head: readonly string[],
  rows: readonly string[][],
  textWidths?: readonly number[],
  rowsPerBlock = ROWS_PER_BLOCK,
): string {
  const draw = (part: readonly string[][], withHead: boolean, colWidths?: number[]) => {
    const t = new Table({
      head: withHead ? [...head] : [],
      style: STYLE,
      chars: CHARS,
      ...(colWidths ? { colWidths } : {}),
    });
    for (const r of part) t.push(r);
    return t.toString();
  };
  const fixed = textWidths?.map((w) => w + PADDING);
  if (rows.length <= rowsPerBlock) return draw(rows, true, fixed);
  const colWidths =
    fixed ??
    head.map((h, i) => {
      let widest = strlen(h);
      for (const r of rows) widest = Math.max(widest, strlen(r[i] ?? ''));
      return widest + PADDING;
    });
  const blocks: string[][] = [];
  for (let i = 0; i < rows.length; i += rowsPerBlock)
    blocks.push(draw(rows.slice(i, i + rowsPerBlock), i === 0, colWidths).split('\n'));
  const last = blocks.length - 1;
  return blocks.flatMap((lines, k) => lines.slice(k === 0 ? 0 : 1, k === last ? undefined : -1)).join('\n');
}
