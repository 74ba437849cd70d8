/** Template rendering is strict (an undefined variable is an error, also as a helper argument) and quotes per target. */
import { expect, test } from '@jest/globals';
import { compileTemplate, shQuote, xmlEscape } from '../../lib/domain/render-template.js';
import { RazorError } from '../../lib/errors.js';
import { execFileSync } from 'node:child_process';

const render = (src: string, ctx: Record<string, unknown>) => compileTemplate(src, 'test')(ctx);

test.each([
  ['{{missing}}'],
  ['{{a.missing}}'],
  ['{{sh a.missing}}'],
  ['{{#if a.missing}}x{{/if}}'],
  ['{{#each missing}}x{{/each}}'],
  ['{{json (concat a.missing "x")}}'],
])('%s with an undefined variable is an InvalidTemplate error', (src) => {
  expect(() => render(src, { a: {} })).toThrow(RazorError);
  expect(() => render(src, { a: {} })).toThrow(/template test:/);
});

test('defined empty values render, and nothing is HTML-escaped', () => {
  expect(render('[{{a}}]{{#if b}}yes{{/if}}<{{c}}>', { a: '', b: false, c: 'x&y' })).toBe('[]<x&y>');
});

test.each([['simple'], ["it's"], ['$(reboot)'], ['`id`; rm -rf /'], ['a\nb'], ["'; echo pwned; '"]])(
  '{{sh}} keeps %j one literal shell word',
  (value) => {
    const script = render('printf %s {{sh v}}', { v: value });
    expect(execFileSync('sh', ['-c', script]).toString()).toBe(value);
    expect(shQuote(value)).toBe(render('{{sh v}}', { v: value }));
  },
);

test('{{xml}} and {{json}} escape for their languages', () => {
  expect(render('<a x="{{xml v}}">{{xml v}}</a>', { v: `<b>&"'` })).toBe(
    '<a x="&lt;b&gt;&amp;&quot;&apos;">&lt;b&gt;&amp;&quot;&apos;</a>',
  );
  expect(xmlEscape('a<b')).toBe('a&lt;b');
  expect(JSON.parse(render('{{json v}}', { v: { a: ['x"y'] } }))).toEqual({ a: ['x"y'] });
});
