/**
 * `bmc update` runs ipmitool (the test double in test/fixtures/bin, which logs its arguments to
 * IPMITOOL_LOG): the exact command line for each power state, the password passed in the
 * environment (never on the command line), the stored power state; and when ipmitool fails or is
 * missing, a CommandFailed naming the reason, and the store unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { ROOT, testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';

const FAKE_BIN = join(ROOT, 'test', 'fixtures', 'bin');
let home: ReturnType<typeof tempHome>;
let log: string;
const store = () => readFileSync(join(home.home, 'razor.json'));
const bmcDoc = () => JSON.parse(store().toString()).collections.bmc[SEED.bmc] as Record<string, string>;
const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

/** The app over deps whose child processes get `env` (PATH with the fake ipmitool unless replaced). */
async function appWith(env: Record<string, string> = {}) {
  return testApp(
    await testDeps(home.home, { PATH: `${FAKE_BIN}:${process.env.PATH}`, IPMITOOL_LOG: log, ...env }),
  );
}
const update = async (app: Awaited<ReturnType<typeof appWith>>, power_state: string) =>
  request(app).put(`/razor/api/bmc/${SEED.bmc}`).send({ power_state });

beforeAll(async () => {
  home = tempHome();
  log = join(home.home, 'ipmitool.log');
  await writeSeed(home.home);
});
afterAll(() => home.cleanup());

describe('bmc update runs ipmitool', () => {
  test.each([
    ['cycle', 'cycle', 'on', 'now power cycling'],
    ['off', 'off', 'off', 'now powering off'],
    ['on', 'on', 'on', 'now powering on'],
    ['reset', 'reset', 'on', 'now resetting'],
  ])('power_state %s → chassis power %s, stored %s', async (state, cmd, stored, done) => {
    const app = await appWith();
    const before = calls().length;
    const res = await update(app, state);
    expect(res.status).toBe(202);
    expect(res.text).toContain(`node '${SEED.bmc}' ${done}`);
    // The seeded BMC's address, the configured user, the password from the environment (-E).
    expect(calls().slice(before)).toEqual([`-I lanplus -H 192.0.2.50 -U ipmi_user -E chassis power ${cmd}`]);
    expect(bmcDoc().power_state).toBe(stored);
  });

  test('the password reaches ipmitool in IPMI_PASSWORD, never in its arguments', async () => {
    const passwords = join(home.home, 'ipmi-password.log');
    const app = await appWith({
      RAZOR_DEFAULT_IPMI_PASSWORD: 's3cret-pw',
      IPMITOOL_PASSWORD_LOG: passwords,
    });
    expect((await update(app, 'on')).status).toBe(202);
    expect(readFileSync(passwords, 'utf8')).toBe('s3cret-pw\n');
    expect(readFileSync(log, 'utf8')).not.toContain('s3cret-pw');
  });
});

describe('when ipmitool fails, nothing is recorded', () => {
  test('a BMC that does not answer: CommandFailed with ipmitool’s own message', async () => {
    const app = await appWith({ IPMITOOL_FAIL: 'Error: Unable to establish IPMI v2 / RMCP+ session' });
    const before = store();
    const res = await update(app, 'off');
    expect(res.status).toBe(400);
    expect(res.body.err_class).toBe('ProjectRazor::Error::Slice::CommandFailed');
    expect(res.body.result).toBe(
      'ipmitool chassis power off on 192.0.2.50 failed: Error: Unable to establish IPMI v2 / RMCP+ session',
    );
    expect(calls().at(-1)).toBe('-I lanplus -H 192.0.2.50 -U ipmi_user -E chassis power off');
    expect(store().equals(before)).toBe(true);
  });

  test('no ipmitool on the PATH: CommandFailed saying it is not installed', async () => {
    const app = await appWith({ PATH: '/nonexistent' });
    const before = store();
    const logged = calls().length;
    const res = await update(app, 'cycle');
    expect(res.status).toBe(400);
    expect(res.body.err_class).toBe('ProjectRazor::Error::Slice::CommandFailed');
    expect(res.body.result).toBe(
      'ipmitool chassis power cycle on 192.0.2.50 failed: ipmitool is not installed',
    );
    expect(calls()).toHaveLength(logged);
    expect(store().equals(before)).toBe(true);
  });
});
