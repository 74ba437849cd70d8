/**
 * A request target split as Express splits it (parseurl, and the query parser 'simple', which is
 * Node's querystring), for the REST API answered ahead of Express (daemon/app.ts).
 */
import { parse as parseQuery } from 'node:querystring';

/** A request target without anything from a `#` on (clients send none; Express drops it). */
const withoutFragment = (url: string) => {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
};

/** A request target's path, as Express's `req.path` (parseurl): what comes before `?`. */
export function targetPath(url: string): string {
  const target = withoutFragment(url);
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/**
 * A request target's path and query, as Express splits them (parseurl; the query parser 'simple',
 * which is Node's querystring).
 */
export function splitTarget(url: string): { path: string; query: Record<string, unknown> } {
  const target = withoutFragment(url);
  const path = targetPath(target);
  return { path, query: parseQuery(target.slice(path.length + 1)) };
}
