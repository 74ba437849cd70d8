/**
 * `vmSuite()`: `describe` when the VM prerequisites are there, else `describe.skip` with a loud
 * notice (a failure under RAZOR_TEST_REQUIRE_ALL=1), as every system suite does.
 */
import { describe } from '@jest/globals';
import { vmPrerequisites } from './env.js';

/** `describe`, or `describe.skip` (announced) when QEMU, ipxe-qemu, busybox-static… are missing. */
export function vmSuite(what: string, opts: { uefi?: boolean } = {}): typeof describe | typeof describe.skip {
  return vmPrerequisites(what, opts) ? describe : describe.skip;
}
