/**
 * Which file a TFTP request may name: a relative path inside the served root. Absolute paths,
 * `..` segments, NUL and control characters, and backslashes are refused, so no request reaches
 * outside the root however it is spelled.
 */

/** The checked relative path (segments joined by `/`), or why the name is refused. */
export function safeRelativePath(requested: string): { path: string } | { refused: string } {
  if (requested === '') return { refused: 'empty file name' };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(requested)) return { refused: 'control character in file name' };
  if (requested.includes('\\')) return { refused: 'backslash in file name' };
  if (requested.startsWith('/')) return { refused: 'absolute paths are not served' };
  const segments = requested.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return { refused: "'..' is not allowed" };
  if (segments.length === 0) return { refused: 'no file named' };
  return { path: segments.join('/') };
}
