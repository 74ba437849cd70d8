/**
 * Paths in fuzzed calls stay off this machine's files: the fields naming a local file, per verb,
 * get only their declared samples' values; anything else names a folder that does not exist.
 */
import type { Call, Target } from './declared-calls.js';

/** The fields (and their `@` and alias forms) naming a file on this machine, per verb. */
const LOCAL_PATHS: Readonly<Record<string, readonly string[]>> = {
  'image add': ['path', 'url'],
  'store copy': ['from', 'to'],
  'backup to': ['file'],
  'restore from': ['file'],
};

/**
 * `image add` copies the tree its path names into the store's home, `store copy` writes the file
 * its `to` names, `backup` the file its `file` names (and `restore` reads it): any path but a
 * declared sample's ('/', `node_modules`, `..`) would copy this machine's files or write into the
 * working directory. Such values become a name (base64url: no `/`, no `..`) in a directory that
 * does not exist: validation and the handler still run, and refuse it. A positional path field
 * takes any value as a word (`-1`, `{}`), so there every value is renamed, not only strings.
 */
export function offTheFilesystem<C extends Call>(call: C): C {
  const fields = LOCAL_PATHS[call.target.key];
  if (!fields) return call;
  const declared = new Set(call.target.samples.flatMap((s) => fields.map((f) => s[f])));
  const positional = call.target.verb.positional ?? [];
  const input = { ...call.input };
  for (const k of Object.keys(input)) {
    const v = input[k];
    const f = k.replace(/^@/, '');
    if (!fields.includes(f) || declared.has(v)) continue;
    if (typeof v === 'string' || positional.includes(f))
      input[k] =
        `no-such-dir/x-${Buffer.from(typeof v === 'string' ? v : String(JSON.stringify(v))).toString('base64url')}`;
  }
  return { ...call, input };
}

/** The word argv mutations add for `target`: one that cannot name a file here when a word can be a path. */
export function extraWord(target: Target): string {
  const fields = LOCAL_PATHS[target.key] ?? [];
  return target.verb.positional?.some((p) => fields.includes(p)) ? 'no-such-dir/x' : 'x';
}
