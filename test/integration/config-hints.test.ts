/**
 * Config errors that point at the fix (issue 15 item 9), through bin/razor: an unknown key names
 * the closest known key and its line; a YAML syntax error shows its line (no dangling "column 11:");
 * `razor config` still lists the known keys when config.yaml is bad, and says the file is bad.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DEFAULTS } from '../../lib/config.js';
import { testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { tempHome } from '../helpers/fixture.js';

let home: ReturnType<typeof tempHome>;
let file: string;
beforeEach(() => {
  home = tempHome('razor-config-hints-');
  file = join(home.home, 'config.yaml');
});
afterEach(() => home.cleanup());

const razor = (args: string[]) => runRazor(args, testEnv(home.home));

describe('an unknown key', () => {
  test('names the closest known key and shows the line it is on', async () => {
    writeFileSync(file, 'log_level: info\n\napi_prot: 8026\n');
    const r = await razor(['tag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `razor: ${file}: unknown key 'api_prot' — did you mean 'api_port'? (line 3: api_prot: 8026)\n`,
    );
  });

  test('far from every key, it points at razor config', async () => {
    writeFileSync(file, 'zzzzzz: 1\n');
    const r = await razor(['tag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `razor: ${file}: unknown key 'zzzzzz'; 'razor config' lists the known keys (line 1: zzzzzz: 1)\n`,
    );
  });
});

describe('razor config with a bad config.yaml', () => {
  test('says the file is bad and still lists every known key', async () => {
    writeFileSync(file, 'api_prot: 8026\n');
    for (const args of [['config'], ['config', 'read'], ['-n', 'config']]) {
      const r = await razor(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain("unknown key 'api_prot' — did you mean 'api_port'?");
      expect(r.stdout).toMatch(/^The configuration file above is bad; these are the keys it may set/);
      for (const key of Object.keys(CONFIG_DEFAULTS))
        expect(r.stdout).toMatch(new RegExp(`^ {2}${key} `, 'm'));
    }
  });

  test('other commands show only the error', async () => {
    writeFileSync(file, 'api_prot: 8026\n');
    for (const args of [['config', 'ipxe'], ['tag'], ['-w', 'config']]) {
      const r = await razor(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stdout).not.toContain('keys it may set');
    }
  });
});

describe('YAML syntax errors', () => {
  test.each([
    ['api_port: [8026\n', 'line 1: api_port: [8026'],
    ['a: b\n  c: d\n', 'line 1, column 4: a: b'],
    ['log_level: info\nmk_uri: "http://x\n', 'line 2: mk_uri: "http://x'],
  ])('%j shows its line', async (text, where) => {
    writeFileSync(file, text);
    const r = await razor(['tag']);
    expect(r.code).toBe(2);
    const line = r.stderr.trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(new RegExp(`^razor: ${file.replace(/[.]/g, '\\.')} is not valid YAML: .+ \\(`));
    expect(line.endsWith(`(${where})`)).toBe(true);
    expect(line).not.toMatch(/column \d+:$/);
  });
});
