/**
 * What the daemon log must not hold (ADR 0017): the value of any secret field — a password, a key,
 * a token — wherever it appears (a logged URL's query, JSON in it, an error's text), and the whole
 * UUID of an active model, which guards its node's secrets: only its first characters are kept
 * (`/razor/api/policy/callback/4Xa9Qz…/preseed/file`) so `razor log -g 4Xa9Qz` still finds the
 * install's requests.
 */
import type { Catalog } from '../../lib/domain/catalog.js';

/** What a secret value is replaced by. */
export const REDACTED = '[redacted]';
/** How many characters of an active model's UUID the log keeps. */
const KEPT = 6;

/** Field names that hold a secret whatever declares them. */
const SECRET_NAME = /password|passwd|passphrase|secret|token|private_key|validation_key|api_key|credential/i;
/** Stems of those, and of what else is redacted: text without any of them needs no work. */
const SUSPECT_STEMS = [
  'pass',
  'secret',
  'token',
  'key',
  'credential',
  'callback',
  'active_model',
  '%',
  '\\\\',
];

/** Log keys whose values are active model UUIDs. */
const ACTIVE_MODEL_KEYS = new Set(['active_model', 'active_models', 'active_model_uuid']);

/** Which field names hold secrets. */
export interface SecretNames {
  /** Does the field `name` hold a secret? */
  is(name: string): boolean;
  /** Could `text` hold a secret field, a callback or an active model UUID? (false is certain) */
  mayHide(text: string): boolean;
}

/** The metadata keys the catalog's model types and broker plugins mark `secret: true`. */
export function catalogSecretKeys(catalog: Catalog): string[] {
  const keys = new Set<string>();
  for (const source of [...catalog.modelTypes.values(), ...catalog.brokerPlugins.values()])
    for (const [key, spec] of Object.entries(source.metadata ?? {})) if (spec.secret) keys.add(key);
  return [...keys];
}

/** The secret field names: the `declared` ones (catalogSecretKeys) and the usual names. */
export function secretNames(declared: Iterable<string>): SecretNames {
  const known = new Set([...declared].map((k) => k.toLowerCase()));
  const escaped = [...known].map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const suspect = new RegExp([...escaped, ...SUSPECT_STEMS].join('|'), 'i');
  const mayHide = (text: string) => suspect.test(text);
  return {
    mayHide,
    is(name) {
      if (!mayHide(name)) return false;
      const key = name.toLowerCase().replace(/^@/, '');
      return known.has(key) || SECRET_NAME.test(key);
    },
  };
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
};

/** An active model UUID cut to its first characters. */
const shorten = (id: string) => (id.length > KEPT ? `${id.slice(0, KEPT)}…` : id);

const JSON_PAIR = /"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/g;
const QUERY_PAIR = /([\w@%.[\]-]+)=([^&\s"';,]*)/g;
const CALLBACK_ID = /(\/callback\/)([^/?#\s"'&]+)/gi;

/** Free text (an error message, a stack) with secret `name=value` and `"name": value` pairs and callback UUIDs cut. */
export function redactText(text: string, names: SecretNames): string {
  if (!names.mayHide(text)) return text;
  let out = text;
  if (out.includes(':'))
    out = out.replace(JSON_PAIR, (m, k: string) => (names.is(k) ? `"${k}":"${REDACTED}"` : m));
  if (out.includes('='))
    out = out.replace(QUERY_PAIR, (m, k: string) => (names.is(decode(k)) ? `${k}=${REDACTED}` : m));
  if (/callback/i.test(out))
    out = out.replace(CALLBACK_ID, (_m, p: string, id: string) => p + shorten(decode(id)));
  return out;
}

const shortenIds = (v: unknown): unknown =>
  typeof v === 'string' ? shorten(v) : Array.isArray(v) ? v.map(shortenIds) : v;

/** One field of a logged object, redacted by its name and value. */
function redactField(key: string, value: unknown, names: SecretNames, depth: number): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'object' && typeof value !== 'string') return names.is(key) ? REDACTED : value;
  if (typeof value === 'string' && !names.mayHide(key) && !names.mayHide(value)) return value;
  if (names.is(key)) return REDACTED;
  if (ACTIVE_MODEL_KEYS.has(key)) return shortenIds(value);
  if (key === 'url' && typeof value === 'string') return redactUrl(value, names);
  return redactValue(value, names, depth);
}

/**
 * `value` with every secret field replaced, active model UUIDs cut, URLs and other strings
 * redacted (at most `depth` levels deep). Returns `value` itself when nothing needed changing.
 */
export function redactValue(value: unknown, names: SecretNames, depth = 8): unknown {
  if (typeof value === 'string') return redactText(value, names);
  if (typeof value !== 'object' || value === null || depth <= 0) return value;
  if (Array.isArray(value)) {
    const mapped = value.map((v) => redactValue(v, names, depth - 1));
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const r = redactField(k, v, names, depth - 1);
    if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
  }
  return out ?? value;
}

/** A query value: JSON in it redacted field by field, other text as text. */
function redactQueryValue(raw: string, names: SecretNames): string {
  const text = decode(raw);
  let out = redactText(text, names);
  if (/[{[]/.test(text) && names.mayHide(text)) {
    try {
      const parsed: unknown = JSON.parse(text);
      const redacted = redactValue(parsed, names);
      if (redacted !== parsed) out = JSON.stringify(redacted);
    } catch {
      // Not JSON after all: the text redaction stands.
    }
  }
  return out === text ? raw : encodeURIComponent(out);
}

/** Does this path segment look like a razor UUID (22 base62 characters)? */
const UUID_LIKE = /^[0-9A-Za-z]{22}$/;

/** A URL path with the UUID after `callback` and any UUID after `callback` or `active_model` cut. */
function redactPath(path: string): string {
  const parts = path.split('/');
  let next = false;
  let inScope = false;
  for (let i = 0; i < parts.length; i++) {
    const part = decode(parts[i] as string);
    if (part === '') continue;
    if (next || (inScope && UUID_LIKE.test(part))) parts[i] = shorten(part);
    const word = part.toLowerCase();
    next = word === 'callback';
    inScope ||= next || word === 'active_model';
  }
  return parts.join('/');
}

/**
 * A request URL fit for the log: secret query fields cut, and the active model UUID of a callback
 * (the first segment after `callback`) or of an `active_model` route cut to its first characters.
 */
export function redactUrl(url: string, names: SecretNames): string {
  if (!names.mayHide(url)) return url;
  const q = url.indexOf('?');
  const path = redactPath(q < 0 ? url : url.slice(0, q));
  if (q < 0) return path;
  const fields = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const rawKey = pair.slice(0, eq);
      const key = decode(rawKey);
      const value = pair.slice(eq + 1);
      if (names.is(key)) return `${rawKey}=${REDACTED}`;
      if (ACTIVE_MODEL_KEYS.has(key)) return `${rawKey}=${encodeURIComponent(shorten(decode(value)))}`;
      return `${rawKey}=${redactQueryValue(value, names)}`;
    });
  return `${path}?${fields.join('&')}`;
}

/**
 * A pino `formatters.log`: the logged object with URLs, secret fields and active model UUIDs
 * redacted; itself when nothing needed it (the boot path's lines). Errors are left to the `err`
 * serializer (log-file.ts), which redacts them whole.
 */
export function redactLogObject(obj: Record<string, unknown>, names: SecretNames): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    if (key === 'err') continue;
    const v = obj[key];
    const r = redactField(key, v, names, 8);
    if (r !== v) (out ??= { ...obj })[key] = r;
  }
  return out ?? obj;
}
