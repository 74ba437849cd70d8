/**
 * What the daemon log must not hold (daemon/logs/log-redact.ts, daemon/logs/log-file.ts, ADR 0017): secret
 * fields in URLs, JSON in URLs, logged objects and errors; active model UUIDs beyond their first
 * six characters. The secret names come from the catalog's `secret: true` metadata and the usual
 * names; everything else is left exactly as it was.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogSecretKeys, redactLogObject, redactUrl, secretNames } from '../../daemon/logs/log-redact.js';
import { fileLogger } from '../../daemon/logs/log-file.js';
import { loadCatalog } from '../../lib/domain/catalog.js';
import { ROOT } from '../helpers/deps.js';

const AM = 'ActiveSeed000000000001';
const names = secretNames(['validation_key', 'root_password']);

describe('secret names', () => {
  test('the catalog declares root_password and validation_key secret', async () => {
    const keys = catalogSecretKeys(await loadCatalog(join(ROOT, 'templates')));
    expect(keys).toEqual(expect.arrayContaining(['root_password', 'validation_key']));
  });

  test('declared names, the usual names, any case, with a leading @', () => {
    for (const name of [
      'root_password',
      '@root_password',
      'ROOT_PASSWORD',
      'validation_key',
      'password',
      'default_ipmi_password',
      'token',
      'client_secret',
      'passphrase',
    ])
      expect([name, names.is(name)]).toEqual([name, true]);
    for (const name of ['hw_id', 'name', 'tag', 'label', 'dhcp_mac', 'hostname_prefix', 'url', 'who'])
      expect([name, names.is(name)]).toEqual([name, false]);
  });
});

describe('URLs', () => {
  const cases: [string, string][] = [
    ['/razor/api/model?root_password=hunter2&label=x', '/razor/api/model?root_password=[redacted]&label=x'],
    ['/razor/api/model?%72oot_password=hunter2', '/razor/api/model?%72oot_password=[redacted]'],
    ['/razor/api/broker?password=hunter2', '/razor/api/broker?password=[redacted]'],
    [
      `/razor/api/model?json_hash=${encodeURIComponent('{"label":"x","req_metadata_hash":{"root_password":"hunter2"}}')}`,
      `/razor/api/model?json_hash=${encodeURIComponent('{"label":"x","req_metadata_hash":{"root_password":"[redacted]"}}')}`,
    ],
    [
      `/razor/api/model?json_hash=${encodeURIComponent('{"root\\u005fpassword":"hunter2"}')}`,
      `/razor/api/model?json_hash=${encodeURIComponent('{"root_password":"[redacted]"}')}`,
    ],
    [`/razor/api/policy/callback/${AM}/preseed/file`, '/razor/api/policy/callback/Active…/preseed/file'],
    [`/razor/api/POLICY/Callback//${AM}/x`, '/razor/api/POLICY/Callback//Active…/x'],
    [
      `/razor/api/policy/callback/${encodeURIComponent(AM).replace('A', '%41')}/x`,
      '/razor/api/policy/callback/Active…/x',
    ],
    [
      `/razor/api/policy/callback?active_model=${AM}&namespace=x`,
      '/razor/api/policy/callback?active_model=Active%E2%80%A6&namespace=x',
    ],
    [`/razor/api/active_model/${AM}`, '/razor/api/active_model/Active…'],
    [
      '/razor/api/boot?hw_id=525400123456&dhcp_mac=01-52-54-00-12-34-56',
      '/razor/api/boot?hw_id=525400123456&dhcp_mac=01-52-54-00-12-34-56',
    ],
    ['/razor/api/tag?name=%7Bnot%20json', '/razor/api/tag?name=%7Bnot%20json'],
    ['/healthz', '/healthz'],
  ];
  test.each(cases)('%s', (url, logged) => {
    expect(redactUrl(url, names)).toBe(logged);
    expect(redactUrl(url, names)).not.toMatch(/hunter2|ActiveSeed000000000001/);
  });
});

describe('logged objects', () => {
  test('the request line, secret fields, active model lists; unchanged objects are returned as they are', () => {
    const line = {
      req_id: 'a-1',
      method: 'GET',
      url: '/razor/api/boot?hw_id=1',
      status: 200,
      ms: 1.5,
      who: 'node',
    };
    expect(redactLogObject(line, names)).toBe(line);
    expect(redactLogObject({ active_models: [AM, 'Other00000000000000002'] }, names)).toEqual({
      active_models: ['Active…', 'Other0…'],
    });
    expect(
      redactLogObject({ body: { metadata: { root_password: 'hunter2', x: 1 } }, token: 'rzr_abc' }, names),
    ).toEqual({
      body: { metadata: { root_password: '[redacted]', x: 1 } },
      token: '[redacted]',
    });
  });

  test('through the real logger: errors, messages of errors and URLs never reach the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'razor-redact-'));
    try {
      const file = join(dir, 'razor.log');
      const log = fileLogger(file, 'info', { secretKeys: ['root_password'] });
      const err = new Error(
        `bad request root_password=hunter2 for /razor/api/policy/callback/${AM}/x {"password": "hunter2"}`,
      );
      log.error({ err, req_id: 'r1' }, 'unexpected error');
      log.warn({ active_models: [AM] }, 'installs timed out');
      log.info(
        { url: `/razor/api/policy/callback/${AM}/preseed/file?password=hunter2`, status: 200 },
        'request',
      );
      await new Promise<void>((r) => log.flush(() => r()));
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      expect(text.split('\n').filter(Boolean)).toHaveLength(3);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(AM);
      const [first] = text.split('\n').map((l) => (l ? JSON.parse(l) : undefined));
      expect(first.err).toMatchObject({
        type: 'Error',
        message: expect.stringContaining('root_password=[redacted] for /razor/api/policy/callback/Active…/x'),
      });
      expect(first.err.stack).toContain('at ');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
