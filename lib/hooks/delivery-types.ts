/** What one delivery of an event to a hook takes and gives (lib/hooks/deliver.ts). */

/** An event as a hook gets it: a journal event, or the synthetic `hook-test` of `razor hook test`. */
export interface HookEvent {
  readonly seq: number;
  readonly type: string;
}

/** The outcome of one delivery attempt. */
export interface DeliveryOutcome {
  ok: boolean;
  /** Why it failed (exit status, HTTP status, timeout, …). */
  error?: string;
}

/** What a delivery needs besides the hook and the event: the PATH scripts run with, and when to give up. */
export interface DeliveryEnv {
  path: string;
  /** Aborted: the delivery ends at once (a script's process group is killed). */
  signal?: AbortSignal;
}
