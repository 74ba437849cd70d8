/** The pieces of "did you mean": edit distance, the closest word, and what counts as UUID-shaped. */
import { describe, expect, test } from '@jest/globals';
import { closestWord, editDistance } from '../../lib/closest-word.js';
import { commandShaped, uuidShaped } from '../../lib/cli/typos.js';
import { newUuid } from '../../lib/domain/uuid.js';

describe('closest words', () => {
  test('edit distance counts insertions, deletions, substitutions and swaps', () => {
    expect(editDistance('ad', 'add')).toBe(1);
    expect(editDistance('polcy', 'policy')).toBe(1);
    expect(editDistance('tempaltes', 'templates')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  test('a suggestion only when close enough: one edit up to four letters, two beyond, or a prefix', () => {
    expect(closestWord('ad', ['add', 'list', 'get'])).toBe('add');
    expect(closestWord('upd', ['update', 'list'])).toBe('update');
    expect(closestWord('xy', ['add', 'get'])).toBeUndefined();
    expect(closestWord('removeall', ['remove', 'remove-all'])).toBe('remove-all');
    expect(closestWord('api_prot', ['api_port', 'image_svc_port'])).toBe('api_port');
    expect(closestWord('zzzzzz', ['policy', 'tag'])).toBeUndefined();
  });
});

describe('UUID-shaped words', () => {
  test('words with a digit or capital, and whole UUIDs, are UUID-shaped', () => {
    for (const w of ['1Epr', 'Ad9', 'PolicySeed0', 'abc9']) expect(uuidShaped(w)).toBe(true);
    expect(uuidShaped('abcdefghijklmnopqrstuv')).toBe(true);
    for (const w of ['ad', 'matcher', 'remove-all', 'tempaltes']) expect(uuidShaped(w)).toBe(false);
    for (let i = 0; i < 100; i++) expect(uuidShaped(newUuid())).toBe(true);
  });

  test('command-shaped words are lower case letters, - and _', () => {
    for (const w of ['ad', 'remove-al', 'get_all']) expect(commandShaped(w)).toBe(true);
    for (const w of ['1Epr', 'Add', '-v', 'a.b', '']) expect(commandShaped(w)).toBe(false);
  });
});
