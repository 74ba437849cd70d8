/** The dependencies a verb handler gets: passed in by the composition root, never imported globals. */
import type { EventOutbox } from '../events/outbox.js';
import type { Store } from '../store/store.js';
import type { Config } from '../config.js';
import type { Catalog } from '../domain/catalog.js';
import type { TemplateLoader } from '../domain/render-template.js';
import type { ProgressFactory } from '../images/progress.js';
import type { LastSeen } from '../engine/last-seen.js';

/** HTTP methods a verb can be reached with over REST. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Everything the dispatcher needs from the outside world. */
export interface Deps {
  readonly store: Store;
  readonly config: Config;
  /** Model types, broker plugins and policy templates, loaded from templates/. */
  readonly catalog: Catalog;
  /** Compiled templates by path under templates/, e.g. `ipxe/razor.ipxe.hbs`. */
  readonly template: TemplateLoader;
  readonly clock: () => Date;
  readonly newUuid: () => string;
  /** The environment child processes (ipmitool, …) run with. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Last-seen times held in memory (the daemon's): with it, a steady-state checkin writes nothing
   * (ADR 0027); without it (the CLI), every checkin is written at once.
   */
  readonly lastSeen?: LastSeen;
  /** Where committed changes' events go (the home's journal); absent when none are recorded. */
  readonly events?: EventOutbox;
}

/** What one verb call sees: the deps plus how it was invoked. */
export interface VerbContext extends Deps {
  /** `human`: a person at a shell; `web`: `razor -w` or the daemon. */
  readonly mode: 'human' | 'web';
  /** The HTTP method when the call came through the daemon. */
  readonly method?: HttpMethod;
  /** Progress reporting for long work (the human CLI draws a bar). */
  readonly progress?: ProgressFactory;
  /** Aborted when the person presses Ctrl-C. */
  readonly signal?: AbortSignal;
  /** The client's IP address when the call came over HTTP (`::ffff:` prefix removed). */
  readonly remote?: string;
}
