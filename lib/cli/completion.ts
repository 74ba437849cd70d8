/**
 * `razor completion bash|zsh`: a completion script generated from the verb declarations
 * (completion-data.ts), and `razor __complete <collection>`, which the script calls for the UUIDs
 * stored in that collection.
 */
import { COLLECTIONS, type Collection, type Store } from '../store/store.js';
import { GLOBAL_SWITCHES, completionData } from './completion-data.js';
import type { SliceRegistry } from '../verbs/spec.js';

/** Shell text as written (String.raw), with `\${` standing for the shell's own `${`. */
const sh = (s: TemplateStringsArray, ...v: unknown[]) => String.raw(s, ...v).replace(/\\\$\{/g, '${');

/**
 * The shell-neutral part: `_razor_path` walks the words before the cursor (switches and values
 * skipped) to the deepest known path; `_razor_candidates PATH PREV CUR` prints what may come next.
 */
const COMMON = sh`
_razor_uuids() {
  "$_razor_cmd" __complete "$1" 2>/dev/null
}

_razor_path() {
  local path='' w
  for w in "$@"; do
    case "$w" in -*) continue ;; esac
    case " $(_razor_words "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  printf '%s' "$path"
}

_razor_candidates() {
  local path="$1" prev="$2" cur="$3" v=''
  case "$cur" in
    -*)
      if [ -z "$path" ]; then printf '%s\n' '${GLOBAL_SWITCHES.join(' ')}'; else _razor_flags "$path"; fi
      return ;;
  esac
  case "$prev" in -*) [ -n "$path" ] && v="$(_razor_values "$path $prev")" ;; esac
  [ -z "$v" ] && _razor_words "$path"
  [ -z "$v" ] && [ -n "$path" ] && v="$(_razor_values "$path")"
  case "$v" in
    choices\ *) printf '%s\n' "\${v#choices }" ;;
    ref\ *) set -- \${v#ref }; _razor_uuids "$1"; shift; [ $# -gt 0 ] && printf '%s\n' "$@" ;;
  esac
}
`;

const BASH = sh`
_razor() {
  local _razor_cmd="\${COMP_WORDS[0]}" cur="\${COMP_WORDS[COMP_CWORD]}" prev='' path
  [ "$COMP_CWORD" -gt 1 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  path="$(_razor_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  local IFS=$' \t\n'
  COMPREPLY=($(compgen -W "$(_razor_candidates "$path" "$prev" "$cur")" -- "$cur"))
}
complete -F _razor razor
`;

const ZSH = sh`
_razor() {
  local _razor_cmd="\${words[1]}" cur="\${words[CURRENT]}" prev='' path
  (( CURRENT > 2 )) && prev="\${words[CURRENT-1]}"
  path="$(_razor_path "\${(@)words[2,CURRENT-1]}")"
  local -a candidates
  candidates=(\${(f)"$(_razor_candidates "$path" "$prev" "$cur")"})
  compadd -- \${(M)candidates:#\${cur}*}
}
compdef _razor razor
`;

/** The completion script for `shell`. */
export function completionScript(shell: 'bash' | 'zsh', registry: SliceRegistry): string {
  const head = [
    `# razor ${shell} completion, generated from the verb declarations by 'razor completion ${shell}'.`,
    shell === 'bash'
      ? '# Load it with: source <(razor completion bash)'
      : '# Load it with: source <(razor completion zsh)   (after compinit)',
  ];
  const driver = shell === 'bash' ? BASH : ZSH;
  return `${[...head, '', completionData(registry), COMMON, driver].join('\n').trim()}\n`;
}

/** The UUIDs of `collection`, one a line (what `razor __complete <collection>` prints). */
export async function completeUuids(store: Store, collection: string): Promise<string> {
  if (!COLLECTIONS.includes(collection as Collection) || collection === 'meta') return '';
  const docs = await store.read((r) => r.all(collection as Collection));
  return docs.map((d) => `${d.uuid}\n`).join('');
}

/** `razor completion bash|zsh` and `razor __complete <collection>`; returns the exit status. */
export async function runCompletion(
  args: readonly string[],
  registry: SliceRegistry,
  store: Store,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const [command, what] = args;
  if (command === '__complete') {
    out.write(await completeUuids(store, String(what)));
    return 0;
  }
  if (what !== 'bash' && what !== 'zsh') {
    err.write("razor completion: name the shell: 'razor completion bash' or 'razor completion zsh'\n");
    return 2;
  }
  out.write(completionScript(what, registry));
  return 0;
}
