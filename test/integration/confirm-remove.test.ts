/**
 * Destructive verbs ask (issue 15, item 5). At a terminal (a pseudo-terminal here) `remove all` and
 * removing something in use ask, naming the users; no keeps everything. Without a terminal and with
 * `-w`, `remove all` needs --yes (ConfirmationRequired, nothing removed) and removing what is in use
 * needs --force (CouldNotRemove naming the users) — over REST too (`force`).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTerminal } from '../helpers/terminal.js';
import request from 'supertest';
import { ROOT, testDeps, testEnv } from '../helpers/deps.js';
import { RAZOR, runRazor } from '../helpers/daemon.js';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testApp } from '../helpers/app.js';

let home: ReturnType<typeof tempHome>;
beforeEach(async () => {
  home = tempHome();
  const data = seedData();
  // Both seeded policies name the seeded rule's tag: the rule is in use.
  for (const p of Object.values(data.collections.policy ?? {}))
    (p as unknown as { tags: string[] }).tags = ['dual_nic'];
  await writeSeed(home.home, data);
});
afterEach(() => home.cleanup());

const storeText = () => readFileSync(join(home.home, 'razor.json'), 'utf8');
const tags = () => Object.keys(JSON.parse(storeText()).collections.tag ?? {});
const razor = (...args: string[]) => runRazor(args, testEnv(home.home));
const USERS = `tag rule ${SEED.tag} is used by policy ${SEED.policy}, ${SEED.policy2}`;

/** `razor <args>` in a pseudo-terminal: waits for `question`, answers `answer`, returns exit and output. */
async function atTerminal(args: string[], question: string, answer: string) {
  const t = openTerminal(RAZOR, args, { cwd: ROOT, env: testEnv(home.home) });
  const deadline = Date.now() + 20_000;
  while (!t.output().replace(/\r?\n/g, ' ').includes(question)) {
    if (Date.now() > deadline)
      throw new Error(`no question ${JSON.stringify(question)}; got:\n${t.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  t.write(`${answer}\r`);
  return t.exited;
}

test('at a terminal, `razor tag remove all` asks, naming the policies; n keeps everything', async () => {
  const before = storeText();
  const q = `Remove every tag rule (1)? ${USERS}. Remove anyway? [y/N]`;
  const no = await atTerminal(['tag', 'remove', 'all'], q, 'n');
  expect(no.out).toContain('cancelled at the prompt; nothing was removed');
  expect(no.code).toBe(2);
  expect(storeText()).toBe(before);
  const yes = await atTerminal(['tag', 'remove', 'all'], q, 'y');
  expect(yes.code).toBe(0);
  expect(yes.out).toContain('1 tag rule objects removed');
  expect(tags()).toEqual([]);
});

test('at a terminal, removing a model a policy uses asks; y removes it', async () => {
  const q = `Remove model ${SEED.model_in_use}? model ${SEED.model_in_use} is used by policy ${SEED.policy}, ${SEED.policy2}. Remove anyway? [y/N]`;
  const r = await atTerminal(['model', 'remove', SEED.model_in_use], q, 'yes');
  expect(r.code).toBe(0);
  expect(Object.keys(JSON.parse(storeText()).collections.model)).toEqual([SEED.model]);
});

test('without a terminal, remove all needs --yes, and --force for what is in use; nothing changes before', async () => {
  const before = storeText();
  const plain = await razor('tag', 'remove', 'all');
  expect(plain.code).toBe(2);
  expect(plain.stderr).toContain(
    'razor tag remove-all: tag remove all would remove 1 tag rule object(s); nothing was removed. Confirm with --yes (-y; with -w: \'{"yes":true}\'), and --force as some are in use',
  );
  const web = await razor('-w', 'tag', 'remove', 'all');
  expect(web.code).toBe(2);
  expect(JSON.parse(web.stdout)).toMatchObject({
    std_err_code: 170,
    err_class: 'ProjectRazor::Error::Slice::ConfirmationRequired',
    http_err_code: 400,
  });
  const yes = await razor('tag', 'remove', 'all', '--yes');
  expect(yes.code).toBe(4);
  expect(yes.stderr).toContain(`${USERS}; remove or change those first, or pass --force to remove it anyway`);
  const webYes = await razor('-w', 'tag', 'remove', 'all', '{"yes":true}');
  expect(JSON.parse(webYes.stdout)).toMatchObject({
    std_err_code: 127,
    result: expect.stringContaining(USERS),
  });
  expect(storeText()).toBe(before);
  const forced = await razor('tag', 'remove', 'all', '-y', '--force');
  expect(forced.code).toBe(0);
  expect(tags()).toEqual([]);
});

test('without a terminal, removing one rule in use is refused naming its policies; --force removes it', async () => {
  const before = storeText();
  const refused = await razor('tag', 'remove', SEED.tag);
  expect(refused.code).toBe(4);
  expect(refused.stderr).toContain(USERS);
  expect(storeText()).toBe(before);
  const forced = await razor('tag', 'remove', SEED.tag, '-f');
  expect(forced.code).toBe(0);
  expect(tags()).toEqual([]);
});

test('REST: DELETE of a model in use is 403 naming the policies; with force=true it is removed', async () => {
  const app = testApp(await testDeps(home.home));
  const refused = await request(app).delete(`/razor/api/model/${SEED.model_in_use}`);
  expect(refused.status).toBe(403);
  expect(refused.body.result).toContain(`model ${SEED.model_in_use} is used by policy ${SEED.policy}`);
  const forced = await request(app).delete(`/razor/api/model/${SEED.model_in_use}?force=true`);
  expect(forced.status).toBe(202);
  expect(Object.keys(JSON.parse(storeText()).collections.model)).toEqual([SEED.model]);
});
