/**
 * The store's intern table (lib/store/intern.ts, ADR 0033): documents keep their values exactly;
 * repeated values parsed from separate JSON texts end up held once (measured on the heap); frozen
 * parts are left alone; the table stays within its bounds however many distinct values pass.
 */
import { expect, test } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { interner } from '../../lib/store/intern.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const usedHeap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** `count` documents parsed one by one (fresh strings, as registrations arrive), each holding `value`. */
const parsedDocs = (count: number, value: string) =>
  Array.from({ length: count }, (_, i) =>
    JSON.parse(JSON.stringify({ uuid: `n${i}`, facts: { flags: value, list: [value] } })),
  );

test('documents keep every value; nested objects and arrays are walked', () => {
  const strings = interner();
  const doc = { uuid: 'a', n: 3, facts: { cpu: 'x86_64', disks: ['sda', 'sdb'], empty: null }, ok: true };
  const copy = structuredClone(doc);
  expect(strings.doc(doc)).toBe(doc);
  expect(doc).toEqual(copy);
  expect(strings.size()).toBe(4); // a, x86_64, sda, sdb — and nothing for numbers, booleans, null
});

test('a value repeated in documents parsed apart is held once', () => {
  const value = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr '.repeat(60); // ~3 KB
  const MB = 2 ** 20;
  const base = usedHeap();
  const plain = parsedDocs(1000, value);
  const withoutInterning = usedHeap() - base;
  plain.length = 0;
  const strings = interner();
  const base2 = usedHeap();
  const shared = parsedDocs(1000, value).map((d) => strings.doc(d));
  const withInterning = usedHeap() - base2;
  expect(shared[999].facts.flags).toBe(value);
  // 2,000 copies of ~3 KB without; one with (the documents themselves are small).
  expect(withoutInterning).toBeGreaterThan(5 * MB);
  expect(withInterning).toBeLessThan(1 * MB);
});

test('frozen parts are left as they are, without throwing', () => {
  const strings = interner();
  const frozen = Object.freeze({ a: 'x'.repeat(10) });
  const doc = { uuid: 'u', kept: frozen, own: 'y' };
  expect(() => strings.doc(doc)).not.toThrow();
  expect(doc.kept).toBe(frozen);
  expect(strings.size()).toBe(2); // u, y: nothing of the frozen part
});

test('the table is bounded in entries and characters; long strings are not held', () => {
  const strings = interner({ maxEntries: 100, maxChars: 1000, maxLength: 50 });
  for (let i = 0; i < 10_000; i++) strings.string(`serial-${i}`);
  expect(strings.size()).toBeLessThanOrEqual(200);
  const wide = interner({ maxEntries: 1000, maxChars: 1000, maxLength: 100 });
  for (let i = 0; i < 1000; i++) wide.string(`${i}`.padStart(40, '0'));
  expect(wide.size()).toBeLessThanOrEqual(2 * (1000 / 40 + 1));
  const short = interner({ maxEntries: 100, maxChars: 1000, maxLength: 50 });
  short.string('z'.repeat(51));
  expect(short.size()).toBe(0);
});

test('a value that keeps coming is still held once while the generations turn over', () => {
  const value = 'model name : AMD EPYC 7B13 64-Core Processor '.repeat(220); // ~10 KB
  const strings = interner({ maxEntries: 100, maxChars: 1 << 20, maxLength: 16384 });
  const base = usedHeap();
  // Each document brings 50 values seen once: the newer generation fills every second document.
  const docs = Array.from({ length: 1000 }, (_, i) => {
    const doc = JSON.parse(
      JSON.stringify({ cpu: value, serials: Array.from({ length: 50 }, (_, k) => `s${i}-${k}`) }),
    );
    return strings.doc(doc);
  });
  const grown = usedHeap() - base;
  expect(docs[999].cpu).toBe(value);
  expect(strings.size()).toBeLessThanOrEqual(200);
  // 1,000 documents × 50 short strings take a few MB either way; a copy of the CPU value each
  // time the generations turn (every second document) would add ~5 MB more.
  const serialsOnly = (() => {
    const b = usedHeap();
    const kept = Array.from({ length: 1000 }, (_, i) =>
      JSON.parse(JSON.stringify({ cpu: 'x', serials: Array.from({ length: 50 }, (_, k) => `s${i}-${k}`) })),
    );
    const used = usedHeap() - b;
    expect(kept.length).toBe(1000);
    return used;
  })();
  expect(grown - serialsOnly).toBeLessThan(2.5 * 2 ** 20);
});
