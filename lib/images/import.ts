/**
 * `razor image add`: unpack an ISO or copy a directory into a staging folder beside the image root,
 * verify it for its type, move it into `<image_root>/<type>/<uuid>/` and record it. A failed
 * verification, Ctrl-C or SIGKILL at any moment — even between the move and the store write —
 * leaves no files and no store entry behind (janitor.ts).
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { RazorError } from '../errors.js';
import { copyTree, extractIso, isIso, lowerCaseTree, treeSize } from './extract.js';
import { findPath, verifyImage, type ImageInfo } from './detect.js';
import { archiveSize, importArchive, type ArchiveInfo } from './archive.js';
import { PENDING_MARKER, startJanitor } from './janitor.js';
import { listSource, refuseWrongType } from './precheck.js';
import { isUrl, remoteImage } from './remote-image.js';
import type { ProgressFactory } from './progress.js';
import type { Deps } from '../verbs/context.js';
import type { ImageDoc } from '../domain/documents.js';
import type { ImportRequest } from './import-request.js';

export type { ImportRequest };

async function sourceKind(path: string): Promise<'iso' | 'dir'> {
  let s;
  try {
    s = await stat(path);
  } catch {
    throw new RazorError('InvalidImageFilePath', `${path} does not exist`);
  }
  if (s.isDirectory()) return 'dir';
  if (s.isFile() && (await isIso(path))) return 'iso';
  throw new RazorError('InvalidImageFilePath', `${path} is neither a directory nor an ISO 9660 image`);
}

/** Imports an image; reports bytes through `progress`; `signal` aborts (Ctrl-C). */
export async function importImage(
  deps: Deps,
  req: ImportRequest,
  progress: ProgressFactory,
  signal?: AbortSignal,
): Promise<ImageDoc> {
  const type = deps.catalog.imageTypes.get(req.type);
  if (!type) {
    const known = [...deps.catalog.imageTypes.keys()].join(', ');
    throw new RazorError('InputError', `'type' must be one of: ${known}`);
  }
  if (isUrl(req.path)) {
    const doc = remoteImage(deps, req, type);
    await deps.store.write((w) => w.put('image', doc));
    return doc;
  }
  const source = resolve(req.path);
  if (type.archive && (req.kernel !== undefined || req.initrd !== undefined))
    throw new RazorError(
      'InputError',
      `a ${req.type} image is one archive: --kernel and --initrd do not apply`,
    );
  const kind = type.archive ? 'archive' : await sourceKind(source);
  // Boot files named by hand (-k, -i, -n, -v) stand in for recognition where the type allows it.
  const manual = type.manual_boot_files && !!(req.kernel && req.initrd && req.name && req.version);
  const root = deps.config.values.image_svc_path;
  if (!manual && kind !== 'archive') {
    const names = await listSource(source, kind).catch((err: unknown) => {
      throw fileError(err, root);
    });
    refuseWrongType(source, type, names, deps.catalog.imageTypes.values());
  }
  const uuid = deps.newUuid();
  const staging = join(root, `.staging-${process.pid}-${uuid}`);
  const final = join(root, req.type, uuid);
  await mkdir(staging, { recursive: true, mode: 0o755 });
  const janitor = startJanitor(staging, { final, storeFile: deps.store.location, uuid });
  try {
    const total =
      kind === 'archive'
        ? await archiveSize(source)
        : kind === 'iso'
          ? (await stat(source)).size
          : await treeSize(source);
    const bar = progress(`${req.type} image ${source}`, total);
    let archived: ArchiveInfo | undefined;
    try {
      if (type.archive)
        archived = await importArchive(source, staging, type.archive, type.unrecognised, bar, signal);
      else if (kind === 'iso') await extractIso(source, staging, bar, signal);
      else await copyTree(source, staging, bar, signal);
    } finally {
      bar.finish();
    }
    signal?.throwIfAborted();
    // Unpacked names keep the ISO's upper case; types whose boot configs name files as a Linux
    // mount shows them (lower case) fold them.
    if (type.lower_case_names) await lowerCaseTree(staging);
    const info = archived
      ? archiveInfo(source, archived)
      : await verifyImage(type, staging).catch((err: unknown): ImageInfo => {
          if (manual && err instanceof RazorError)
            return { name: req.name ?? '', version: req.version ?? '' };
          throw err;
        });
    for (const part of ['kernel', 'initrd'] as const) {
      if (req[part] === undefined) continue;
      const found = await findPath(staging, req[part] as string);
      if (!found) throw new RazorError('InvalidImageFilePath', `--${part} ${req[part]} is not in the image`);
      info[part] = found;
    }
    const now = deps.clock().toISOString();
    const doc: ImageDoc = {
      uuid,
      created_at: now,
      type: req.type,
      name: req.name ?? info.name,
      version: req.version ?? info.version,
      status: 'valid',
      source,
      size: archived?.size ?? (await treeSize(staging)),
      ...(archived
        ? {
            file: archived.file,
            sha256: archived.sha256,
            unpacked_size: archived.unpacked_size,
            kernel_version: archived.kernel_version,
          }
        : {}),
      ...(info.kernel ? { kernel: info.kernel } : {}),
      ...(info.initrd ? { initrd: info.initrd } : {}),
      ...(info.boot_cfg ? { boot_cfg: info.boot_cfg } : {}),
    };
    await mkdir(join(root, req.type), { recursive: true, mode: 0o755 });
    // Moves in with the tree; a SIGKILL before it is gone leaves the janitor an orphan to remove.
    await writeFile(join(staging, PENDING_MARKER), '');
    await rename(staging, final);
    try {
      await deps.store.write((w) => w.put('image', doc));
    } catch (err) {
      await rm(final, { recursive: true, force: true });
      throw err;
    }
    // Should this fail, the janitor finds the store naming the image and drops the marker itself.
    await rm(join(final, PENDING_MARKER), { force: true }).catch(() => undefined);
    return doc;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (signal?.aborted) throw new RazorError('UserCancelled', 'import cancelled; nothing was kept');
    throw fileError(err, root);
  } finally {
    janitor.release();
  }
}

/** An archive's default name (its file name without the tar extensions) and version (its kernel's). */
const archiveInfo = (source: string, a: ArchiveInfo): ImageInfo => ({
  name: basename(source).replace(/\.tar(\.[a-z0-9]+)?$|\.t[gx]z$/i, '') || 'rootfs',
  version: a.kernel_version,
});

/** A file system error while importing, as a RazorError that says what to fix (others unchanged). */
function fileError(err: unknown, root: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM')
    return new RazorError(
      'InvalidImageFilePath',
      `cannot read ${e.path ?? 'the image'}: permission denied; nothing was kept`,
    );
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT')
    return new RazorError('StoreUnavailable', `no space left under ${root} for the image; nothing was kept`);
  return err;
}
