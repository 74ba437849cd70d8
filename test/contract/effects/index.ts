/** Every slice's declared effects, by slice name then verb name. */
import { activeModelEffects } from './active-model.js';
import { backupEffects, restoreEffects } from './backup.js';
import { bmcEffects } from './bmc.js';
import { bootEffects } from './boot.js';
import { brokerEffects } from './broker.js';
import { configEffects } from './config.js';
import { hookEffects } from './hook.js';
import { imageEffects } from './image.js';
import { logEffects } from './log.js';
import { modelEffects } from './model.js';
import { nodeEffects } from './node.js';
import { policyEffects } from './policy.js';
import { storeEffects } from './store.js';
import { tagEffects } from './tag.js';
import { tokenEffects } from './token.js';
import type { SliceEffects } from './effect.js';

/** slice → verb → effect. */
export const EFFECTS: Readonly<Record<string, SliceEffects>> = {
  active_model: activeModelEffects,
  backup: backupEffects,
  bmc: bmcEffects,
  boot: bootEffects,
  broker: brokerEffects,
  config: configEffects,
  hook: hookEffects,
  image: imageEffects,
  log: logEffects,
  model: modelEffects,
  node: nodeEffects,
  policy: policyEffects,
  restore: restoreEffects,
  store: storeEffects,
  tag: tagEffects,
  token: tokenEffects,
};
