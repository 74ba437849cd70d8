/** The slice registry: every slice razor has, handed to the CLI, the dispatcher and the daemon. */
import { makeRegistry, type SliceRegistry } from '../lib/verbs/spec.js';
import { activeModelSlice } from './active-model.js';
import { bmcSlice } from './bmc.js';
import { bootSlice } from './boot.js';
import { brokerSlice } from './broker.js';
import { configSlice } from './config.js';
import { imageSlice } from './image.js';
import { logSlice } from './log.js';
import { modelSlice } from './model.js';
import { nodeSlice } from './node.js';
import { policySlice } from './policy/index.js';
import { tagSlice } from './tag/index.js';
import { tokenSlice } from './token.js';

/** Builds the registry of all slices. */
export function allSlices(): SliceRegistry {
  return makeRegistry([
    activeModelSlice,
    bmcSlice,
    bootSlice,
    brokerSlice,
    configSlice,
    imageSlice,
    logSlice,
    modelSlice,
    nodeSlice,
    policySlice,
    tagSlice,
    tokenSlice,
  ]);
}
