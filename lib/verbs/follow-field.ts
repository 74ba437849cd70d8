/** The `--follow` flag of the verbs that show a log (their `followEvents` says which events). */
import { field } from './fields.js';

/** `-f, --follow`: after the answer, keep printing matching events as they happen. */
export const followField = field.bool({
  help: 'Then keep printing events as they happen, until Ctrl-C',
  short: 'f',
  flag: true,
});
