/**
 * Where an image recognition rule (image-type-schema.ts) uses its values: `${name}` in texts,
 * paths and messages, `value:` in sources and conditions. The schema refuses a rule that uses a
 * value it does not declare, so a misspelt name is a load error, never a silently empty value.
 */

/** A condition on the image: a path is present, a value is set (not empty), or any of several. */
export interface Condition {
  exists?: string[];
  value?: string;
  any?: Condition[];
}

/** The parts of a rule that name values. */
export interface RuleRefs {
  values: Readonly<Record<string, readonly { text?: string; value?: string }[]>>;
  when: readonly Condition[];
  boot_files?: readonly (readonly [string, string])[];
  no_boot_files?: string;
  require: readonly {
    values?: string[];
    sha256?: string;
    equals?: string;
    absent?: string;
    otherwise: string;
  }[];
}

const refsIn = (text: string | undefined) =>
  [...(text ?? '').matchAll(/\$\{([a-z_][a-z0-9_]*)\}/g)].map((m) => m[1] as string);

function conditionRefs(c: Condition): string[] {
  return [...(c.value ? [c.value] : []), ...(c.any ?? []).flatMap(conditionRefs)];
}

/** The value names a rule uses but does not declare (boot_files declares kernel and initrd). */
export function undeclaredValues(r: RuleRefs): string[] {
  const declared = new Set([...Object.keys(r.values), ...(r.boot_files ? ['kernel', 'initrd'] : [])]);
  const used = [
    ...Object.values(r.values).flatMap((list) =>
      list.flatMap((s) => [...refsIn(s.text), ...(s.value ? [s.value] : [])]),
    ),
    ...r.when.flatMap(conditionRefs),
    ...(r.boot_files ?? []).flat().flatMap(refsIn),
    ...refsIn(r.no_boot_files),
    ...r.require.flatMap((c) => [
      ...(c.values ?? []),
      ...refsIn(c.sha256),
      ...refsIn(c.equals),
      ...refsIn(c.absent),
    ]),
    ...r.require.flatMap((c) =>
      refsIn(c.otherwise).filter((n) => !['missing', 'path', 'actual'].includes(n)),
    ),
  ];
  return [...new Set(used.filter((n) => !declared.has(n)))];
}
