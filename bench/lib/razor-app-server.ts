/**
 * razor's own HTTP layer with the engine cut out, run as its own process for bench/boot-profile.ts:
 * daemon/app.ts's createApp (request ids, request log to a file, image mount, body parsers, REST →
 * argv, authorization) and daemon/server.ts's listen, as bin/daemon.ts wires them, but with an
 * invoke that answers the given file's text at once.
 * `node --import tsx bench/lib/razor-app-server.ts <body file> <log file> [info|silent]` (the
 * request log's level; razor's default is info); prints `listening <port>`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { listen } from '../../daemon/server.js';
import { authorizer } from '../../daemon/rest/authorize.js';
import { imageService } from '../../daemon/images/image-service.js';
import { routedApp } from '../../daemon/invoke.js';
import { allSlices } from '../../slices/index.js';
import { loadCatalog } from '../../lib/domain/catalog.js';
import { ROOT } from '../../test/helpers/deps.js';
import type { Store } from '../../lib/store/store.js';

const [file, logFile, level = 'info'] = process.argv.slice(2);
if (!file || !logFile) {
  process.stderr.write('usage: razor-app-server.ts <body file> <log file>\n');
  process.exit(2);
}
const body = readFileSync(file, 'utf8');
const registry = allSlices(await loadCatalog(join(ROOT, 'templates')));
const log = pino({ level }, pino.destination({ dest: logFile, sync: false, mkdir: true }));
const app = routedApp(registry, {
  invoke: async () => ({ status: 200, contentType: 'text/plain; charset=utf-8', body }),
  log,
  bodyLimitBytes: 1048576,
  requestTimeoutMs: 30000,
  health: () => ({}),
  images: imageService({ root: dirname(logFile), log }),
  // Boot is node-facing: the authorizer lets it through before it would ever look at a store.
  authorize: authorizer({ store: {} as Store, allowLocalhost: 'true', channel: 'tcp' }),
});
const running = await listen(app, { host: '127.0.0.1', port: 0, requestTimeoutMs: 30000, log });
process.stdout.write(`listening ${running.port}\n`);
process.once('SIGTERM', () => void running.stop(1000).then(() => log.flush()));
