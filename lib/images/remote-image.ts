/** `razor image add` of an http(s) URL: the image stays on its mirror; razor records where it is. */
import { RazorError } from '../errors.js';
import type { Deps } from '../verbs/context.js';
import type { ImageDoc } from '../domain/documents.js';
import type { ImageType } from '../domain/image-type-schema.js';
import type { ImportRequest } from './import-request.js';

/** Is the image's path an http(s) URL (a remote mirror)? */
export const isUrl = (p: string): boolean => /^https?:\/\//i.test(p);

/** The document of a remote image (a mirror at a URL): nothing is copied, name and version are given. */
export function remoteImage(deps: Deps, req: ImportRequest, type: ImageType): ImageDoc {
  const url = req.path;
  if (type.archive) throw new RazorError('InputError', `a ${req.type} image is a file, not a remote mirror`);
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/i.test(url)) {
    throw new RazorError('InputError', `'${url}' is not a usable http(s) URL`);
  }
  if (!req.name || !req.version) {
    throw new RazorError('MissingArgument', 'a remote image (a URL) needs --name and --version');
  }
  if (type.remote_needs_boot_files && (!req.kernel || !req.initrd)) {
    throw new RazorError(
      'MissingArgument',
      'a remote image (a URL) needs --kernel and --initrd (paths below the URL)',
    );
  }
  const now = deps.clock().toISOString();
  return {
    uuid: deps.newUuid(),
    created_at: now,
    type: req.type,
    name: req.name,
    version: req.version,
    status: 'remote',
    source: url,
    url: url.replace(/\/$/, ''),
    size: 0,
    ...(req.kernel ? { kernel: req.kernel } : {}),
    ...(req.initrd ? { initrd: req.initrd } : {}),
  };
}
