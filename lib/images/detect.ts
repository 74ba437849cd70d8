/**
 * Verification of an unpacked image by its type's declared recognition rules
 * (templates/images/<type>/image.yaml, reference §7 done better): the first rule whose conditions
 * hold, whose boot files are present and whose checks pass says what the image is; when none
 * holds, the type's `unrecognised` message says what was looked for.
 */
import { join } from 'node:path';
import { RazorError } from '../errors.js';
import { findFile, findPath, sha256File } from './image-tree.js';
import { ruleValues, type RuleValues } from './rule-values.js';
import type { Check, Condition, ImageType, RecogniseRule } from '../domain/image-type-schema.js';

export { findPath } from './image-tree.js';

/** What verification learned about an image. */
export interface ImageInfo {
  name: string;
  version: string;
  kernel?: string;
  initrd?: string;
  boot_cfg?: string;
}

const bad = (msg: string) => new RazorError('InvalidImageFilePath', msg);

async function holds(c: Condition, dir: string, v: RuleValues): Promise<boolean> {
  if (c.exists !== undefined) {
    for (const p of c.exists) if ((await findPath(dir, p)) !== undefined) return true;
    return false;
  }
  if (c.value !== undefined) return ((await v.get(c.value)) ?? '') !== '';
  for (const any of c.any ?? []) if (await holds(any, dir, v)) return true;
  return false;
}

async function bootFiles(
  rule: RecogniseRule,
  dir: string,
  v: RuleValues,
): Promise<[string, string] | undefined> {
  for (const [k, i] of rule.boot_files ?? []) {
    const [kernelPath, initrdPath] = [await v.fill(k), await v.fill(i)];
    if (!kernelPath || !initrdPath) continue;
    const kernel = await findFile(dir, kernelPath);
    const initrd = await findFile(dir, initrdPath);
    if (kernel && initrd) return [kernel, initrd];
  }
  return undefined;
}

async function verify(check: Check, dir: string, v: RuleValues): Promise<void> {
  if (check.values) {
    const missing: string[] = [];
    for (const name of check.values) if ((await v.get(name)) === undefined) missing.push(name);
    if (missing.length) throw bad(await v.say(check.otherwise, { missing: missing.join(', ') }));
    return;
  }
  const named = await v.fill(check.sha256 ?? '');
  const path = named ? await findFile(dir, named) : undefined;
  if (!path) throw bad(await v.say(check.absent ?? ''));
  const actual = await sha256File(join(dir, path));
  if (actual !== (await v.fill(check.equals ?? ''))?.toLowerCase())
    throw bad(await v.say(check.otherwise, { path, actual }));
}

/** What `rule` makes of the image in `dir`, or undefined when the rule does not hold. */
async function apply(rule: RecogniseRule, dir: string): Promise<ImageInfo | undefined> {
  const v = ruleValues(rule, dir);
  for (const c of rule.when) if (!(await holds(c, dir, v))) return undefined;
  if (rule.boot_files) {
    const pair = await bootFiles(rule, dir, v);
    if (!pair) {
      if (rule.no_boot_files) throw bad(await v.say(rule.no_boot_files));
      return undefined;
    }
    v.set('kernel', pair[0]);
    v.set('initrd', pair[1]);
  }
  for (const check of rule.require) await verify(check, dir, v);
  const info: ImageInfo = { name: (await v.get('name')) ?? '', version: (await v.get('version')) ?? '' };
  for (const part of ['kernel', 'initrd', 'boot_cfg'] as const) {
    const value = await v.get(part);
    if (value !== undefined) info[part] = value;
  }
  return info;
}

/** Verifies an unpacked image of `type`; throws InvalidImageFilePath saying what is missing. */
export async function verifyImage(type: ImageType, dir: string): Promise<ImageInfo> {
  for (const rule of type.recognise) {
    const info = await apply(rule, dir);
    if (info) return info;
  }
  throw bad(type.unrecognised);
}
