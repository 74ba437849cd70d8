/**
 * Manual timing of the pieces of one boot request, in this process, over the store the daemon left
 * (wired as the daemon wires itself): wall time and CPU time (user + system, all threads, so libuv's
 * file-system threads count) per call, each call awaited alone.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { allSlices } from '../../slices/index.js';
import { dispatchArgv } from '../../lib/verbs/dispatch.js';
import { translateToHttp } from '../../lib/verbs/translate-http.js';
import { parseJsonArg } from '../../lib/verbs/input.js';
import { routeWords } from '../../lib/verbs/router.js';
import { validateInput } from '../../lib/verbs/validate-input.js';
import { bootScript } from '../../lib/engine/boot.js';
import { nodeByMacs } from '../../lib/engine/nodes.js';
import { renderModelTemplate } from '../../lib/engine/render-context.js';
import { parseHwId } from '../../lib/domain/hwid.js';
import { testDeps } from '../../test/helpers/deps.js';
import type { ActiveModelDoc, ImageDoc, NodeDoc } from '../../lib/domain/documents.js';
import type { Target } from './fleet.js';

/** One timed piece: µs per call. */
export interface Piece {
  name: string;
  wallUs: number;
  cpuUs: number;
}

async function time(name: string, n: number, fn: () => unknown): Promise<Piece> {
  for (let i = 0; i < Math.ceil(n / 10); i++) await fn();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { name, wallUs: (wall * 1000) / n, cpuUs: (cpu.user + cpu.system) / n };
}

/** Times the parts of `GET /razor/api/boot?<query>` for `target`, `n` calls each. */
export async function bootBreakdown(
  home: string,
  env: Record<string, string>,
  target: Target,
  n: number,
): Promise<Piece[]> {
  const deps = await testDeps(home, env);
  const registry = allSlices(deps.catalog);
  const ctx = { ...deps, mode: 'web' as const, method: 'GET' as const };
  const hwId = `${target.macs.join('_')}______`;
  const dhcpMac = `01-${target.macs[0].replace(/:/g, '-')}`;
  const { macs } = parseHwId(hwId);
  const found = await deps.store.read(async (r) => {
    const node = (await nodeByMacs(r, macs)) as NodeDoc;
    const am = (await r.findBy<ActiveModelDoc>('active_model', 'node_uuid', node.uuid))[0] as ActiveModelDoc;
    return { node, am, image: await r.get<ImageDoc>('image', am.model.image_uuid) };
  });
  const type = deps.catalog.modelTypes.get(found.am.model.type);
  if (!type) throw new Error('no model type');
  const log = pino(
    { level: 'info' },
    pino.destination({ dest: join(home, 'log', 'bench.log'), sync: false }),
  );
  const argv = ['boot', JSON.stringify({ hw_id: hwId, dhcp_mac: dhcpMac })];
  const slice = registry.get('boot');
  if (!slice) throw new Error('no boot slice');
  const invoke = async () =>
    translateToHttp(await dispatchArgv(deps, registry, argv, { mode: 'web', method: 'GET' }), deps);
  // Settle first: the 10 MB store was just parsed, and its promotion to the old generation would
  // otherwise land on whichever piece is timed first.
  for (const t0 = performance.now(); performance.now() - t0 < 2000;) await invoke();
  const pieces = [
    await time('whole in-process invoke: dispatchArgv + translateToHttp', n, invoke),
    await time('  dispatch front: parseJsonArg + routeWords + validateInput', n, () => {
      const raw = parseJsonArg(argv[1] as string);
      const route = routeWords(slice, []);
      return route && validateInput(slice, route.verb, raw);
    }),
    await time('  bootScript (the engine)', n, () => bootScript(ctx, { hwId, dhcpMac })),
    await time('    store.read, empty (the freshness check of every read)', n, () =>
      deps.store.read(async () => undefined),
    ),
    await time('    store.read: node by MACs, its active model and image (as bootScript)', n, () =>
      deps.store.read(async (r) => {
        const node = await nodeByMacs(r, macs);
        const am = node && (await r.findBy<ActiveModelDoc>('active_model', 'node_uuid', node.uuid))[0];
        return am && (await r.get('image', am.model.image_uuid));
      }),
    ),
    await time('    renderModelTemplate boot_install', n, () =>
      renderModelTemplate(
        deps.template,
        { config: deps.config, type, node: found.node, am: found.am, image: found.image },
        'boot_install',
      ),
    ),
    await time('pino request log line (async destination)', n, () =>
      log.info(
        { req_id: 'x', method: 'GET', url: `/razor/api/boot?hw_id=${hwId}`, status: 200, ms: 0.3 },
        'request',
      ),
    ),
  ];
  log.flush();
  await deps.store.close();
  return pieces;
}
