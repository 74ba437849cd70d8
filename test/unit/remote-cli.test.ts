/**
 * The remote CLI's pieces (ADR 0025): `--url`/`--ca-file` only before the slice, a verb's call as
 * its declared REST route, an error envelope back as the RazorError it was, and the credentials file.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allSlices } from '../../slices/index.js';
import { builtInCatalog } from '../helpers/deps.js';
import { remoteTarget, takeRemoteSwitches, tokenFromFile } from '../../lib/cli/remote-target.js';
import { replyAnswer, replyError, restRequestFor } from '../../lib/cli/remote-call.js';
import type { SliceRegistry } from '../../lib/verbs/spec.js';

let registry: SliceRegistry;
beforeAll(async () => {
  registry = allSlices(await builtInCatalog());
});

const verb = (slice: string, name: string) => {
  const s = registry.get(slice)!;
  return [s, s.verbs.find((v) => v.name === name)!] as const;
};

describe('switches', () => {
  test('--url and --ca-file are taken before the slice only: after it --url is image add’s', () => {
    expect(takeRemoteSwitches(['-w', '--url', 'https://r:8026', '--ca-file=ca.pem', 'policy'])).toEqual({
      url: 'https://r:8026',
      caFile: 'ca.pem',
      argv: ['-w', 'policy'],
    });
    const image = ['image', 'add', '-t', 'os', '--url', 'http://mirror/'];
    expect(takeRemoteSwitches(image)).toEqual({ argv: image });
    expect(takeRemoteSwitches(['--url'])).toEqual({ error: expect.stringContaining('--url needs a value') });
  });

  test('no URL is local use; a token is not sent in cleartext to another host', () => {
    expect(remoteTarget({}, {})).toBeUndefined();
    expect(() => remoteTarget({ url: 'http://10.1.2.3:8026' }, { RAZOR_TOKEN: 't' })).toThrow('in cleartext');
    expect(remoteTarget({ url: 'http://127.0.0.1:8026' }, { RAZOR_TOKEN: 't' })?.token).toBe('t');
    expect(() => remoteTarget({ url: 'ftp://x' }, {})).toThrow('https://');
  });
});

describe('a verb as its REST route', () => {
  test('the declared path with placeholders filled; the rest is json_hash', () => {
    const [tag, matcherAdd] = verb('tag', 'matcher add');
    const raw = { tag: 'TagUuid', key: 'k', compare: 'equal', value: 'a b' };
    expect(restRequestFor(tag, matcherAdd, raw)).toEqual({
      method: 'POST',
      path: '/razor/api/tag/TagUuid/matcher',
      json: JSON.stringify({ key: 'k', compare: 'equal', value: 'a b' }),
    });
    const [policy, get] = verb('policy', 'get');
    expect(restRequestFor(policy, get, { uuid: 'a/b?' }).path).toBe('/razor/api/policy/a%2Fb%3F');
  });

  test('a verb not served over REST is refused before anything is sent', () => {
    const [log, show] = verb('log', 'show');
    expect(() => restRequestFor(log, show, {})).toThrow("run it on the daemon's host");
  });
});

describe('replies', () => {
  const json = 'application/json; charset=utf-8';
  test('an error envelope is the RazorError it was; a success is its response', () => {
    const body = JSON.stringify({
      err_class: 'ProjectRazor::Error::Slice::NotFound',
      result: 'no policy matches x',
    });
    const err = replyError({ status: 404, contentType: json, body });
    expect(err).toMatchObject({ kind: 'NotFound', message: 'no policy matches x' });
    expect(replyError({ status: 502, contentType: 'text/html', body: '<html>' })).toMatchObject({
      kind: 'InternalError',
    });
    expect(replyAnswer({ status: 200, contentType: json, body: '{"response":[1]}' })).toEqual([1]);
    expect(replyAnswer({ status: 200, contentType: 'text/plain', body: '#!ipxe' })).toBe('#!ipxe');
  });
});

describe('the credentials file', () => {
  test('a token per URL or for any; refused when others may read it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'razor-cred-')), 'credentials');
    writeFileSync(file, '# tokens\nhttps://a:8026 tokA\nanyToken\nhttps://b:8026/ tokB # b\n', {
      mode: 0o600,
    });
    expect(tokenFromFile(file, new URL('https://a:8026'))).toBe('tokA');
    expect(tokenFromFile(file, new URL('https://b:8026'))).toBe('tokB');
    expect(tokenFromFile(file, new URL('https://c:8026'))).toBe('anyToken');
    chmodSync(file, 0o640);
    expect(() => tokenFromFile(file, new URL('https://a:8026'))).toThrow("run 'chmod 600");
    expect(tokenFromFile(`${file}.missing`, new URL('https://a:8026'))).toBeUndefined();
  });
});
