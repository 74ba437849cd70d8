/**
 * A call as `razor -w` words: the slice, one of the verb's declared forms (canonical or the
 * original's other word orders) with its placeholders filled from the input, then the rest of the
 * input as the JSON argument. Some argv mutations on top: a word dropped or added, the JSON left
 * out or cut short.
 */
import { verbForms } from '../../lib/verbs/router.js';
import { jsonText, type MutatedCall } from './mutations.js';
import { extraWord } from './local-paths.js';

const ARGV_MUTATIONS = ['drop word', 'extra word', 'cut JSON'] as const;

/** The argv for a call: form `form` of its verb; `mutation` ≥ 27 (one in ten) picks an argv mutation. */
export function argvOf(
  call: MutatedCall,
  form: number,
  mutation: number,
): { argv: string[]; mutation: string } {
  const forms = verbForms(call.target.verb);
  const chosen = forms[form % forms.length] as string;
  const rest: Record<string, unknown> = { ...call.input };
  const words: string[] = [call.target.slice.name];
  for (const p of chosen === '' ? [] : chosen.split(' ')) {
    if (!p.startsWith(':') && !p.startsWith('*')) {
      words.push(p);
      continue;
    }
    const key = p.slice(1);
    const v = rest[key];
    if (v === undefined) continue;
    delete rest[key];
    const values = Array.isArray(v) && p.startsWith('*') ? v : [v];
    words.push(...values.map((x) => (typeof x === 'string' ? x : jsonText(x))));
  }
  let json: string | undefined = jsonText(rest);
  const argvMutation = mutation >= 27 ? ARGV_MUTATIONS[(mutation - 27) % ARGV_MUTATIONS.length] : undefined;
  if (argvMutation === 'drop word') words.pop();
  if (argvMutation === 'extra word') words.push(extraWord(call.target));
  if (argvMutation === 'cut JSON') json = json.slice(0, Math.max(1, Math.floor(json.length / 2)));
  const names = [call.mutation, argvMutation ?? 'none'].filter((m) => m !== 'none');
  return { argv: json === undefined ? words : [...words, json], mutation: names.join(' + ') || 'none' };
}
