/** Fitting tables to the terminal: which widths the columns get, and how cells wrap. */
import { describe, expect, test } from '@jest/globals';
import { fitWidths, wrapCell } from '../../lib/cli/fit-table.js';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** The printed width of a table with these text widths: `│ a │ b │`. */
const printed = (widths: readonly number[]) => sum(widths) + 3 * widths.length + 1;

describe('fitWidths', () => {
  test('a table that fits is left alone', () => {
    expect(fitWidths([10, 20], [5, 5], 100)).toBeUndefined();
  });

  test('the widest columns are cut; words stay whole when the room allows', () => {
    const widths = fitWidths([15, 50, 20, 10, 200], [15, 10, 20, 10, 16], 100) as number[];
    expect(printed(widths)).toBe(100);
    expect(widths.slice(0, 4)).toEqual([15, expect.any(Number), 20, 10]);
    for (const [i, w] of widths.entries())
      expect(w).toBeGreaterThanOrEqual([15, 10, 20, 10, 16][i] as number);
  });

  test('too narrow for whole words: every column still gets some room and the table fits', () => {
    const widths = fitWidths([40, 40, 40], [40, 40, 40], 60) as number[];
    expect(printed(widths)).toBeLessThanOrEqual(60);
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(8);
  });

  test('a terminal too narrow for any table: left alone', () => {
    expect(fitWidths([40, 40, 40, 40], [5, 5, 5, 5], 20)).toBeUndefined();
  });
});

describe('wrapCell', () => {
  test('wraps at spaces, breaks a word only when it is longer than the line', () => {
    expect(wrapCell('CentOS 6 Model, kickstart', 15)).toBe('CentOS 6 Model,\nkickstart');
    expect(wrapCell('abcdefghij', 4)).toBe('abcd\nefgh\nij');
    expect(wrapCell('a\nb c', 10)).toBe('a\nb c');
  });
});
