/**
 * The values of one image recognition rule (templates/images/<type>/image.yaml): each read on
 * first use from its sources — literal text with `${name}` references, a file of the image (whole,
 * one line, an INI key, a regular expression's capture, a YAML scalar) or a match on another value
 * — the first source that yields one wins. Files are found whatever their case and read once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYaml } from '../yaml.js';
import { RazorError } from '../errors.js';
import { findFile } from './image-tree.js';
import type { RecogniseRule, Source } from '../domain/image-type-schema.js';

/** The values of a rule being applied to one image. */
export interface RuleValues {
  /** The value `name`: set, read from its sources, or undefined. */
  get(name: string): Promise<string | undefined>;
  /** Sets a value (the boot files found). */
  set(name: string, value: string): void;
  /** `text` with every `${name}` filled in (from `extra` first); undefined if one is unset. */
  fill(text: string, extra?: Readonly<Record<string, string>>): Promise<string | undefined>;
  /** As fill, with unset names left empty (for messages). */
  say(text: string, extra?: Readonly<Record<string, string>>): Promise<string>;
}

const REF = /\$\{([a-z_][a-z0-9_]*)\}/g;

const iniValue = (text: string, section: string, key: string) => {
  const m = new RegExp(
    `\\[${section.replace(/[-[\]]/g, '\\$&')}\\][^[]*?^\\s*${key}\\s*=\\s*(.+)$`,
    'm',
  ).exec(text);
  return m?.[1]?.trim();
};

function yamlScalar(text: string, rel: string, key: string): string | undefined {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new RazorError(
      'InvalidImageFilePath',
      `${rel} is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  // YAML reads an all-digit hash as a number: any scalar counts.
  const v = (data as Record<string, unknown>)[key];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function read(s: Source, subject: string, rel: string): string | undefined {
  if (s.content) return subject;
  if (s.line !== undefined) return subject.split('\n')[s.line - 1];
  if (s.ini !== undefined) {
    const dot = s.ini.lastIndexOf('.');
    return iniValue(subject, s.ini.slice(0, dot), s.ini.slice(dot + 1));
  }
  if (s.match !== undefined) {
    const m = new RegExp(s.match, s.flags ?? '').exec(subject);
    return m ? (s.then ?? m[s.group ?? 1]) : undefined;
  }
  return s.yaml !== undefined ? yamlScalar(subject, rel, s.yaml) : undefined;
}

/** The values of `rule` over the image unpacked in `dir`. */
export function ruleValues(rule: RecogniseRule, dir: string): RuleValues {
  const known = new Map<string, string | undefined>();
  const files = new Map<string, Promise<{ rel: string; text: string } | undefined>>();

  const fileText = async (paths: readonly string[]) => {
    for (const p of paths) {
      const rel = await findFile(dir, p);
      if (!rel) continue;
      let text = files.get(rel);
      if (!text) files.set(rel, (text = readFile(join(dir, rel), 'utf8').then((t) => ({ rel, text: t }))));
      return text;
    }
    return undefined;
  };

  const fill = async (
    text: string,
    extra: Readonly<Record<string, string>>,
    stack: string[],
    loose = false,
  ) => {
    let out = '';
    let last = 0;
    for (const m of text.matchAll(REF)) {
      const name = m[1] as string;
      const v = extra[name] ?? (await get(name, stack)) ?? (loose ? '' : undefined);
      if (v === undefined) return undefined;
      out += text.slice(last, m.index) + v;
      last = m.index + m[0].length;
    }
    return out + text.slice(last);
  };

  const fromSource = async (s: Source, stack: string[]): Promise<string | undefined> => {
    if (s.text !== undefined) return fill(s.text, {}, stack);
    let subject: { rel: string; text: string } | undefined;
    if (s.value !== undefined) {
      const v = await get(s.value, stack);
      subject = v === undefined ? undefined : { rel: s.value, text: v };
    } else if (s.file !== undefined) subject = await fileText(s.file);
    const out = subject && read(s, subject.text, subject.rel);
    return out !== undefined && s.trim ? out.trim() : out;
  };

  async function get(name: string, stack: string[]): Promise<string | undefined> {
    if (known.has(name)) return known.get(name);
    if (stack.includes(name)) throw new Error(`image rule value ${[...stack, name].join(' → ')}: a cycle`);
    let value: string | undefined;
    for (const s of rule.values[name] ?? []) {
      value = await fromSource(s, [...stack, name]);
      if (value !== undefined) break;
    }
    known.set(name, value);
    return value;
  }

  return {
    get: (name) => get(name, []),
    set: (name, value) => void known.set(name, value),
    fill: (text, extra = {}) => fill(text, extra, []),
    say: async (text, extra = {}) => (await fill(text, extra, [], true)) ?? '',
  };
}
