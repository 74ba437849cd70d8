/** The slice registry: every slice razor has, handed to the CLI, the dispatcher and the daemon. */
import { makeRegistry, type SliceRegistry } from '../lib/verbs/spec.js';
import { withCatalogChoices } from '../lib/verbs/catalog-choices.js';
import type { Catalog } from '../lib/domain/catalog.js';
import { activeModelSlice } from './active-model.js';
import { backupSlice } from './backup.js';
import { bmcSlice } from './bmc.js';
import { bootSlice } from './boot.js';
import { brokerSlice } from './broker.js';
import { configSlice } from './config.js';
import { hookSlice } from './hook/index.js';
import { imageSlice } from './image.js';
import { logSlice } from './log.js';
import { modelSlice } from './model.js';
import { nodeSlice } from './node.js';
import { policySlice } from './policy/index.js';
import { restoreSlice } from './restore.js';
import { storeSlice } from './store.js';
import { tagSlice } from './tag/index.js';
import { tokenSlice } from './token.js';

/** Builds the registry of all slices, with the choices the catalog's families give (policy templates, image types). */
export function allSlices(catalog: Catalog): SliceRegistry {
  return makeRegistry(
    withCatalogChoices(
      [
        activeModelSlice,
        backupSlice,
        bmcSlice,
        bootSlice,
        brokerSlice,
        configSlice,
        hookSlice,
        imageSlice,
        logSlice,
        modelSlice,
        nodeSlice,
        policySlice,
        restoreSlice,
        storeSlice,
        tagSlice,
        tokenSlice,
      ],
      catalog,
    ),
  );
}
