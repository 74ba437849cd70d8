/**
 * The REST API as an OpenAPI 3.1 document, generated from the verb declarations: one operation
 * per verb served over REST, at its declared path and method, with its fields as path, query or
 * JSON body parameters (their zod schemas as JSON Schema), its success status and the envelope.
 * Served at `/razor/api/openapi.json` and written to docs/openapi.json by `npm run docs`.
 */
import { z } from 'zod';
import { SUCCESS, type SliceRegistry, type SliceSpec, type VerbSpec } from './spec.js';
import type { Field } from './fields.js';

type Json = Record<string, unknown>;

/** `enable/:uuid` → `enable/{uuid}`; `*name` (the rest of the path) → `{name}`. */
const openApiPath = (slice: string, path: string) =>
  `/razor/api/${slice}${path ? `/${path.replace(/[:*]([A-Za-z_]\w*)/g, '{$1}')}` : ''}`;

/** The placeholder names of a declared path, in order. */
const placeholders = (path: string) => [...path.matchAll(/[:*]([A-Za-z_]\w*)/g)].map((m) => m[1] as string);

/** A field's value as JSON Schema (what a client sends, before razor's coercions). */
function fieldSchema(field: Field): Json {
  let schema: Json;
  try {
    schema = z.toJSONSchema(field.schema, { io: 'input', unrepresentable: 'any' }) as Json;
  } catch {
    schema = {};
  }
  delete schema.$schema;
  if (field.choices) schema.enum = [...field.choices];
  return { ...schema, description: field.help };
}

/** The operation of one verb. */
function operation(slice: SliceSpec, verb: VerbSpec, path: string): Json {
  const inPath = new Set(placeholders(path));
  const others = Object.entries(verb.fields).filter(([name]) => !inPath.has(name));
  const parameters: Json[] = [...inPath].map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: verb.fields[name] ? fieldSchema(verb.fields[name]) : { type: 'string' },
  }));
  const method = verb.http as string;
  const bodyless = method === 'GET' || method === 'DELETE';
  if (bodyless)
    for (const [name, f] of others)
      parameters.push({ name, in: 'query', required: f.required, schema: fieldSchema(f) });
  const success = SUCCESS[verb.success];
  const text = verb.contentType === 'text/plain';
  return {
    operationId: `${slice.name}_${verb.name.replace(/\s+/g, '_')}`,
    tags: [slice.name],
    summary: verb.summary,
    ...(verb.description ? { description: verb.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(!bodyless && others.length
      ? {
          requestBody: {
            required: others.some(([, f]) => f.required),
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: Object.fromEntries(others.map(([name, f]) => [name, fieldSchema(f)])),
                  required: others.filter(([, f]) => f.required).map(([name]) => name),
                },
              },
            },
          },
        }
      : {}),
    // Node-facing verbs are open: machines cannot hold a token (ADR 0009).
    security: verb.nodeFacing ? [] : [{ bearer: [] }],
    responses: {
      [String(success.http)]: text
        ? { description: success.result, content: { 'text/plain': { schema: { type: 'string' } } } }
        : {
            description: success.result,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } },
          },
      default: {
        description: 'An error envelope (`errcode` from razor’s one error table)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } },
      },
    },
  };
}

/** Every verb the REST API serves, with its declared path. */
export function restVerbs(
  registry: SliceRegistry,
): Array<{ slice: SliceSpec; verb: VerbSpec; path: string }> {
  const out = [];
  for (const slice of registry.values()) {
    if (slice.http === false) continue;
    for (const verb of slice.verbs)
      if (verb.http && verb.path !== undefined) out.push({ slice, verb, path: verb.path });
  }
  return out;
}

/** The OpenAPI 3.1 document of the REST API. */
export function openApiDocument(registry: SliceRegistry, version: string): Json {
  const paths: Record<string, Json> = {};
  for (const { slice, verb, path } of restVerbs(registry)) {
    const key = openApiPath(slice.name, path);
    paths[key] = { ...paths[key], [(verb.http as string).toLowerCase()]: operation(slice, verb, path) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'razor REST API',
      version,
      description:
        'Generated from razor’s verb declarations. Every answer is the original Project Razor ' +
        'envelope; admin routes need a bearer token, node-facing routes (boot, checkin, register, ' +
        'callbacks) are open. Any operation also takes its fields as one `json_hash` JSON text.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Envelope: {
          type: 'object',
          required: ['resource', 'command', 'result', 'http_err_code', 'errcode', 'response'],
          properties: {
            resource: { type: 'string', examples: ['ProjectRazor::Slice::Policy'] },
            command: { type: 'string' },
            result: { type: 'string' },
            http_err_code: { type: 'integer' },
            errcode: { type: 'integer', description: '0 on success' },
            response: {},
          },
        },
      },
    },
  };
}

/** docs/openapi.json's text: the document without a version, so it changes only with the verbs. */
export function openApiText(registry: SliceRegistry): string {
  return `${JSON.stringify(openApiDocument(registry, 'see razor --version'), null, 2)}\n`;
}
