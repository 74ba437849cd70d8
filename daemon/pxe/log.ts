/** The logging the PXE services need (a pino logger fits); passed in, never imported. */
export interface PxeLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** A log that drops everything (tests, the bench). */
export const silentLog: PxeLog = { info: () => undefined, warn: () => undefined, debug: () => undefined };
