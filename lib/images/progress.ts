/** Progress of long work (image imports), reported by the CLI as a bar or as lines. */

/** One task's progress. */
export interface Progress {
  /** `bytes` more are done. */
  advance(bytes: number): void;
  /** The work ended (successfully or not). */
  finish(): void;
}

/** Starts reporting a task of `total` bytes. */
export type ProgressFactory = (label: string, total: number) => Progress;

/** Reports nothing. */
export const silentProgress: ProgressFactory = () => ({ advance: () => undefined, finish: () => undefined });
