/**
 * The OpenAPI 3.1 document (lib/verbs/openapi.ts): a real validator accepts it; it has one
 * operation for every verb served over REST and none other; docs/openapi.json is what the
 * declarations generate; and the daemon's app serves it at /razor/api/openapi.json, without a token.
 */
import { createServer } from 'node:http';
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { allSlices } from '../../slices/index.js';
import { openApiDocument, openApiText, restVerbs } from '../../lib/verbs/openapi.js';
import { memoryStore } from '../../lib/store/memory.js';
import { ROOT, builtInCatalog, memoryDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';

const registry = allSlices(await builtInCatalog());
type Operation = {
  operationId: string;
  security: unknown[];
  parameters?: Array<{ name: string; in: string }>;
};
const operations = (doc: Record<string, unknown>) =>
  Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

describe('the OpenAPI document', () => {
  test('validates as OpenAPI 3.1', async () => {
    const result = await new Validator().validate(openApiDocument(registry, '0.1.0'));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('has one operation per verb served over REST, at its declared path and method', () => {
    const ops = operations(openApiDocument(registry, '0.1.0'));
    const served = restVerbs(registry);
    expect(ops.length).toBe(served.length);
    const expected = served.map(
      ({ slice, verb, path }) =>
        `${verb.http} /razor/api/${slice.name}${path ? `/${path.replace(/[:*](\w+)/g, '{$1}')}` : ''}`,
    );
    expect(ops.map((o) => o.key).sort()).toEqual(expected.sort());
    // The verbs left out are exactly those not served over REST (CLI-only slices and verbs).
    const left = [...registry.values()].flatMap((s) =>
      s.verbs.filter((v) => !served.some((r) => r.verb === v)).map((v) => ({ s, v })),
    );
    for (const { s, v } of left)
      expect([s.name, v.name, s.http === false || v.http === null]).toEqual([s.name, v.name, true]);
    expect(ops.length).toBeGreaterThan(40);
  });

  test('node-facing operations are open, admin ones need the bearer token', () => {
    const ops = new Map(operations(openApiDocument(registry, '0.1.0')).map((o) => [o.key, o.op]));
    expect(ops.get('GET /razor/api/boot')?.security).toEqual([]);
    expect(ops.get('POST /razor/api/policy')?.security).toEqual([{ bearer: [] }]);
    expect(ops.get('GET /razor/api/node/{uuid}')?.parameters?.[0]).toMatchObject({
      name: 'uuid',
      in: 'path',
    });
  });

  test('docs/openapi.json is what the declarations generate (npm run docs)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8')).toBe(openApiText(registry));
  });

  test('the daemon serves it at /razor/api/openapi.json without a token', async () => {
    const deps = await memoryDeps('/nonexistent-home', memoryStore());
    const server = createServer(testApp(deps)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/razor/api/openapi.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc.openapi).toBe('3.1.0');
      expect(operations(doc).length).toBe(restVerbs(registry).length);
    } finally {
      server.close();
    }
  });
});
