/** The tag rule language: every acceptance case of spec §3.4, plus validation paths and explanations. */
import { describe, expect, test } from '@jest/globals';
import {
  type RuleContext,
  OPERATOR_NAMES,
  RuleEvaluationError,
  evaluateRule,
  explainRule,
  ruleIssues,
  validateRule,
} from '../../lib/tags/rule-language.js';

type Map = Record<string, unknown>;

const context = (over: Partial<RuleContext> = {}): RuleContext => ({
  facts: {},
  metadata: {},
  state: {},
  tagRule: () => undefined,
  ...over,
});
const withFacts = (rule: unknown, facts: Map = {}): boolean => evaluateRule(rule, context({ facts }));
const withMetadata = (rule: unknown, metadata: Map = {}): boolean =>
  evaluateRule(rule, context({ metadata }));

/** The RuleEvaluationError a call throws (fails the test when it throws nothing or something else). */
function evaluationError(run: () => unknown): RuleEvaluationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(RuleEvaluationError);
    return err as RuleEvaluationError;
  }
  throw new Error('expected a RuleEvaluationError');
}

describe('evaluation (§3.4)', () => {
  test.each([
    [['and', true, true], true],
    [['and', true, true, false, true], false],
    [['or', true, true], true],
    [['or', false, false, false], false],
    [['not', 1], false],
    [['not', false], true],
    [['not', null], true],
    [['not', 0], false],
    [['=', 1, 1], true],
    [['=', 1, 1.0], true],
    [['=', '2', 2], false],
    [['=', 'abc', 'ABC'], false],
    [['=', '[]', '[]'], true],
    [['eq', 'C', 'C', 'P', 'O'], true],
    [['!=', 1, 2], true],
    [['neq', 'abc', 'abc'], false],
    [['in', 'a', 'b', 'c', 'a'], true],
    [['in', 'x', 'b', 'c', 'a'], false],
    [['in', 1, '1'], false],
    [['gte', 3.5, 4], false],
    [['>=', 4, 4], true],
    [['>', 1, 2.5], false],
    [['gt', 89, 34], true],
    [['<=', 2.45, 2.44], false],
    [['lte', 4.0, 4], true],
    [['<', 4, 3], false],
    [['lt', 3.5, 3.6], true],
    [['=', ['lower', 'ABC'], 'abc'], true],
    [['=', ['upper', 'abc'], 'ABC'], true],
    [['=', ['upper', 'abc'], 'abc'], false],
  ])('%j → %s', (rule, expected) => {
    expect(withFacts(rule)).toBe(expected);
  });

  test('metadata: scalars, dotted paths, the literal dotted key wins, defaults and length', () => {
    expect(withMetadata(['=', ['metadata', 'f1'], true], { f1: true })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1'], false], { f1: false })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1'], 'abc'], { f1: 'abc' })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1.f2.f3'], true], { f1: { f2: { f3: true } } })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1.f2'], true], { f1: { f2: false }, 'f1.f2': true })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1.0'], true], { f1: [true] })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1.abc', 'default'], 'default'], { f1: { x: 1 } })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1.length'], 4], { f1: [1, 2, 3, 4] })).toBe(true);
    expect(withMetadata(['=', ['metadata', 'f1.f2', 'd'], 'd'], { f1: { f2: { f3: 1 } } })).toBe(true);
  });

  test('metadata: arrays and hashes are errors, missing dotted leaves too without a default', () => {
    expect(evaluationError(() => withMetadata(['=', ['metadata', 'f1'], false], { f1: [] })).message).toMatch(
      /cannot evaluate Array returned from metadata f1/,
    );
    expect(evaluationError(() => withMetadata(['=', ['metadata', 'f1'], false], { f1: {} })).message).toMatch(
      /cannot evaluate Hash returned from metadata f1/,
    );
    expect(
      evaluationError(() => withMetadata(['=', ['metadata', 'f1.1'], true], { f1: [true] })).message,
    ).toMatch(/Couldn't find metadata 'f1.1' and no default supplied/);
  });

  test('fact: truthy values, missing facts, defaults, null values and the prototype', () => {
    expect(withFacts(['fact', 'f1'], { f1: 'true' })).toBe(true);
    expect(withFacts(['fact', 'f1'], { f1: 'false' })).toBe(true);
    expect(withFacts(['fact', 'f1'], { f1: false })).toBe(false);
    expect(withFacts(['fact', 'f1', false], { f1: true })).toBe(true);
    expect(withFacts(['fact', 'f2', false], { f1: true })).toBe(false);
    expect(withFacts(['=', ['fact', 'f1', 'default'], null], { f1: null })).toBe(true);
    expect(withFacts(['=', ['fact', 'maybe', null], null])).toBe(true);
    const missing = evaluationError(() => withFacts(['fact', 'f2'], { f1: 'true' }));
    expect(missing.message).toBe("rule: Couldn't find fact 'f2' and no default supplied");
    expect(evaluationError(() => withFacts(['fact', 'constructor'])).detail).toMatch(/Couldn't find fact/);
  });

  test.each(['fact', 'metadata', 'state'])('%s with a nil map (unregistered node) is an error', (op) => {
    const ctx = context({ facts: null, metadata: null, state: null });
    expect(evaluationError(() => evaluateRule([op, 'f1'], ctx)).detail).toBe(
      `Couldn't find ${op} 'f1' and no default supplied`,
    );
    expect(evaluateRule(['=', [op, 'f1', 'x'], 'x'], ctx)).toBe(true);
  });

  test('state: installed', () => {
    expect(
      evaluateRule(['=', ['state', 'installed'], 'centos'], context({ state: { installed: 'centos' } })),
    ).toBe(true);
    expect(evaluateRule(['=', ['state', 'installed'], null], context({ state: { installed: null } }))).toBe(
      true,
    );
  });

  test('has_macaddress and has_macaddress_like', () => {
    const facts = { macaddress_1: 'no-match', macaddress_2: 'a-match' };
    expect(withFacts(['has_macaddress', 'a-match'], facts)).toBe(true);
    expect(withFacts(['has_macaddress', 'A-MATCH'], facts)).toBe(true);
    expect(withFacts(['has_macaddress', 'x', 'no-match'], facts)).toBe(true);
    expect(withFacts(['has_macaddress', 'a-match'], { not_macaddress: 'a-match' })).toBe(false);
    expect(withFacts(['has_macaddress_like', 'mat.hes'], { macaddress: 'matches' })).toBe(true);
    expect(withFacts(['has_macaddress_like', 'MAT.HES'], { macaddress: 'matches' })).toBe(true);
    expect(withFacts(['has_macaddress_like', 'mat.hes'], { ipaddress: 'matches' })).toBe(false);
    expect(evaluateRule(['has_macaddress', 'a'], context({ facts: null }))).toBe(false);
  });

  test.each([
    ['abc', 'abc'],
    ['abc', 'a.c'],
    ['abc', 'a.+'],
    ['abc', 'a.*'],
    ['abc', 'ab'],
    ['abc', ''],
    ['abc', '^abc$'],
  ])('like %j %j is true', (text, re) => {
    expect(withFacts(['like', text, re])).toBe(true);
  });

  test.each([
    ['abc', 'def'],
    ['abc', 'z'],
    ['3', '#{1+2}'],
    ['abc', '\\Abc\\z'],
    ['abc', '$abc^'],
  ])('like %j %j is false', (text, re) => {
    expect(withFacts(['like', text, re])).toBe(false);
  });

  test.each([
    [9, 9],
    ['0xf', 15],
    ['-0XF', -15],
    ['0b110', 6],
    ['-0B11', -3],
    ['027', 23],
    ['-027', -23],
    ['09', 9],
    ['1e5', 1e5],
    ['2.7', 2.7],
    [5.4, 5.4],
    ['.5', 0.5],
    ['  12.5\n', 12.5],
    ['1_000', 1000],
    ['1_000.2_5e1_0', 1000.25e10],
    ['+7', 7],
  ])('num %j = %d', (input, expected) => {
    expect(withFacts(['=', ['num', input], expected])).toBe(true);
  });

  test('num of "10" is not 0; 5.4 is not 5', () => {
    expect(withFacts(['=', ['num', '10'], 0])).toBe(false);
    expect(withFacts(['=', ['num', 5.4], 5])).toBe(false);
  });

  test.each([
    true,
    false,
    null,
    '2t',
    'a2',
    '',
    ' ',
    '1.',
    '1__0',
    '_1',
    '1_',
    '0x',
    '0b2',
    'Infinity',
    'NaN',
    '1e',
  ])('num %j is an error', (input) => {
    const err = evaluationError(() => withFacts(['=', ['num', input], 2]));
    expect(err.detail).toBe(`can't convert ${input === null ? 'nil' : JSON.stringify(input)} to number`);
    expect(err.path).toBe('rule[1]');
  });

  test.each([
    [null, ''],
    [5.4, '5.4'],
    [true, 'true'],
    [false, 'false'],
    [9, '9'],
    ['0xf', '0xf'],
    ['1e5', '1e5'],
  ])('str %j = %j', (input, expected) => {
    expect(withFacts(['=', ['str', input], expected])).toBe(true);
  });

  test('lower and upper of facts; non-strings are errors', () => {
    expect(withFacts(['=', ['lower', ['fact', 'f1']], 'abc'], { f1: 'ABC' })).toBe(true);
    expect(withFacts(['=', ['upper', ['fact', 'f1']], 'ABC'], { f1: 'abc' })).toBe(true);
    for (const op of ['lower', 'upper']) {
      const err = evaluationError(() => withFacts(['=', [op, ['fact', 'f1']], '123'], { f1: 123 }));
      expect(err.message).toMatch(new RegExp(`argument to '${op}' should be a string but was Fixnum`));
      expect(err.path).toBe('rule[1]');
    }
  });

  test('tag: unknown tags, other tags evaluated against the same values, cycles', () => {
    const rules: Map = {
      one: ['=', '1', '1'],
      zero: ['=', '1', '0'],
      virtual: ['=', ['fact', 'is_virtual'], 'true'],
      loop: ['=', ['tag', 'loop'], true],
    };
    const ctx = context({ facts: { is_virtual: 'true' }, tagRule: (name) => rules[name] });
    expect(evaluationError(() => evaluateRule(['tag', 't1'], ctx)).detail).toBe("Tag 't1' does not exist");
    expect(evaluateRule(['tag', 'one'], ctx)).toBe(true);
    expect(evaluateRule(['tag', 'zero'], ctx)).toBe(false);
    expect(evaluateRule(['=', ['tag', 'virtual'], true], ctx)).toBe(true);
    expect(evaluationError(() => evaluateRule(['tag', 'loop'], ctx)).detail).toBe(
      "tag 'loop' refers to itself: loop → loop",
    );
  });

  test('nested evaluation', () => {
    const facts = { f1: 42, f2: 42 };
    expect(withFacts(['and', ['=', ['fact', 'f1'], 42], ['!=', ['fact', 'f2'], 43]], facts)).toBe(true);
    expect(
      withFacts(['and', ['in', ['fact', 'f1'], 41, 42, 43, 44], ['!=', ['fact', 'f2'], 42]], facts),
    ).toBe(false);
    expect(withFacts(['>', ['num', ['fact', 'processorcount']], 10], { processorcount: '12' })).toBe(true);
  });

  test('every argument is evaluated: no short-circuit, as in the original', () => {
    expect(() => withFacts(['or', true, ['=', ['fact', 'missing'], 1]])).toThrow(RuleEvaluationError);
  });

  test('errors name the failing sub-expression', () => {
    const err = evaluationError(() => withFacts(['and', true, ['>', ['num', ['fact', 'f1']], 1]]));
    expect(err.path).toBe('rule[2][1][1]');
    expect(err.message).toBe("rule[2][1][1]: Couldn't find fact 'f1' and no default supplied");
    expect(err.name).toBe('RuleEvaluationError');
  });

  test('malformed rules are evaluation errors, not crashes', () => {
    expect(evaluationError(() => withFacts('rule')).message).toBe('rule: must be an array');
    expect(evaluationError(() => withFacts(['and'])).message).toBe('rule: must have at least one argument');
    expect(evaluationError(() => withFacts(['and', ['bogus', 1], ['=', 1, 1]])).message).toMatch(
      /^rule\[1\]: uses unrecognized operator 'bogus'/,
    );
    expect(evaluationError(() => withFacts(['like', 'abc'])).detail).toBe(
      "'like' takes 2 arguments but was given 1",
    );
    expect(evaluationError(() => withFacts(['=', {}, 1])).message).toBe(
      'rule[1]: cannot process objects of type Hash',
    );
    expect(evaluationError(() => withFacts(['like', 'abc', ['str', '*']])).detail).toBe(
      "invalid regular expression supplied to 'like' for argument 2: /*/: Nothing to repeat",
    );
    expect(evaluationError(() => withFacts(['>', 'a', 1])).detail).toBe(
      "argument 1 to '>' should be a number but was String",
    );
  });
});

describe('validation (§3.2, §3.4)', () => {
  test.each([
    ['and', 1, true],
    ['and', 'six', false],
    ['or', 'version', true],
    ['or', 5.4, 3],
    ['like', true, false],
    ['like', 1, 'abc'],
    ['like', 'abc', false],
    ['lte', '5', 17],
    ['lt', '9', false],
    ['gte', '1', 1],
    ['gt', true, 3],
    ['=', ['fact', 5], 'five'],
    ['and', ['fact', 4.458], true],
    ['fact', 'three'],
    ['tag', 'foo'],
    ['and', ['fact', 'is_virtual'], true],
    ['be', true, false],
    ['===', true, false],
    ['+', 1, 1],
    ['-', true, false],
    ['=', ['ten'], 10],
    ['=', ['lower', 1], 'abc'],
    ['=', ['upper', 1], 'abc'],
    ['eq', ['fact', 'now'], { at: 'noon' }],
    ['in', 3, ['fact', 'ten'], ['or', ['fact', 'fifteen'], ['fact', 'seven']]],
    ['and', ['bogus', 1], ['=', 1, 1]],
  ])('invalid: %j', (...rule) => {
    expect(validateRule(rule)).not.toEqual([]);
  });

  test.each([
    ['and', true, false],
    ['or', false, true],
    ['=', true, false],
    ['!=', true, false],
    ['in', true, false],
    ['eq', 1, ['=', 5, 'ten']],
    ['eq', 6.3, 3],
    ['eq', 'C', 3, 'P', 'O'],
    ['eq', 'one', ['=', 6.7, 't']],
    ['in', true, ['in', 1, 'two'], false],
    ['in', 0, 1, 3.6, 10e20],
    ['like', 'abc', 'def'],
    ['=', ['fact', 'exists'], true],
    ['!=', ['fact', 'one'], 0],
    ['=', ['fact', 'exists', 'default'], true],
    ['=', ['fact', 'not', 1], true],
    ['=', ['fact', 'maybe', null], true],
    ['=', ['tag', 'foo'], true],
    ['lte', 5, 3.0],
    ['<=', 1e15, 8],
    ['<', 7.553, 21],
    ['>=', 6.8, 8.6],
    ['>', ['num', '7'], 3],
    ['=', ['str', 7], '7'],
    ['=', ['lower', 'ABC'], 'abc'],
    ['=', ['upper', 'abc'], 'abc'],
    ['=', ['state', 'installed', 'none'], 'none'],
    ['has_macaddress', 'de:ad:be:ef:00:01'],
    ['has_macaddress_like', '^de:ad'],
    ['and', ['or', ['in', 3, 1, 2, 3, 4, 5, 6], ['=', 'five', 5]], ['=', ['fact', 'true'], true]],
  ])('valid: %j', (...rule) => {
    expect(validateRule(rule)).toEqual([]);
  });

  test.each([
    ['rule', 'must be an array'],
    [{ rule: [] }, 'must be an array'],
    [null, 'must be an array'],
    [['rule'], 'must have at least one argument'],
    [[], 'must have at least one argument'],
  ])('the root %j: %s', (rule, message) => {
    expect(validateRule(rule)).toEqual([`rule: ${message}`]);
    expect(ruleIssues(rule)).toEqual([{ path: 'rule', message }]);
  });

  test("the original's messages, with paths and 1-based argument numbers", () => {
    expect(validateRule(['>=', 1, ['fact', 'processorcount']])).toEqual([
      "rule[2]: could return incompatible datatype(s) from function 'fact' ([String, TrueClass, FalseClass, NilClass]) for argument 2. Function '>=' expects ([Numeric])",
    ]);
    expect(validateRule(['fact', 'processorcount'])).toEqual([
      "rule: could return incompatible datatype(s) from function 'fact' ([String, Numeric, NilClass]). Rule expects ([TrueClass, FalseClass])",
    ]);
    expect(validateRule(['>=', 1, 'three'])).toEqual([
      `rule[2]: attempts to pass "three" of type String to '>=' for argument 2, but only [Numeric] are accepted`,
    ]);
    expect(validateRule(['and', 1, null])).toEqual([
      "rule[1]: attempts to pass 1 of type Fixnum to 'and' for argument 1, but only [TrueClass, FalseClass] are accepted",
      "rule[2]: attempts to pass nil of type NilClass to 'and' for argument 2, but only [TrueClass, FalseClass] are accepted",
    ]);
    expect(validateRule(['like', 'abc', '*'])).toEqual([
      "rule[2]: invalid regular expression supplied to 'like' for argument 2: /*/: Nothing to repeat",
    ]);
    expect(validateRule(['has_macaddress_like', 'ok', '('])).toEqual([
      "rule[2]: invalid regular expression supplied to 'has_macaddress_like' for argument 2: /(/i: Unterminated group",
    ]);
    expect(validateRule(['eq', ['fact', 'now'], { at: 'noon' }])).toEqual([
      'rule[2]: cannot process objects of type Hash',
    ]);
  });

  test('an unrecognized operator is reported at its sub-expression, listing every operator', () => {
    expect(validateRule(['and', true, ['or', ['bogus', 1], false]])).toEqual([
      `rule[2][1]: uses unrecognized operator 'bogus'; recognized operators are ${OPERATOR_NAMES.join(', ')}`,
    ]);
    expect(OPERATOR_NAMES.slice(0, 5)).toEqual(['and', 'or', 'not', '=', 'eq']);
    expect(OPERATOR_NAMES).toContain('has_macaddress_like');
    expect(validateRule([['=', 1, 1], true])[0]).toMatch(/^rule: uses unrecognized operator '\["=",1,1\]'/);
  });

  test("an error in an earlier sibling is not wiped by a later valid one (the original's bug)", () => {
    expect(ruleIssues(['and', ['bogus', 1], ['=', 1, 1]]).map((i) => i.path)).toEqual(['rule[1]']);
  });

  test('every problem is reported, in document order', () => {
    expect(
      ruleIssues([
        'and',
        ['bogus', ['like', 'a', '*']],
        ['like', 'abc', '*'],
        ['fact', 'x'],
        5,
        ['not', true, true],
      ]),
    ).toEqual([
      { path: 'rule[1]', message: expect.stringMatching(/^uses unrecognized operator 'bogus'/) },
      {
        path: 'rule[1][1][2]',
        message: expect.stringMatching(/^invalid regular expression supplied to 'like'/),
      },
      {
        path: 'rule[2][2]',
        message: expect.stringMatching(/^invalid regular expression supplied to 'like'/),
      },
      {
        path: 'rule[3]',
        message:
          "could return incompatible datatype(s) from function 'fact' ([String, Numeric, NilClass]) for argument 3. Function 'and' expects ([TrueClass, FalseClass])",
      },
      {
        path: 'rule[4]',
        message:
          "attempts to pass 5 of type Fixnum to 'and' for argument 4, but only [TrueClass, FalseClass] are accepted",
      },
      { path: 'rule[5]', message: "'not' takes 1 argument but was given 2" },
    ]);
  });

  test('arity is checked', () => {
    expect(validateRule(['like', 'abc'])).toEqual(["rule: 'like' takes 2 arguments but was given 1"]);
    expect(validateRule(['=', 1])).toEqual(["rule: '=' takes at least 2 arguments but was given 1"]);
    expect(validateRule(['=', ['fact', 'a', 1, 2], 1])).toEqual([
      "rule[1]: 'fact' takes 1 or 2 arguments but was given 3",
    ]);
    expect(validateRule(['=', ['num'], 1])).toEqual(['rule[1]: must have at least one argument']);
  });
});

describe('explainRule', () => {
  const rule = ['and', ['=', ['fact', 'os'], 'linux'], ['>', ['num', ['fact', 'cpus']], 4]];

  test('shows the value of every sub-expression', () => {
    expect(explainRule(rule, context({ facts: { os: 'linux', cpus: '2' } }))).toBe(
      'false: ["and", ["=", ["fact", "os"] → "linux", "linux"] → true, [">", ["num", ["fact", "cpus"] → "2"] → 2, 4] → false]',
    );
    expect(explainRule(['tag', 'one'], context({ tagRule: () => ['=', 1, 1] }))).toBe('true: ["tag", "one"]');
  });

  test('shows a non-boolean root value and errors', () => {
    expect(explainRule(['fact', 'f1'], context({ facts: { f1: 'true' } }))).toBe(
      'true: ["fact", "f1"] → "true"',
    );
    expect(explainRule(['fact', 'f1'], context({ facts: { f1: null } }))).toBe(
      'false: ["fact", "f1"] → null',
    );
    expect(explainRule(rule, context())).toBe(
      "error: rule[1][1]: Couldn't find fact 'os' and no default supplied",
    );
  });
});
