/**
 * Long tables are drawn in blocks (lib/cli/draw-table.ts): the text is exactly cli-table3's for the
 * whole table — with multi-line and empty cells, wide characters, coloured headers, and column
 * widths that cut cells — whatever the block size.
 */
import { describe, expect, test } from '@jest/globals';
import { drawTable } from '../../lib/cli/draw-table.js';

/** A seeded generator (mulberry32): the same tables every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['node', 'Intel', '漢字', 'cpus_32', '', 'a-much-longer-value', 'é', 'x'];

function table(rows: number, seed: number) {
  const next = random(seed);
  const word = () => WORDS[Math.floor(next() * WORDS.length)] as string;
  const text = () => Array.from({ length: 1 + Math.floor(next() * 3) }, word).join(next() < 0.2 ? '\n' : ' ');
  const head = ['UUID', 'Last Checkin', 'Status', 'Tags'].map(
    (h) => `\u001b[1m\u001b[36m${h}\u001b[39m\u001b[22m`,
  );
  return { head, rows: Array.from({ length: rows }, () => head.map(text)) };
}

describe('drawTable', () => {
  test.each([
    [450, 7],
    [400, 200],
    [201, 200],
    [3, 1],
  ])('%i rows in blocks of %i: the same text as one table', (rows, block) => {
    const t = table(rows, rows);
    const whole = drawTable(t.head, t.rows, undefined, Number.POSITIVE_INFINITY);
    expect(drawTable(t.head, t.rows, undefined, block)).toBe(whole);
    expect(whole.split('\n').length).toBeGreaterThan(rows + 2);
  });

  test('fixed column widths that cut cells: the same text as one table', () => {
    const t = table(300, 42);
    const widths = [4, 6, 3, 9];
    const whole = drawTable(t.head, t.rows, widths, Number.POSITIVE_INFINITY);
    expect(whole).toContain('…');
    expect(drawTable(t.head, t.rows, widths, 11)).toBe(whole);
  });
});
