/**
 * Verb builders shared by the slices: list (with the original's filters), get, update, remove,
 * remove all. Slices declare their own add; the repeated verbs come from here.
 */
import { listVerb, getVerb } from './read.js';
import { removeAllVerb, removeVerb } from './remove.js';
import type { CrudOptions } from './options.js';
import type { VerbSpec } from '../spec.js';

export { asIs, created, mustGet, type CrudOptions, type Presenter } from './options.js';
export { matchesFilter } from './filter.js';
export { getVerb, listVerb, uuidField } from './read.js';
export { removeAllVerb, removeVerb } from './remove.js';
export { updateVerb, type UpdateDecl } from './update.js';

/** The four read/remove verbs of a collection. */
export function crudVerbs(o: CrudOptions): VerbSpec[] {
  return [listVerb(o), getVerb(o), removeVerb(o), removeAllVerb(o)];
}
