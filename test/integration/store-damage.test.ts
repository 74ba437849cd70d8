/**
 * A damaged store at daemon start-up (issue 10, "also found"; ADR 0017): the daemon refuses to
 * start and names what is wrong, the newest good generation and the command that restores it —
 * after which it starts with the data of that generation. A store of the wrong structure is named
 * as such, not "internal error: Cannot read properties of undefined".
 */
import { describe, expect, test } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempHome } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon } from '../helpers/daemon.js';

const run = promisify(execFile);

/** `razor daemon` on `home`: its exit code and what it printed (it must not start). */
async function refusedStart(home: string): Promise<{ code: number; output: string }> {
  const result = await run(process.execPath, [RAZOR, 'daemon', '--port', '0', '--listen', '127.0.0.1'], {
    env: testEnv(home, { RAZOR_IMAGE_SVC_PORT: '0' }),
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
  );
  return result;
}

describe('a damaged store at start-up', () => {
  test('names the newest good generation and the command; after it the daemon starts with that data', async () => {
    const home = tempHome();
    try {
      const env = testEnv(home.home);
      for (const name of ['one', 'two', 'three'])
        await run(RAZOR, ['-w', 'tag', 'add', JSON.stringify({ name, tag: 't' })], { env });
      const file = join(home.home, 'razor.json');
      appendFileSync(file, '}'); // damaged in place, as an editor or a bad disk would
      const { code, output } = await refusedStart(home.home);
      expect(code).toBe(2);
      expect(output).toMatch(
        new RegExp(`^razor daemon: the store ${file} cannot be used: it is not valid JSON`),
      );
      expect(output).toContain(`the newest good generation is ${file}.1 (rev 2, written `);
      const command = /stop razor and run: (.*)$/m.exec(output)?.[1] as string;
      expect(command).toBe(`mv ${file} ${file}.corrupt && cp -p ${file}.1 ${file}`);
      execFileSync('sh', ['-c', command]);
      const d = await startDaemon(home.home);
      try {
        // Over TCP an admin call needs a token (ADR 0014): the daemon wrote the first one at start.
        const token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
        const headers = { authorization: `Bearer ${token}` };
        const tags = (await (await fetch(`${d.url}/razor/api/tag`, { headers })).json()) as {
          response: { name: string }[];
        };
        expect(tags.response.map((t) => t.name).sort()).toEqual(['one', 'two']);
      } finally {
        await d.stop();
      }
    } finally {
      home.cleanup();
    }
  });

  test('a store of the wrong structure is named as such', async () => {
    const home = tempHome();
    try {
      writeFileSync(
        join(home.home, 'razor.json'),
        JSON.stringify({ rev: 1, format: 'razor-store/1', collections: { node: { N1: { uuid: 'N1' } } } }),
      );
      const { code, output } = await refusedStart(home.home);
      expect(code).toBe(2);
      expect(output).toContain('"collections.node.N1" has "hw_id" missing, not an array');
      expect(output).not.toMatch(/internal error|Cannot read properties/);
    } finally {
      home.cleanup();
    }
  });
});
