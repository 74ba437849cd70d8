/** The one way slices declare the columns of a table or the lines of an item block. */
import type { Column } from './spec.js';

/** How a column reads its value: the name of a property, or a function of the object. */
export type ColumnValue = string | ((o: Record<string, unknown>) => unknown);

/**
 * Columns from `{ Header: value, … }`, in the order written, e.g. `columns({ UUID: 'uuid' })`.
 * (Headers are never whole numbers, which objects would move to the front.)
 */
export function columns(spec: Readonly<Record<string, ColumnValue>>): Column[] {
  return Object.entries(spec).map(([header, v]) => ({
    header,
    value: typeof v === 'string' ? (o) => o[v] : v,
  }));
}

/** A column value showing a list property as `[a,b]` (`sep` between items). */
export const bracketed =
  (key: string, sep = ',') =>
  (o: Record<string, unknown>): string =>
    `[${(o[key] as readonly unknown[]).join(sep)}]`;
