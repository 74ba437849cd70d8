/**
 * The per-node rate limit charges the node the handler writes (issue 10, attack 7; ADR 0018),
 * against a real daemon in both invoke modes. Before the fix, a register carrying `hw_id` (a
 * decoy, fresh each time) and `@hw_id` (the victim) was counted against the decoy while the victim
 * was written, without limit. Now such a call is refused as ambiguous, every spelling the handler
 * accepts draws on the victim's bucket, and so does a victim MAC hidden among fresh decoy MACs —
 * refused calls leave the store byte-identical.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';

/** Two calls a minute: a token comes back only after 30 s, far longer than each phase takes. */
const RATE = 2;
const VICTIM = '525400123456';
const MK = { last_state: 'idle', attributes_hash: { mk_hw_nic_count: '2' } };
let decoys = 0;
/** A MAC no node has (so a call keyed on it would find a full bucket). */
const decoy = () => `02AA00${(++decoys).toString(16).padStart(6, '0').toUpperCase()}`;

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const mkHash = (hw: Record<string, string>) =>
  JSON.stringify({ ...hw, '@last_state': 'idle', '@attributes_hash': MK.attributes_hash });

/** A call: its path (under /razor/api/node/) and request. */
type Call = [string, RequestInit?];

/** Every spelling of "node `hw`" that register and checkin accept. */
const spellings = (hw: string): Array<[string, Call]> => [
  ['register, JSON body', ['register', json({ hw_id: hw, ...MK })]],
  ["register, JSON body with the Microkernel's @ keys", ['register', json({ '@hw_id': hw, ...MK })]],
  ["register, the Microkernel's form json_hash", ['register', form({ json_hash: mkHash({ '@hw_id': hw }) })]],
  ['register, json_hash in a JSON body', ['register', json({ json_hash: mkHash({ hw_id: hw }) })]],
  [
    'register, json_hash in the query',
    [`register?json_hash=${encodeURIComponent(mkHash({ hw_id: hw }))}`, { method: 'POST' }],
  ],
  ['register, query and body agreeing', [`register?hw_id=${hw}`, json({ hw_id: hw, ...MK })]],
  [
    'register, MAC with colons, lower case',
    ['register', json({ hw_id: hw.toLowerCase().replace(/(..)(?!$)/g, '$1:'), ...MK })],
  ],
  ['register, among fresh decoy MACs', ['register', json({ hw_id: `${decoy()}_${hw}_${decoy()}`, ...MK })]],
  ['checkin, query', [`checkin?hw_id=${hw}&last_state=idle`]],
  ['checkin, @ key in the query', [`checkin?%40hw_id=${hw}&last_state=idle`]],
  ['checkin, dashes', [`checkin?hw_id=${hw.replace(/(..)(?!$)/g, '$1-')}&last_state=idle`]],
  [
    'checkin, json_hash',
    [`checkin?json_hash=${encodeURIComponent(JSON.stringify({ '@hw_id': hw, '@last_state': 'idle' }))}`],
  ],
];

describe.each([['inprocess'], ['spawn']])('a daemon invoking %s', (mode) => {
  let home: ReturnType<typeof tempHome>;
  let d: DaemonProcess;
  const store = () => readFileSync(join(home.home, 'razor.json'), 'utf8');
  const call = async ([path, init]: Call) => {
    const res = await fetch(`${d.url}/razor/api/node/${path}`, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    home = tempHome();
    await writeSeed(home.home);
    d = await startDaemon(home.home, ['--invoke', mode], {
      RAZOR_CHECKIN_RATE_PER_MINUTE: String(RATE),
      RAZOR_INSTALL_TIMEOUT: '1000000000',
    });
  });
  afterAll(async () => {
    await d.stop();
    home.cleanup();
  });

  test('a decoy beside the victim is refused as ambiguous, charges nothing, writes nothing', async () => {
    const before = store();
    const attacks: Call[] = [
      ['register', json({ hw_id: decoy(), '@hw_id': VICTIM, ...MK })],
      ['register', form({ json_hash: mkHash({ hw_id: decoy(), '@hw_id': VICTIM }) })],
      [`register?hw_id=${decoy()}`, json({ hw_id: VICTIM, ...MK })],
      [`checkin?hw_id=${decoy()}&%40hw_id=${VICTIM}&last_state=idle`],
      [`checkin?hw_id=${decoy()}&hw_id=${VICTIM}&last_state=idle`],
    ];
    for (let round = 0; round < 3; round++) {
      for (const attack of attacks) {
        const r = await call(attack);
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ std_err_code: 111, http_err_code: 400 });
        expect(String(r.body.result)).toMatch(/given (twice|in both)|expected string/i);
      }
    }
    expect(store()).toBe(before);
  });

  test('every spelling draws on the victim bucket: after the limit all are 429, the store unchanged', async () => {
    const all = spellings(VICTIM);
    // The victim's bucket was not charged by the refused calls above: RATE calls go through.
    for (const [, c] of all.slice(0, RATE)) expect((await call(c)).status).toBe(200);
    const before = store();
    for (const [name, c] of spellings(VICTIM)) {
      const r = await call(c);
      expect([name, r.status]).toEqual([name, 429]);
      expect(r.body).toMatchObject({ std_err_code: 166, http_err_code: 429 });
      expect(String(r.body.result)).toMatch(new RegExp(`node \\S*${VICTIM}\\S* called node`));
    }
    expect(store()).toBe(before);
    // Another node is unaffected.
    expect((await call([`checkin?hw_id=525400654321&last_state=idle`])).status).toBe(200);
  });
});
