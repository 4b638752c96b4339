/**
 * The command line's one reader (src/cli/tokens.ts): each rule about a word,
 * on its own. The lean parser, mistakes, completion and eval-mode tests hold
 * the callers to yargs; these hold the rules they share.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommandTable, OptionTable } from '../../src/commands/spec.js';
import {
  commandIndex,
  commandName,
  helpOrVersionWord,
  helpRequest,
  helpTopic,
  isBooleanValue,
  isOptionWord,
  joinDashValues,
  OptionNames,
  optionValue,
  optionWords,
  readCommandLine,
  readOption,
  scanCommandLine,
  takesValue,
} from '../../src/cli/tokens.js';

const OPTIONS = {
  shell: { type: 'string', alias: 's', describe: 'format' },
  'session-name': { type: 'string', alias: 'n', describe: 'name' },
  timeout: { type: 'number', describe: 'seconds' },
  cache: { type: 'boolean', describe: 'cache' },
  tag: { type: 'string', repeatable: true, describe: 'tag' },
} as const satisfies OptionTable;

const ASSUME: CommandTable = { name: 'assume', describe: 'assume', options: OPTIONS };
const UNSET: CommandTable = { name: 'unset', describe: 'unset', options: { shell: OPTIONS.shell } };
const names = new OptionNames(OPTIONS);
const scan = (words: string[]) => scanCommandLine(words, () => names);

describe('words', () => {
  test('an option word is a dash and more, but not -- and not a negative number', () => {
    for (const word of ['-s', '-abc', '--shell', '--shell=fish', '--no-cache', '--', '-', '-5', '-1.5', 'x', ''])
      assert.equal(
        isOptionWord(word),
        ['-s', '-abc', '--shell', '--shell=fish', '--no-cache'].includes(word),
        JSON.stringify(word),
      );
  });

  test('a boolean takes true and false, nothing else', () => {
    assert.ok(isBooleanValue('true') && isBooleanValue('false'));
    assert.ok(!isBooleanValue('yes') && !isBooleanValue('TRUE') && !isBooleanValue(undefined));
  });

  test('-- ends the options', () => {
    assert.deepEqual(optionWords(['exec', '-s', 'bash', '--', 'aws', '--version']), ['exec', '-s', 'bash']);
    assert.deepEqual(optionWords(['unset', '-s', 'bash']), ['unset', '-s', 'bash']);
  });

  test('the command is the first word after any leading --debug', () => {
    assert.equal(commandIndex(['--debug', '--debug', 'unset']), 2);
    assert.equal(commandName(['--debug', 'unset', '--debug']), 'unset');
    assert.equal(commandName(['--region', 'x', 'unset']), '--region');
    assert.equal(commandName([]), undefined);
  });

  test('`--name -` is joined into --name=-, before -- only, for plain long names only', () => {
    assert.deepEqual(joinDashValues(['web-identity', '--token-file', '-', 'x']), [
      'web-identity',
      '--token-file=-',
      'x',
    ]);
    assert.deepEqual(joinDashValues(['exec', '--', 'cat', '--file', '-']), ['exec', '--', 'cat', '--file', '-']);
    assert.deepEqual(joinDashValues(['a', '-s', '-']), ['a', '-s', '-']);
    assert.deepEqual(joinDashValues(['a', '--Token', '-']), ['a', '--Token', '-']);
    assert.deepEqual(joinDashValues(['a', '--x=1', '-']), ['a', '--x=1', '-']);
    assert.deepEqual(joinDashValues(['a', '--max-attempts2', '-']), ['a', '--max-attempts2=-']);
  });
});

describe('help and version', () => {
  test('the topics the entry answers from the prerendered texts', () => {
    assert.equal(helpTopic(['--help']), '');
    assert.equal(helpTopic(['-h']), '');
    assert.equal(helpTopic(['help']), '');
    assert.equal(helpTopic(['help', 'assume']), 'assume');
    assert.equal(helpTopic(['assume', '--help']), 'assume');
    assert.equal(helpTopic(['assume', '-h']), 'assume');
    assert.equal(helpTopic(['assume', 'ROLE', '--help']), undefined);
    assert.equal(helpTopic(['--help', 'assume']), undefined);
    assert.equal(helpTopic(['unset']), undefined);
    assert.equal(helpTopic([]), undefined);
  });

  test('help COMMAND is COMMAND --help, its options kept', () => {
    assert.deepEqual(helpRequest(['help', 'assume', '--debug']), ['assume', '--debug', '--help']);
    assert.equal(helpRequest(['unset']), undefined);
  });

  test("init's functions leave --help and --version anywhere before -- to a run of their own", () => {
    assert.equal(helpOrVersionWord(['assume', 'ROLE', '-h']), '-h');
    assert.equal(helpOrVersionWord(['--version', 'assume']), '--version');
    assert.equal(helpOrVersionWord(['unset', '-V']), '-V');
    assert.equal(helpOrVersionWord(['exec', 'ROLE', '--', 'aws', '--version']), undefined);
    assert.equal(helpOrVersionWord(['assume', '--helpful']), undefined);
  });
});

describe('options', () => {
  test('looked up by name, camelCase form and alias; the root and yargs options too', () => {
    assert.equal(names.lookup('session-name'), 'session-name');
    assert.equal(names.lookup('sessionName'), 'session-name');
    assert.equal(names.lookup('n'), 'session-name');
    assert.equal(names.lookup('debug'), 'debug');
    assert.equal(names.lookup('h'), 'help');
    assert.equal(names.lookup('V'), 'version');
    assert.equal(names.lookup('session_name'), undefined);
    assert.equal(names.lookup('x'), undefined);
    assert.equal(names.spec('timeout'), OPTIONS.timeout);
    assert.equal(names.spec('nosuch'), undefined);
  });

  test('the command’s own options first, then the root’s, then yargs’', () => {
    assert.deepEqual(names.names, [...Object.keys(OPTIONS), 'debug', 'help', 'version']);
    const shadowing = new OptionNames({ debug: { type: 'string', describe: 'own' } });
    assert.equal(shadowing.spec('debug')?.type, 'string');
    assert.equal(shadowing.table.debug?.type, 'string');
  });

  test('--name=value, --no-name, -x, --x, a cluster, an unknown option', () => {
    assert.deepEqual(readOption('--shell=fish', 3, names), {
      index: 3,
      typed: '--shell',
      name: 'shell',
      spec: OPTIONS.shell,
      negated: false,
      inline: 'fish',
      cluster: false,
    });
    assert.equal(readOption('--shell=', 0, names).inline, '');
    assert.equal(readOption('--tag=a=b', 0, names).inline, 'a=b');
    const negated = readOption('--no-cache', 0, names);
    assert.ok(negated.negated && negated.name === 'cache' && !takesValue(negated));
    // The reader judges nothing: --no-shell is shell, negated; the lean parser and yargs decide.
    assert.ok(readOption('--no-shell', 0, names).negated);
    assert.equal(readOption('--no-bogus', 0, names).name, undefined);
    assert.equal(readOption('--no-bogus', 0, names).negated, false);
    assert.equal(readOption('-n', 0, names).name, 'session-name');
    assert.equal(readOption('--n', 0, names).name, 'session-name');
    assert.equal(readOption('-shell', 0, names).cluster, true);
    assert.equal(readOption('-s=fish', 0, names).cluster, true);
    assert.equal(readOption('--sessionName', 0, names).name, 'session-name');
    assert.equal(readOption('--bogus', 0, names).spec, undefined);
    assert.ok(takesValue(readOption('--timeout', 0, names)));
    assert.ok(!takesValue(readOption('--cache', 0, names)));
    assert.ok(!takesValue(readOption('--bogus', 0, names)));
  });
});

describe('a line read word by word', () => {
  test('a value option takes the next word unless it is an option or --; a negative number is a value', () => {
    const line = scan(['assume', 'ROLE', '--shell', 'fish', '--timeout', '-1', '-n', '--cache']);
    assert.equal(line.command?.name, 'assume');
    assert.deepEqual(line.positionals, [{ index: 1, text: 'ROLE' }]);
    assert.deepEqual(
      line.options.map((o) => [o.typed, o.valueIndex]),
      [
        ['--shell', 3],
        ['--timeout', 5],
        ['-n', undefined],
        ['--cache', undefined],
      ],
    );
    assert.equal(optionValue(line.options[0]!, ['assume', 'ROLE', '--shell', 'fish']), 'fish');
    assert.equal(scan(['unset', '--shell', '--']).options[0]?.valueIndex, undefined);
  });

  test('a boolean takes a following true or false, and nothing else', () => {
    const line = scan(['unset', '--cache', 'false', '--no-cache', 'true', '--cache', 'x']);
    assert.deepEqual(
      line.options.map((o) => o.valueIndex),
      [2, 4, undefined],
    );
    assert.deepEqual(line.positionals, [{ index: 6, text: 'x' }]);
  });

  test('nothing after -- is read', () => {
    const line = scan(['exec', 'ROLE', '--', 'aws', '--shell', 'x']);
    assert.equal(line.end, 2);
    assert.deepEqual(line.positionals, [{ index: 1, text: 'ROLE' }]);
    assert.equal(line.options.length, 0);
  });

  test('an unknown option takes a value, but not a command name before the command', () => {
    const isCommand = (word: string) => word === 'assume';
    const before = scanCommandLine(['--bogus', 'assume', 'x'], () => names, isCommand);
    assert.equal(before.command?.name, 'assume');
    const after = scanCommandLine(['assume', '--bogus', 'x'], () => names, isCommand);
    assert.equal(after.options[0]?.valueIndex, 2);
    assert.deepEqual(after.positionals, []);
  });

  test('an option before the command is read with that command’s table', () => {
    const { line, command, names: read } = readCommandLine(['-n', 'ci', 'assume', 'ROLE'], [UNSET, ASSUME]);
    assert.equal(command, ASSUME);
    assert.equal(line.options[0]?.name, 'session-name');
    assert.equal(line.options[0]?.valueIndex, 1);
    assert.ok(read.names.includes('tag'));
    const unknown = readCommandLine(['--tag', 'x'], [UNSET, ASSUME]);
    assert.equal(unknown.command, undefined);
    assert.equal(unknown.line.options[0]?.name, 'tag');
  });

  test('no table is read for a line without options', () => {
    let asked = 0;
    scanCommandLine(['init', 'bash'], () => {
      asked++;
      return names;
    });
    assert.equal(asked, 0);
  });
});
