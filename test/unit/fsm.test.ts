/**
 * The install state machine of every shipped model type, transition by transition: the declared
 * states equal the family's specification (reference §6.5 with this project's fixes); every edge
 * leads where it says through nextState and fire; unknown actions stay (or follow `else`);
 * reaching the final state without a broker moves on to complete_no_broker, with one it waits for
 * the node to pull its hand-off; and /boot and Microkernel checkins answer per state (§6.4).
 */
import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { ROOT } from '../helpers/deps.js';
import { loadCatalog } from '../../lib/domain/catalog.js';
import { bootAnswer, fire, LOG_LIMIT, mkAnswer, nextState } from '../../lib/engine/fsm.js';
import type { ModelType } from '../../lib/domain/model-type.js';
import type { ActiveModelDoc, BrokerDoc } from '../../lib/domain/documents.js';

type Edges = Record<string, string>;
type States = Record<string, Edges>;

/** The broker hand-off and error states every type shares (`_base`). */
const BASE: States = {
  os_complete: { broker_fetch: 'broker_wait' },
  broker_wait: {
    broker_fetch: 'broker_wait',
    broker_success: 'broker_success',
    broker_fail: 'broker_fail',
  },
  broker_success: {},
  broker_fail: { retry: 'broker_wait', broker_fetch: 'broker_wait' },
  complete_no_broker: {},
  timeout_error: {},
  error_catch: {},
};

/** init and preinstall of every family, named after its installer's callbacks (`<p>_start` …). */
const installStates = (p: string): States => ({
  init: {
    [`${p}_start`]: 'preinstall',
    [`${p}_file`]: 'init',
    [`${p}_end`]: 'postinstall',
    timeout: 'timeout_error',
    error: 'error_catch',
  },
  preinstall: {
    [`${p}_start`]: 'preinstall',
    [`${p}_file`]: 'preinstall',
    [`${p}_end`]: 'postinstall',
    [`${p}_timeout`]: 'timeout_error',
    timeout: 'timeout_error',
    error: 'error_catch',
  },
});

/** Linux families: the first-boot post-install reports os_final. */
const linux = (p: string): States => ({
  ...BASE,
  ...installStates(p),
  postinstall: {
    os_final: 'os_complete',
    post_error: 'error_catch',
    error: 'error_catch',
    post_timeout: 'timeout_error',
    timeout: 'timeout_error',
  },
});

const ESXI: States = {
  ...BASE,
  ...installStates('kickstart'),
  postinstall: {
    postinstall_end: 'os_complete',
    kickstart_file: 'postinstall',
    kickstart_end: 'postinstall',
    kickstart_timeout: 'postinstall',
    error: 'error_catch',
    timeout: 'timeout_error',
  },
};

const XENSERVER: States = {
  ...BASE,
  ...installStates('xenserverinstall_xml'),
  postinstall: {
    postinstall_end: 'os_complete',
    postinstallscript_inject: 'postinstall',
    postinstall_inject: 'postinstall',
    error: 'error_catch',
    timeout: 'timeout_error',
  },
};

/**
 * Each shipped type: its states and the events its callbacks fire on a whole install, in order,
 * with the state after each (the last leads to os_complete).
 */
interface Spec {
  states: States;
  install: [event: string, state: string][];
}

const preseed: Spec = {
  states: linux('preseed'),
  install: [
    ['bind', 'init'],
    ['preseed_file', 'init'],
    ['preseed_start', 'preinstall'],
    ['preseed_end', 'postinstall'],
    ['postinstall_inject', 'postinstall'],
    ['inject_ok', 'postinstall'],
    ['set_hostname_ok', 'postinstall'],
    ['os_boot', 'postinstall'],
    ['os_final', 'os_complete'],
  ],
};
const kickstart: Spec = {
  states: linux('kickstart'),
  install: [
    ['bind', 'init'],
    ['kickstart_file', 'init'],
    ['kickstart_start', 'preinstall'],
    ['kickstart_end', 'postinstall'],
    ['postinstall_inject', 'postinstall'],
    ['inject_ok', 'postinstall'],
    ['set_hostname_ok', 'postinstall'],
    ['os_boot', 'postinstall'],
    ['os_final', 'os_complete'],
  ],
};
const yast: Spec = {
  states: linux('yast'),
  install: [
    ['bind', 'init'],
    ['yast_file', 'init'],
    ['yast_start', 'preinstall'],
    ['yast_end', 'postinstall'],
    ['postinstall_inject', 'postinstall'],
    ['set_hostname_ok', 'postinstall'],
    ['os_boot', 'postinstall'],
    ['os_final', 'os_complete'],
  ],
};
const autoinstall: Spec = {
  states: linux('autoinstall'),
  install: [
    ['bind', 'init'],
    ['autoinstall_file', 'init'],
    ['autoinstall_start', 'preinstall'],
    ['autoinstall_end', 'postinstall'],
    ['postinstall_inject', 'postinstall'],
    ['inject_ok', 'postinstall'],
    ['set_hostname_ok', 'postinstall'],
    ['os_boot', 'postinstall'],
    ['os_final', 'os_complete'],
  ],
};
const esxi: Spec = {
  states: ESXI,
  install: [
    ['bind', 'init'],
    ['kickstart_file', 'init'],
    ['kickstart_start', 'preinstall'],
    ['kickstart_end', 'postinstall'],
    ['kickstart_file', 'postinstall'], // a second installer run fetching its kickstart
    ['postinstall_end', 'os_complete'],
  ],
};
const xenserver: Spec = {
  states: XENSERVER,
  install: [
    ['bind', 'init'],
    ['xenserverinstall_xml_file', 'init'],
    ['postinstallscript_inject', 'init'], // postinstall/download runs before it reports the end
    ['xenserverinstall_xml_end', 'postinstall'],
    ['postinstall_inject', 'postinstall'],
    ['postinstall_end', 'os_complete'],
  ],
};

/** Image-based installs (ADR 0029): the Microkernel writes the image and reports each step. */
const image: Spec = {
  states: {
    ...BASE,
    init: {
      install_plan: 'init',
      install_start: 'installing',
      install_fail: 'install_error',
      timeout: 'timeout_error',
      error: 'error_catch',
    },
    installing: {
      install_step: 'installing',
      install_log: 'installing',
      install_done: 'postinstall',
      install_fail: 'install_error',
      timeout: 'timeout_error',
      error: 'error_catch',
    },
    postinstall: {
      os_boot: 'postinstall',
      os_final: 'os_complete',
      timeout: 'timeout_error',
      error: 'error_catch',
    },
    install_error: {},
  },
  install: [
    ['bind', 'init'],
    ['install_plan', 'init'],
    ['install_start', 'installing'],
    ['install_step', 'installing'],
    ['install_done', 'postinstall'],
    ['os_boot', 'postinstall'],
    ['os_final', 'os_complete'],
  ],
};

const SPECS: Record<string, Spec> = {
  centos_6: kickstart,
  debian_bookworm: preseed,
  debian_bookworm_image: image,
  debian_wheezy: preseed,
  opensuse_15: yast,
  redhat_6: kickstart,
  rocky_9: kickstart,
  sles_11: yast,
  ubuntu_noble: autoinstall,
  ubuntu_precise: preseed,
  vmware_esxi_5: esxi,
  vmware_esxi_8: esxi,
  xenserver,
};

const AT = new Date('2026-01-01T00:00:00.000Z');

const BROKER: BrokerDoc = {
  uuid: 'FsmBroker0000000000001',
  name: 'puppet',
  description: 'Puppet',
  plugin: 'puppet',
  metadata: {},
  created_at: AT.toISOString(),
  updated_at: AT.toISOString(),
};

/** An active model of `type` in `state`, with or without a broker. */
function activeModel(type: ModelType, state: string, broker: boolean): ActiveModelDoc {
  return {
    uuid: 'FsmActive0000000000001',
    policy_uuid: 'FsmPolicy0000000000001',
    node_uuid: 'FsmNode000000000000001',
    label: 'fsm',
    state,
    counter: 1,
    hostname: 'node1.example.com',
    short_hostname: 'node1',
    domainname: 'example.com',
    ip: null,
    bound_at: AT.toISOString(),
    updated_at: AT.toISOString(),
    model: {
      uuid: 'FsmModel00000000000001',
      label: 'fsm',
      type: type.name,
      template: type.policy_template,
      description: type.description,
      image_uuid: 'FsmImage00000000000001',
      metadata: {},
      created_at: AT.toISOString(),
      updated_at: AT.toISOString(),
    },
    broker: broker ? BROKER : null,
    log: [],
  };
}

/** The state `fire` ends in after a declared edge from → to. */
const afterFire = (type: ModelType, from: string, to: string, broker: boolean) =>
  to === type.final_state && from !== to && !broker ? 'complete_no_broker' : to;

const catalog = await loadCatalog(join(ROOT, 'templates'));
const TYPES = [...catalog.modelTypes.values()].filter((t) => !t.hidden);

test('every non-hidden model type has a specification here, and every specification a type', () => {
  expect(TYPES.map((t) => t.name).sort()).toEqual(Object.keys(SPECS).sort());
});

describe.each(TYPES.map((t) => [t.name, t] as const))('model type %s', (name, type) => {
  const spec = SPECS[name] as Spec;
  const edges = Object.entries(spec.states).flatMap(([from, e]) =>
    Object.entries(e).map(([action, to]) => [from, action, to] as const),
  );
  const states = Object.keys(spec.states);

  test('declares exactly the states and edges of its family, ending in os_complete', () => {
    expect(type.states).toEqual(spec.states);
    expect(type.final_state).toBe('os_complete');
  });

  test.each(edges)('%s --%s--> %s (nextState)', (from, action, to) => {
    expect(nextState(type, from, action)).toBe(to);
  });

  test.each(edges)('%s --%s--> %s (fire, with and without a broker)', (from, action, to) => {
    for (const broker of [true, false]) {
      const am = activeModel(type, from, broker);
      fire(am, type, action, `test/${action}`, AT);
      expect({ broker, state: am.state }).toEqual({ broker, state: afterFire(type, from, to, broker) });
      expect(am.log[0]).toEqual({
        at: AT.toISOString(),
        old_state: from,
        state: to,
        action,
        result: `test/${action}`,
      });
      expect(am.updated_at).toBe(AT.toISOString());
    }
  });

  test.each(states)('an unknown action in %s keeps the state (no else declared)', (state) => {
    expect(type.states[state]?.else).toBeUndefined();
    expect(nextState(type, state, 'no_such_action')).toBe(state);
    const am = activeModel(type, state, false);
    fire(am, type, 'no_such_action', 'test', AT);
    expect(am.state).toBe(state);
    expect(am.log).toHaveLength(1);
  });

  test('an action in an undeclared state stays there', () => {
    expect(nextState(type, 'no_such_state', 'reset')).toBe('no_such_state');
  });

  test('an `else` edge catches every action the state does not name', () => {
    const withElse: ModelType = {
      ...type,
      states: { ...type.states, postinstall: { ...type.states.postinstall, else: 'error_catch' } },
    };
    expect(nextState(withElse, 'postinstall', 'no_such_action')).toBe('error_catch');
    expect(nextState(withElse, 'postinstall', 'timeout')).toBe('timeout_error');
    expect(nextState(withElse, 'init', 'no_such_action')).toBe('init');
  });

  test('a whole install without a broker ends in complete_no_broker, logged as broker_check', () => {
    const am = activeModel(type, 'init', false);
    for (const [event, state] of spec.install) {
      fire(am, type, event, `test/${event}`, AT);
      expect({ event, state: am.state }).toEqual({
        event,
        state: state === type.final_state ? 'complete_no_broker' : state,
      });
    }
    expect(am.log.slice(-2)).toEqual([
      expect.objectContaining({ state: 'os_complete', action: spec.install.at(-1)?.[0] }),
      expect.objectContaining({
        old_state: 'os_complete',
        state: 'complete_no_broker',
        action: 'broker_check',
        result: 'no broker attached',
      }),
    ]);
    // Done: further reports change nothing, a reset included (only an admin re-installs).
    fire(am, type, 'os_final', 'again', AT);
    fire(am, type, 'postinstall_end', 'again', AT);
    fire(am, type, 'reset', 'test', AT);
    expect(am.state).toBe('complete_no_broker');
  });

  test('a whole install with a broker stays in os_complete until the node pulls its hand-off', () => {
    const am = activeModel(type, 'init', true);
    for (const [event, state] of spec.install) {
      fire(am, type, event, `test/${event}`, AT);
      expect({ event, state: am.state }).toEqual({ event, state });
    }
    expect(am.state).toBe('os_complete');
    expect(am.log.map((e) => e.action)).not.toContain('broker_check');
    fire(am, type, 'broker_fetch', 'broker/script', AT);
    expect(am.state).toBe('broker_wait');
    fire(am, type, 'broker_fetch', 'broker/script', AT);
    expect(am.state).toBe('broker_wait');
    fire(am, type, 'broker_fail', 'broker/fail', AT);
    expect(am.state).toBe('broker_fail');
    fire(am, type, 'broker_fetch', 'broker/script', AT);
    expect(am.state).toBe('broker_wait');
    fire(am, type, 'broker_success', 'broker/success', AT);
    expect(am.state).toBe('broker_success');
    fire(am, type, 'broker_fail', 'late', AT);
    expect(am.state).toBe('broker_success');
  });

  test('os_complete reached again (after a reinstall) without a broker moves on again', () => {
    const am = activeModel(type, 'postinstall', false);
    const last = spec.install.at(-1)?.[0] as string;
    fire(am, type, last, 'test', AT);
    expect(am.state).toBe('complete_no_broker');
    am.state = 'postinstall';
    fire(am, type, last, 'test', AT);
    expect(am.state).toBe('complete_no_broker');
  });

  const hypervisor = type.policy_template !== 'linux_deploy';
  test.each([
    ['init', 'install', 'reboot'],
    ['preinstall', 'install', 'reboot'],
    ['postinstall', 'local', 'reboot'],
    ['os_complete', 'local', 'reboot'],
    // ESXi and XenServer hosts stay up (acknowledge) while their hand-off runs (§6.4).
    ['broker_wait', 'local', hypervisor ? 'acknowledge' : 'reboot'],
    ['broker_success', 'local', hypervisor ? 'acknowledge' : 'reboot'],
    ['broker_fail', 'local', hypervisor ? 'acknowledge' : 'reboot'],
    ['complete_no_broker', 'local', 'acknowledge'],
    ['timeout_error', 'mk', 'acknowledge'],
    ['error_catch', 'mk', 'acknowledge'],
    ['no_such_state', 'mk', 'acknowledge'],
  ])('in %s /boot serves %s and a checkin answers %s', (state, boot, mk) => {
    expect(bootAnswer(type, state)).toBe(boot);
    expect(mkAnswer(type, state)).toBe(mk);
  });
});

test('an image install: the installer (the Microkernel) while installing, never the half-written disk after a failure', () => {
  const type = catalog.modelTypes.get('debian_bookworm_image') as ModelType;
  expect([bootAnswer(type, 'installing'), mkAnswer(type, 'installing')]).toEqual(['install', 'reboot']);
  expect([bootAnswer(type, 'install_error'), mkAnswer(type, 'install_error')]).toEqual(['mk', 'acknowledge']);
  const am = activeModel(type, 'installing', false);
  fire(am, type, 'install_fail', 'install/fail/disk', AT);
  expect(am.state).toBe('install_error');
  for (const action of ['install_start', 'install_done', 'os_final', 'install_plan'])
    fire(am, type, action, 'late', AT);
  expect(am.state).toBe('install_error');
});

test('the log keeps the newest LOG_LIMIT entries', () => {
  const type = TYPES[0] as ModelType;
  const am = activeModel(type, 'init', true);
  for (let i = 0; i < LOG_LIMIT + 5; i++) fire(am, type, 'no_such_action', `n${i}`, AT);
  expect(am.log).toHaveLength(LOG_LIMIT);
  expect(am.log[0]?.result).toBe('n5');
  expect(am.log.at(-1)?.result).toBe(`n${LOG_LIMIT + 4}`);
});
