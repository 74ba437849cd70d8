/**
 * The `store` setting: empty for the embedded JSON store, or a `postgres://` URL. Checks a URL's
 * shape before anything connects, and gives the form of it that is safe to print (no password).
 */

/** Whether `store` names a PostgreSQL database (anything else non-empty is refused by config). */
export function isPostgresUrl(store: string): boolean {
  return /^postgres(ql)?:\/\//i.test(store);
}

/** Why `raw` is not a usable `store` value, or undefined when it is ('' or a postgres:// URL). */
export function storeUrlProblem(raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!isPostgresUrl(raw)) return `it is not a postgres:// URL`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'it is not a valid URL';
  }
  const socketDir = url.searchParams.get('host');
  if (!url.hostname && !socketDir) return 'it names no host (postgres://user:password@host:port/database)';
  if (url.pathname.replace(/^\//, '') === '') return 'it names no database (…/database at the end)';
  return undefined;
}

/** `url` without its password, for messages and `location`. */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
