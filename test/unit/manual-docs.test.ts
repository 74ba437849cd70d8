/**
 * The operator's manual (docs/manual) stays true to the tree and the verbs: every relative link
 * names an existing file (and heading), every `razor <slice> <verb>` it shows in code is a real
 * verb, and the command test's reader (test/helpers/manual-doc.ts) refuses what it could not run
 * instead of skipping it.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { allSlices } from '../../slices/index.js';
import { ROOT, builtInCatalog } from '../helpers/deps.js';
import { MANUAL, chapterCommands, chapters, fences, outputMismatch } from '../helpers/manual-doc.js';

const registry = allSlices(await builtInCatalog());
const text = (file: string) => readFileSync(join(MANUAL, file), 'utf8');

/** A Markdown text without its fenced blocks (links in code are not links). */
const prose = (md: string) => md.replace(/^\s*(```|~~~)[^\n]*\n[\s\S]*?^\s*\1\s*$/gm, '');

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

const anchors = (md: string) =>
  new Set([...prose(md).matchAll(/^#+\s+(.+)$/gm)].map((m) => slug(m[1] as string)));

test('every relative link in the manual names an existing file, and an existing heading', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const file of chapters()) {
    for (const m of prose(text(file)).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [path = '', anchor] = target.split('#');
      const resolved = path ? join(MANUAL, path) : join(MANUAL, file);
      checked++;
      if (!existsSync(resolved)) broken.push(`${file}: ${target} (no ${relative(ROOT, resolved)})`);
      else if (anchor && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor))
        broken.push(`${file}: ${target} (no heading #${anchor})`);
    }
  }
  expect(broken).toEqual([]);
  expect(checked).toBeGreaterThan(20);
});

test('the verb reference and the REST reference are always links (docs/cli.md, docs/openapi.json)', () => {
  const unlinked: string[] = [];
  let links = 0;
  for (const file of chapters()) {
    const body = prose(text(file));
    links += [...body.matchAll(/\]\((\.\.\/)(cli\.md|openapi\.json)\)/g)].length;
    // What is left once links and the served URL are taken out must not name them.
    const rest = body.replace(/\[[^\]]*\]\([^)]*\)/g, '').replace(/\/razor\/api\/openapi\.json/g, '');
    for (const name of ['cli.md', 'openapi.json']) if (rest.includes(name)) unlinked.push(`${file}: ${name}`);
  }
  expect(unlinked).toEqual([]);
  expect(links).toBeGreaterThanOrEqual(4);
});

/** The commands razor has besides its slices, and the words they take. */
const NOT_SLICES: Record<string, readonly string[] | 'any'> = {
  daemon: ['status'],
  completion: ['bash', 'zsh'],
  help: 'any',
};
/** Global switches that take a value (ADR 0025). */
const VALUED_SWITCHES = new Set(['--url', '--ca-file']);

/** The code of a chapter: fenced blocks and `inline` spans. */
function code(md: string): string[] {
  const spans = [...prose(md).matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
  return [...fences(md).flatMap((f) => f.lines), ...spans];
}

/** Whether `before` leaves the next word where a shell reads a command (not inside a sentence). */
const commandPosition = (before: string) =>
  /^\s*$|(\$|\$\(|\||;|&&|`)\s*$|\b[A-Z_]+=\S*\s+$|sudo -u \w+\s+$/.test(before);

/** Every `razor …` in a piece of code: the slice word, the word after it, and whether it is a command. */
function razorCalls(line: string) {
  const calls: Array<{ slice: string; next?: string; said: string; command: boolean }> = [];
  for (const m of line.matchAll(/(?<=^|[\s($|;&`])razor((?:\s+[^\s|;&)`]+)+)/g)) {
    const words = (m[1] as string).trim().split(/\s+/);
    while (words[0]?.startsWith('-')) if (VALUED_SWITCHES.has(words.shift() as string)) words.shift();
    const [slice, next] = words;
    const command = commandPosition(line.slice(0, m.index));
    if (slice && /^[a-z_]+$/.test(slice)) calls.push({ slice, next, said: `razor${m[1]}`, command });
  }
  return calls;
}

/** What is wrong with the `razor` commands of one line of code (nothing: []). */
function verbProblems(line: string): string[] {
  const problems: string[] = [];
  for (const call of razorCalls(line)) {
    const slice = registry.get(call.slice);
    const other = NOT_SLICES[call.slice];
    const word = call.next && /^[a-z][a-z_-]*$/.test(call.next) ? call.next : undefined;
    // A sentence an output line says ("… which razor no longer has") is no command.
    if (!slice && !other && !call.command) continue;
    if (!slice && !other) problems.push(`${call.said} (no slice ${call.slice})`);
    else if (word && slice && !slice.verbs.some((v) => v.name === word))
      problems.push(`${call.said} (${call.slice} has no verb ${word})`);
    else if (word && Array.isArray(other) && !other.includes(word))
      problems.push(`${call.said} (razor ${call.slice} takes no ${word})`);
  }
  return problems;
}

test('every `razor <slice> <verb>` the manual shows is a real slice and verb', () => {
  const lines = chapters().flatMap((file) => code(text(file)).map((line) => ({ file, line })));
  const unknown = lines.flatMap(({ file, line }) => verbProblems(line).map((p) => `${file}: ${p}`));
  expect(unknown).toEqual([]);
  expect(lines.flatMap(({ line }) => razorCalls(line)).length).toBeGreaterThan(50);
});

test('the verb check finds a wrong slice or verb, and reads past switches and sentences', () => {
  expect(verbProblems('$ razor nodes')).toEqual(['razor nodes (no slice nodes)']);
  expect(verbProblems('x=$(razor -w node lst | jq .)')).toEqual(['razor -w node lst (node has no verb lst)']);
  expect(verbProblems('razor --url $API --ca-file ca.pem policy enable x')).toEqual([]);
  expect(verbProblems('RAZOR_HOME=/h razor daemon stop')).toEqual([
    'razor daemon stop (razor daemon takes no stop)',
  ]);
  expect(verbProblems('a type which razor no longer has; razor tag <uuid> matcher add')).toEqual([]);
});

describe("the command test's reader", () => {
  test('reads `$ ` lines, their output, and a stated exit status', () => {
    const md = 'x\n\n```console\n$ razor daemon status   # exit status 3\nnot running\n\n$ true\n```\n';
    expect(chapterCommands('t.md', md)).toEqual([
      {
        where: 't.md:4',
        command: 'razor daemon status   # exit status 3',
        status: 3,
        expected: ['not running'],
      },
      { where: 't.md:7', command: 'true', status: 0, expected: [] },
    ]);
  });

  test.each([
    ['text before the first command', '```console\nhello\n$ true\n```\n', 'text before the first'],
    ['a block without commands', '```console\n```\n', "without a '$ ' line"],
    ['a continued line', '```console\n$ echo a \\\n```\n', 'continued line'],
    ['a here-document', '```console\n$ cat <<EOF\n```\n', 'here-document'],
    ['a command in an sh block', '```sh\n$ systemctl start razor\n```\n', 'never run'],
    ['an unclosed fence', '```console\n$ true\n', 'unclosed'],
    ['a tilde fence', '~~~console\nhello\n~~~\n', 'text before the first'],
  ])('refuses %s instead of skipping it', (_what, md, message) => {
    expect(() => chapterCommands('t.md', md)).toThrow(message);
  });

  test('matches shown output as runs of consecutive lines, with ... and <placeholders>', () => {
    const real = ['a', 'UUID => 3TSZnp', 'b', 'c', 'd'];
    expect(outputMismatch(['UUID => <uuid>', 'b'], real)).toBeUndefined();
    expect(outputMismatch(['a', '...', 'd'], real)).toBeUndefined();
    expect(outputMismatch(['a', 'b'], real)).toBe('a\nb'); // not consecutive without ...
    expect(outputMismatch(['d', '...', 'a'], real)).toBe('a'); // out of order
    expect(outputMismatch(['UUID => <uuid>x'], real)).toBe('UUID => <uuid>x');
  });
});

test('the chapters the index lists are the chapters there are', () => {
  const listed = [...text('README.md').matchAll(/\]\(([\w-]+\.md)\)/g)].map((m) => m[1]);
  expect([...new Set(listed)].sort()).toEqual(chapters().filter((c) => c !== 'README.md'));
  expect(dirname(MANUAL)).toBe(join(ROOT, 'docs'));
});
