/**
 * Template rendering (Handlebars, ADR 0004). Strict: a variable the context does not define is an
 * error, never an empty string. No HTML escaping: these are iPXE scripts, preseeds, kickstarts and
 * shell scripts; values are validated when stored, and helpers quote them for their target
 * language: `{{sh x}}` (POSIX shell single quotes), `{{xml x}}`, `{{json x}}`, `{{yaml x}}`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import type HandlebarsModule from 'handlebars';
import { RazorError } from '../errors.js';

// Handlebars is loaded when the first template is compiled: most CLI calls render none.
const load = createRequire(import.meta.url);

/** A compiled template: context in, text out. */
export type Template = (context: Record<string, unknown>) => string;

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** POSIX shell single-quoting: the value can never end the quote. */
export const shQuote = (v: unknown) => `'${text(v).replace(/'/g, `'\\''`)}'`;

/** XML text/attribute escaping. */
export const xmlEscape = (v: unknown) =>
  text(v).replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

/**
 * Handlebars' strict mode checks `{{a.b}}` but not helper arguments (`{{sh a.b}}`, `{{#if a.b}}`):
 * those arrive as undefined. Contexts never hold undefined on purpose ('' and false stand for "none"),
 * so every helper refuses it — a misspelt name is an error, never an empty string.
 */
function defined(helper: string, args: readonly unknown[]): void {
  if (args.some((a) => a === undefined)) {
    throw new Error(`an argument of '${helper}' is not defined (a misspelt variable?)`);
  }
}

type Helper = (this: unknown, ...args: unknown[]) => unknown;

function makeEngine(): typeof HandlebarsModule {
  const hb = (load('handlebars') as typeof HandlebarsModule).create();
  const strict = (name: string, fn: Helper): void => {
    hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      defined(name, args.slice(0, -1)); // the last argument is Handlebars' options object
      return fn.apply(this, args);
    });
  };
  for (const name of ['if', 'unless', 'each', 'with']) strict(name, hb.helpers[name] as Helper);
  strict('sh', (v) => shQuote(v));
  strict('xml', (v) => xmlEscape(v));
  strict('json', (v) => JSON.stringify(v ?? null));
  // A YAML double-quoted scalar is a JSON string.
  strict('yaml', (v) => JSON.stringify(text(v)));
  strict('upper', (v) => text(v).toUpperCase());
  strict('replace', (v, from, to) => text(v).split(text(from)).join(text(to)));
  strict('concat', (...args) => args.slice(0, -1).map(text).join(''));
  return hb;
}

/** Compiles template text strictly. */
export function compileTemplate(source: string, name: string): Template {
  const compiled = makeEngine().compile(source, { strict: true, noEscape: true });
  return (context) => {
    try {
      return compiled(context);
    } catch (err) {
      throw new RazorError('InvalidTemplate', `template ${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  };
}

/** Loads templates by path (relative to the templates folder, or absolute), compiling each once. */
export interface TemplateLoader {
  /** The template at `name`; rejects when it does not exist. */
  (name: string): Promise<Template>;
  /** The template at `name`, or undefined when there is no such file. */
  tryLoad(name: string): Promise<Template | undefined>;
  /** A template from text (kernel args in model.yaml), compiled once per distinct text. */
  inline(source: string, name: string): Template;
}

/** A caching template loader over `dir`. */
export function templateLoader(dir: string): TemplateLoader {
  const files = new Map<string, Promise<Template | undefined>>();
  const inlines = new Map<string, Template>();
  const tryLoad = (name: string) => {
    const path = isAbsolute(name) ? name : join(dir, name);
    let t = files.get(path);
    if (!t) {
      t = readFile(path, 'utf8').then(
        (source) => compileTemplate(source, name),
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined;
          throw err;
        },
      );
      files.set(path, t);
    }
    return t;
  };
  const load = async (name: string) => {
    const t = await tryLoad(name);
    if (!t) throw new RazorError('InvalidTemplate', `template ${name} does not exist`);
    return t;
  };
  return Object.assign(load, {
    tryLoad,
    inline(source: string, name: string) {
      let t = inlines.get(source);
      if (!t) inlines.set(source, (t = compileTemplate(source, name)));
      return t;
    },
  });
}
