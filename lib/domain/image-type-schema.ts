/**
 * The shape of an image type file (`templates/images/<type>/image.yaml`): how an unpacked image of
 * the type is recognised, as rules a small interpreter (lib/images/recognise.ts) evaluates. A rule
 * holds when its `when` conditions hold; its named `values` are read from files in the image (each
 * the first of its sources that yields one); `boot_files` finds the installer kernel and initrd;
 * `require` checks end the import with a message. The values `name`, `version`, `kernel`, `initrd`
 * and `boot_cfg` are what the image records.
 */
import { z } from 'zod';
import { undeclaredValues, type Condition } from './image-type-refs.js';

export type { Condition };

/** A value's name, as `${name}` interpolates it. */
const valueName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case word (a-z, 0-9, _)');

/** A path inside the image (names match whatever their case), or a list of them: the first present. */
const imagePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.split('/').includes('..') && !p.startsWith('/'),
    'must be a relative path inside the image',
  );
const imagePaths = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(imagePath).min(1));

const compiles = (pattern: string, flags = '') => {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
};

/** Where a value comes from; the reader keys (content, line, ini, match, yaml) need `file`. */
const sourceObject = z
  .object({
    /** Literal text; `${name}` inserts another value (the source yields nothing if that one is unset). */
    text: z.string().optional(),
    /** Read this file (or the first present of these files). */
    file: imagePaths.optional(),
    /** Match against another value instead of a file (with `match`). */
    value: valueName.optional(),
    /** The whole file. */
    content: z.literal(true).optional(),
    /** The file's line N (1-based). */
    line: z.number().int().min(1).optional(),
    /** `section.key` of an INI file (the last dot splits). */
    ini: z
      .string()
      .regex(/^[^.]+\.[^.]+$/, "must be 'section.key'")
      .optional(),
    /** A regular expression; the source yields capture `group` (default 1), or `then` when given. */
    match: z.string().optional(),
    flags: z
      .string()
      .regex(/^[gimsuy]*$/, 'must be regular expression flags (i, m, s, u)')
      .optional(),
    group: z.number().int().min(0).optional(),
    then: z.string().optional(),
    /** A top-level scalar of a YAML mapping. */
    yaml: z.string().min(1).optional(),
    /** Trim white space from what was read. */
    trim: z.boolean().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const origins = (['text', 'file', 'value'] as const).filter((k) => s[k] !== undefined);
    if (origins.length !== 1)
      ctx.addIssue({ code: 'custom', message: 'a source needs exactly one of text, file or value' });
    const readers = (['content', 'line', 'ini', 'match', 'yaml'] as const).filter((k) => s[k] !== undefined);
    if (s.file !== undefined && readers.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'a file source needs exactly one of content, line, ini, match or yaml',
      });
    if (s.value !== undefined && (s.match === undefined || readers.length !== 1))
      ctx.addIssue({ code: 'custom', message: 'a value source needs match (and no other reader)' });
    if (s.match !== undefined && !compiles(s.match, s.flags))
      ctx.addIssue({ code: 'custom', message: `match ${s.match} is not a valid regular expression` });
    if (s.then !== undefined && s.match === undefined)
      ctx.addIssue({ code: 'custom', message: 'then needs match' });
  });

/** A value: one source or a list of them tried in order; a plain string is literal text. */
const sourceList = z.preprocess(
  (v) => (Array.isArray(v) ? v : [v]).map((s: unknown) => (typeof s === 'string' ? { text: s } : s)),
  z.array(sourceObject).min(1),
);

const condition: z.ZodType<Condition> = z.lazy(() =>
  z
    .object({
      exists: imagePaths.optional(),
      value: valueName.optional(),
      any: z.array(condition).min(1).optional(),
    })
    .strict()
    .refine((c) => Object.keys(c).length === 1, 'a condition is exactly one of exists, value or any'),
);

/**
 * A check that ends the import with its message when it fails: `values` are all set (`${missing}`
 * lists the unset ones), or the file `sha256` names is present (else `absent`) and its SHA-256
 * equals `equals` (else `otherwise`, with `${path}` and `${actual}`).
 */
const check = z
  .object({
    values: z.array(valueName).min(1).optional(),
    sha256: z.string().min(1).optional(),
    equals: z.string().min(1).optional(),
    absent: z.string().min(1).optional(),
    otherwise: z.string().min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    const hash = c.sha256 !== undefined && c.equals !== undefined && c.absent !== undefined;
    if ((c.values !== undefined) === hash || (c.values !== undefined && (c.sha256 ?? c.equals ?? c.absent)))
      ctx.addIssue({ code: 'custom', message: 'a check is either values, or sha256 with equals and absent' });
  });

/** A rule's keys (recogniseRule adds the checks across them). */
const ruleObject = z
  .object({
    /** What the rule recognises (for readers of the file). */
    about: z.string().optional(),
    when: z.array(condition).default([]),
    values: z.record(valueName, sourceList).default({}),
    /** Installer kernel and initrd pairs; the first pair present sets `kernel` and `initrd`. */
    boot_files: z
      .array(z.tuple([z.string().min(1), z.string().min(1)]))
      .min(1)
      .optional(),
    /** Without it, a rule whose boot files are missing does not hold; with it, the import fails so. */
    no_boot_files: z.string().min(1).optional(),
    require: z.array(check).default([]),
  })
  .strict();

/** One way to recognise an image of the type. */
export const recogniseRule = ruleObject
  .refine((r) => 'name' in r.values, 'a rule must declare the value name')
  .superRefine((r, ctx) => {
    for (const name of undeclaredValues(r))
      ctx.addIssue({ code: 'custom', message: `uses the undeclared value ${name}` });
  });

/** A pattern with one capture group, matched against whole entry names (without `./`). */
const entryPattern = z
  .string()
  .min(1)
  .refine((p) => compiles(`^(?:${p})$`), 'must be a valid regular expression')
  .refine((p) => compiles(p) && new RegExp(`${p}|`).exec('')!.length === 2, 'needs one capture group');

/**
 * An archive type (ADR 0029): the image is one tar file (plain, gzip, xz or zstd), kept as it is
 * and served as `<file>.<compression>` with its SHA-256 in `<file>.<compression>.sha256` beside it.
 */
const archiveSpec = z
  .object({
    /** The stored file's base name (the compression's extension is added). */
    file: z.string().regex(/^[a-z][a-z0-9_-]*(\.tar)?$/, 'must be a plain file name'),
    /** Entry-name patterns tried in order; the first capture of the first hit is the kernel version. */
    kernel_version: z.array(entryPattern).min(1),
  })
  .strict();

/** The raw shape of image.yaml: recognition rules for an unpacked tree, or an archive. */
export const imageTypeFile = z
  .object({
    description: z.string().min(1),
    /** Fold every unpacked name to lower case (boot configs name files as a Linux mount shows them). */
    lower_case_names: z.boolean().default(false),
    /** A remote mirror (a URL) of this type needs --kernel and --initrd. */
    remote_needs_boot_files: z.boolean().default(true),
    /** A tree no rule recognises is taken when --kernel, --initrd, --name and --version are all given. */
    manual_boot_files: z.boolean().default(false),
    recognise: z.array(recogniseRule).default([]),
    archive: archiveSpec.optional(),
    /** The message when no rule holds (or, for an archive, when no entry gives a kernel version). */
    unrecognised: z.string().min(1),
  })
  .strict()
  .refine(
    (t) => t.recognise.length > 0 !== (t.archive !== undefined),
    'an image type has either recognise rules or archive',
  );

/** A source as parsed (strings are `{ text }`). */
export type Source = z.infer<typeof sourceObject>;
/** One rule as parsed. */
export type RecogniseRule = z.infer<typeof recogniseRule>;
/** An archive type's spec as parsed. */
export type ArchiveSpec = z.infer<typeof archiveSpec>;
/** A check as parsed. */
export type Check = z.infer<typeof check>;
/** An image type: its file as parsed, its name (the folder) and folder. */
export type ImageType = z.infer<typeof imageTypeFile> & { name: string; dir: string };
