/**
 * Template rendering (Handlebars, ADR 0004). Strict: a variable the context does not define is an
 * error, never an empty string. No HTML escaping: these are iPXE scripts, preseeds and kickstarts;
 * values are validated or quoted for their target language before they reach a template.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { RazorError } from './errors.js';

/** A compiled template: context in, text out. */
export type Template = (context: Record<string, unknown>) => string;

/** Compiles template text strictly. */
export function compileTemplate(text: string, name: string): Template {
  const hb = Handlebars.create();
  const compiled = hb.compile(text, { strict: true, noEscape: true });
  return (context) => {
    try {
      return compiled(context);
    } catch (err) {
      throw new RazorError('InvalidTemplate', `template ${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  };
}

/** Loads and compiles templates from a directory, caching each one. */
export function templateLoader(dir: string): (name: string) => Promise<Template> {
  const cache = new Map<string, Promise<Template>>();
  return (name) => {
    let t = cache.get(name);
    if (!t) {
      t = readFile(join(dir, name), 'utf8').then((text) => compileTemplate(text, name));
      cache.set(name, t);
      t.catch(() => cache.delete(name));
    }
    return t;
  };
}
