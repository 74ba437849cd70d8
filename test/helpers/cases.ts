/**
 * Generic contract cases for every declared verb: all fields, required only, each required field
 * missing, an unknown field, each UUID field malformed and unknown. Built from the declarations
 * alone, so a new verb is covered the moment it is declared.
 */
import { canonicalForm } from '../../lib/verbs/router.js';
import { declaredRestPath } from '../../lib/verbs/rest.js';
import {
  SUCCESS,
  type SliceRegistry,
  type SliceSpec,
  type VerbInput,
  type VerbSpec,
} from '../../lib/verbs/spec.js';
import { fillPlaceholders, seedData } from './fixture.js';
import type { ErrorKind } from '../../lib/errors.js';

/** What a case expects. */
export interface Expectation {
  status: number;
  /** For errors: the error kind; for successes: undefined. */
  kind?: ErrorKind;
  /** Text the error message must contain (the field's name). */
  mentions?: string;
}

/** One request to make. */
export interface Case {
  title: string;
  slice: SliceSpec;
  verb: VerbSpec;
  input: VerbInput;
  /** Positional fields deliberately left out of the words/path. */
  omit?: string;
  expect: Expectation;
}

/** A UUID of the right form that names nothing. */
export const UNKNOWN_UUID = 'Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z';
/** A value that is not a UUID at all. */
export const BAD_UUID = 'bad*uuid';

/** The success status of a verb. */
export const okStatus = (verb: VerbSpec) =>
  verb.contentType === 'text/plain' ? 200 : SUCCESS[verb.success].http;

/** Every case for one verb. */
export function verbCases(slice: SliceSpec, verb: VerbSpec): Case[] {
  if (!verb.sample) return [];
  const name = `${slice.name} ${verb.name}`;
  const samples = [verb.sample, ...(verb.moreSamples ?? [])].map(fillPlaceholders);
  const base = samples[0] as VerbInput;
  // A verb that asks before removing everything needs `yes` wherever nobody can be asked (ConfirmationRequired).
  const asks = verb.confirm?.ask === 'always';
  const required = Object.entries(verb.fields)
    .filter(([, f]) => f.required)
    .map(([k]) => k);
  // Of each group of which exactly one is needed, the one the sample gives.
  const oneOf = (verb.oneOf ?? []).flatMap((g) => g.filter((k) => base[k] !== undefined).slice(0, 1));
  const requiredOnly = [...required, ...oneOf, ...(asks ? ['yes'] : [])];
  const ok = { status: okStatus(verb) };
  const cases: Case[] = samples.map((input, i) => ({
    title: `${name}: all fields${i ? ` (${i + 1})` : ''}`,
    slice,
    verb,
    input,
    expect: ok,
  }));
  if (asks)
    cases.push({
      title: `${name}: not confirmed`,
      slice,
      verb,
      input: {},
      expect: { status: 400, kind: 'ConfirmationRequired', mentions: '--yes' },
    });
  cases.push({
    title: `${name}: required only`,
    slice,
    verb,
    input: Object.fromEntries(requiredOnly.map((k) => [k, base[k]])),
    expect: ok,
  });
  for (const k of required) {
    const input = { ...base };
    delete input[k];
    cases.push({
      title: `${name}: missing ${k}`,
      slice,
      verb,
      input,
      omit: verb.positional?.includes(k) ? k : undefined,
      expect: { status: 400, kind: 'MissingArgument', mentions: k },
    });
  }
  cases.push({
    title: `${name}: unknown field`,
    slice,
    verb,
    input: { ...base, no_such_field: 'x' },
    expect: { status: 400, kind: 'InputError', mentions: 'no_such_field' },
  });
  for (const [k, f] of Object.entries(verb.fields)) {
    if (f.kind !== 'uuid') continue;
    const withField = samples.find((s) => s[k] !== undefined) ?? base;
    cases.push({
      title: `${name}: malformed ${k}`,
      slice,
      verb,
      input: { ...withField, [k]: BAD_UUID },
      expect: { status: 400, kind: 'InvalidUUID', mentions: BAD_UUID },
    });
    cases.push({
      title: `${name}: unknown ${k}`,
      slice,
      verb,
      input: { ...withField, [k]: UNKNOWN_UUID },
      expect: { status: 404, kind: 'NotFound', mentions: UNKNOWN_UUID },
    });
  }
  return cases;
}

/** All cases of all verbs. */
export function allCases(registry: SliceRegistry): Case[] {
  return [...registry.values()].flatMap((s) => s.verbs.flatMap((v) => verbCases(s, v)));
}

/** The words of `form` with its placeholders filled from `input` (placeholders without a value are left out). */
export function formWords(form: string, input: VerbInput): string[] | undefined {
  const words: string[] = [];
  for (const p of form === '' ? [] : form.split(' ')) {
    if (p.startsWith(':') || p.startsWith('*')) {
      const key = p.slice(1);
      const v = input[key];
      if (v === undefined) continue; // an optional positional left out
      words.push(...(Array.isArray(v) ? v.map(String) : [String(v)]));
    } else words.push(p);
  }
  return words;
}

const positionalKeys = (verb: VerbSpec) => new Set(verb.positional ?? []);

/** Positionals that travel in the words/path; with one left out, all of them go in the JSON instead. */
export const inWords = (c: Case): Set<string> => (c.omit ? new Set() : positionalKeys(c.verb));

/** `-w` words and JSON for a case (canonical form; positionals in the words). */
export function webArgv(c: Case): { words: string[]; json: VerbInput } {
  const words = c.omit ? c.verb.name.split(' ') : (formWords(canonicalForm(c.verb), c.input) ?? []);
  const json = Object.fromEntries(Object.entries(c.input).filter(([k]) => !inWords(c).has(k)));
  return { words: [c.slice.name, ...words], json };
}

/**
 * The REST path of a case: the verb's declared path (`PUT /policy/<uuid>`,
 * `POST /tag/<t>/matcher`); with a positional left out, the verb's own words and the rest as JSON.
 */
export function restPath(registry: SliceRegistry, c: Case): string[] | undefined {
  if (c.omit) return [c.slice.name, ...c.verb.name.split(' ')];
  const pattern = declaredRestPath(c.slice, c.verb);
  return pattern && [c.slice.name, ...(formWords(pattern.slice(1).join(' '), c.input) ?? [])];
}

/**
 * The seeded store for a case. `remove all` can only succeed when nothing depends on the objects,
 * so those cases get a store holding just the collection being emptied.
 */
export function caseSeed(c: Case) {
  const data = seedData();
  if (c.verb.name !== 'remove-all' || !c.slice.collection) return data;
  const only = c.slice.collection;
  return { ...data, collections: { [only]: data.collections[only], meta: data.collections.meta } };
}
