/**
 * The remote CLI (ADR 0025) passes the CLI suite: every case of cli.test.ts, run with RAZOR_URL,
 * RAZOR_TOKEN and RAZOR_CA_FILE against a daemon of the case's home serving TLS on another port,
 * from an empty client home. Left out: `razor config` (this host's configuration; not over REST).
 */
import { afterAll } from '@jest/globals';
import { remoteMode, useCliMode } from '../helpers/cli-mode.js';

const mode = remoteMode();
useCliMode(mode);
afterAll(() => mode.stop());
await import('./cli.test.js');
