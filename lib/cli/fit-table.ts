/**
 * Tables that fit the terminal (issue 15): when a table is wider than the terminal, the widest
 * columns are narrowed until it fits and their cells wrap — at spaces, else inside a word — so no
 * text is lost. Pipes and `-w` are never fitted; `-v` shows each object in full as an item block.
 */

/** Columns of a table rendered by cli-table3 as razor draws them: `│ a │ b │`. */
const BORDERS = (columns: number) => 3 * columns + 1;

/** The narrowest a column is made: enough for a short word. */
const MIN_COLUMN = 8;

/** Characters on the longest line of a cell. */
export function textWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => [...l].length));
}

/** Characters of the longest word of a cell: below this a column breaks words, not lines. */
export function wordWidth(text: string): number {
  return Math.max(0, ...text.split(/\s+/).map((w) => [...w].length));
}

/**
 * Column widths (text only, without padding) that fit `total` terminal columns. Each column keeps
 * its longest word whole when the room allows (names and UUIDs stay on one line); beyond that the
 * widest columns are cut to one width. Undefined when the table fits as it is or cannot be fitted.
 */
export function fitWidths(
  natural: readonly number[],
  words: readonly number[],
  total: number,
): number[] | undefined {
  const room = total - BORDERS(natural.length);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  if (sum(natural) <= room || room < MIN_COLUMN * natural.length) return undefined;
  const wholeWords = natural.map((n, i) => Math.min(n, Math.max(MIN_COLUMN, words[i] ?? 0)));
  const floor = sum(wholeWords) <= room ? wholeWords : natural.map((n) => Math.min(n, MIN_COLUMN));
  const at = (cap: number) => natural.map((n, i) => Math.max(floor[i] as number, Math.min(n, cap)));
  // The largest cap that fits, then the columns left over by it go to the cut columns in order.
  let cap = 0;
  while (sum(at(cap + 1)) <= room) cap++;
  const widths = at(cap);
  let spare = room - sum(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    const grow = Math.min(spare, (natural[i] as number) - (widths[i] as number));
    widths[i] = (widths[i] as number) + grow;
    spare -= grow;
  }
  return widths;
}

/** Wraps one line to `width` characters: at spaces when a word fits, inside a longer word otherwise. */
function wrapLine(line: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if ([...candidate].length <= width) {
      current = candidate;
      continue;
    }
    if (current !== '') out.push(current);
    let rest = [...word];
    while (rest.length > width) {
      out.push(rest.slice(0, width).join(''));
      rest = rest.slice(width);
    }
    current = rest.join('');
  }
  out.push(current);
  return out;
}

/** A cell's text wrapped to `width` characters per line; its own line breaks are kept. */
export function wrapCell(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width))
    .join('\n');
}
