/**
 * A newcomer's mistakes: `stsenv help`, a mistyped command or
 * option, a missing positional, and `stsenv` alone. Each is answered on
 * stderr in the words the user typed, with the nearest command or option
 * suggested; stdout stays empty and nothing is asked of STS.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { checkCommandLine } from '../../src/cli/mistakes.js';
import { nearest } from '../../src/cli/nearest.js';
import { helpRequest } from '../../src/cli/tokens.js';
import { COMMANDS, loadCommands, type AnyCommand } from '../../src/commands/index.js';
import { INTEGRATION_NAMES } from '../../src/shells/integration.js';
import { isolatedEnv, runCli, tempDir } from '../support/run-cli.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const home = tempDir();
// Never reached: every line here fails before any request.
const env = () => isolatedEnv(home.dir, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });

let commands: AnyCommand[];
before(async () => {
  commands = await loadCommands();
});
after(() => home.cleanup());

/** One line on stderr, exit 2, nothing on stdout. */
async function usageLine(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const run = await runCli(args, { env: { ...env(), ...extra } });
  assert.equal(run.code, 2, `stsenv ${args.join(' ')}: ${run.stderr}`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${run.stderr}`);
  assert.match(lines[0]!, /^stsenv: error: /);
  return lines[0]!;
}

describe('help', () => {
  test('stsenv help and stsenv help COMMAND print what --help prints, on stderr, exit 0', async () => {
    for (const [asked, same] of [
      [['help'], ['--help']],
      [
        ['help', 'assume'],
        ['assume', '--help'],
      ],
      [
        ['help', 'cache'],
        ['cache', '--help'],
      ],
      // Past the prerendered help (the entry answers only `help [COMMAND]`): main and yargs answer.
      [
        ['--debug', 'help', 'sso'],
        ['sso', '--help'],
      ],
    ]) {
      const [run, expected] = await Promise.all([runCli(asked!, { env: env() }), runCli(same!, { env: env() })]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, '', 'help is for people: stderr');
      assert.equal(run.stderr, expected.stderr, `stsenv ${asked!.join(' ')}`);
      assert.match(run.stderr, /^stsenv /);
    }
  });

  test('help of a command that does not exist is an unknown command, with the nearest one', async () => {
    assert.match(await usageLine(['help', 'nosuch']), /unknown command 'nosuch'/);
    assert.match(await usageLine(['help', 'sesion']), /unknown command 'sesion' \(did you mean stsenv session\?/);
  });

  test('under an init function (STSENV_EVAL) help is run again as it is', async () => {
    for (const args of [['help'], ['help', 'assume'], []]) {
      const run = await runCli(args, { env: { ...env(), STSENV_EVAL: 'bash' } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, '::stsenv-run\n', `stsenv ${args.join(' ')}`);
    }
  });

  test('helpRequest: help is the first word, after any --debug', () => {
    assert.deepEqual(helpRequest(['help']), ['--help']);
    assert.deepEqual(helpRequest(['help', 'assume']), ['assume', '--help']);
    assert.deepEqual(helpRequest(['--debug', 'help', 'assume']), ['--debug', 'assume', '--help']);
    assert.deepEqual(helpRequest(['help', 'help']), ['--help']);
    assert.equal(helpRequest(['assume', 'help']), undefined);
    assert.equal(helpRequest(['--profile', 'help', 'whoami']), undefined);
  });
});

describe('stsenv alone', () => {
  test('lists every command on stderr, like git: exit 2, stdout empty', async () => {
    for (const args of [[], ['--debug']]) {
      const run = await runCli(args, { env: env() });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      for (const { name } of COMMANDS)
        assert.match(run.stderr, new RegExp(`^  stsenv ${name}\\b`, 'm'), `stsenv ${args.join(' ')} lists ${name}`);
    }
  });
});

describe('a mistyped command', () => {
  test('is named, the nearest command suggested; nothing else is listed', async () => {
    const line = await usageLine(['asume', ROLE, '--endpoint-url', 'http://127.0.0.1:9']);
    assert.match(line, /unknown command 'asume' \(did you mean stsenv assume\?/);
    assert.doesNotMatch(line, /endpoint|arn:/);
  });

  test('options may come before it', async () => {
    assert.match(
      await usageLine(['--region', 'eu-west-1', 'asume', ROLE]),
      /unknown command 'asume' \(did you mean stsenv assume\?/,
    );
    assert.match(await usageLine(['--no-cache', 'whomai']), /unknown command 'whomai' \(did you mean stsenv whoami\?/);
  });

  test('a word close to no command gets no guess', async () => {
    const line = await usageLine(['frobnicate']);
    assert.match(line, /unknown command 'frobnicate' \(stsenv help lists the commands\)/);
  });
});

describe('a mistyped option', () => {
  test('is named as typed, with the nearest option of that command, never its camelCase twin', async () => {
    for (const typed of ['--sesion-name', '--sesionName', '--sesion-name=ci']) {
      const line = await usageLine(['assume', ROLE, typed, ...(typed.includes('=') ? [] : ['ci'])]);
      assert.match(
        line,
        new RegExp(`unknown option '${typed.split('=')[0]}' for stsenv assume \\(did you mean --session-name\\?`),
      );
      assert.doesNotMatch(line, /sessionName|sesion-name.*sesionName/);
    }
  });

  test("the suggestion is that command's own option", async () => {
    // --policy-arn is assume's; whoami has no such option, so nothing is suggested there.
    assert.match(await usageLine(['assume', ROLE, '--polcy-arn', 'x']), /did you mean --policy-arn\?/);
    assert.doesNotMatch(await usageLine(['whoami', '--polcy-arn', 'x']), /did you mean/);
    // An abbreviation of one option.
    assert.match(
      await usageLine(['assume', ROLE, '--dur', '1h']),
      /unknown option '--dur' for stsenv assume \(did you mean --duration\?/,
    );
  });

  test('before the command too', async () => {
    assert.match(
      await usageLine(['--sesion-name', 'ci', 'assume', ROLE]),
      /unknown option '--sesion-name' for stsenv assume \(did you mean --session-name\?/,
    );
    assert.match(
      await usageLine(['--regoin', 'eu-west-1', 'asume', ROLE]),
      /unknown option '--regoin' \(did you mean --region\?/,
    );
  });
});

describe('a missing or wrong positional', () => {
  test('init names the shells it takes, from the registry', async () => {
    const line = await usageLine(['init']);
    assert.match(line, /stsenv init needs a shell: /);
    for (const name of INTEGRATION_NAMES) assert.match(line, new RegExp(`\\b${name}\\b`), `names ${name}`);
    assert.doesNotMatch(line, /non-option/);
  });

  test('cache and sso name their actions; a wrong one gets the nearest', async () => {
    assert.match(await usageLine(['cache']), /stsenv cache needs an action: list or clear/);
    assert.match(await usageLine(['sso', '--profile', 'dev']), /stsenv sso needs an action: login, logout or populate/);
    assert.match(
      await usageLine(['cache', 'lst']),
      /stsenv cache takes list or clear, not 'lst' \(did you mean stsenv cache list\?\)/,
    );
  });
});

describe('README', () => {
  test('its examples of mistakes are what stsenv prints', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const examples = [...readme.matchAll(/^\$ stsenv (.*)\n(stsenv: error: .*)$/gm)];
    assert.ok(examples.length >= 3, 'README shows the mistakes');
    for (const [, line, said] of examples) assert.equal(await usageLine(line!.split(' ')), said, `stsenv ${line}`);
  });
});

describe('checkCommandLine reads the line as yargs does', () => {
  const ok = (args: string[]) => {
    const check = checkCommandLine(args, commands);
    assert.equal(check.mistake, undefined, `stsenv ${args.join(' ')}: ${check.mistake?.message}`);
    return check;
  };

  test('what yargs accepts is no mistake', () => {
    for (const args of [
      ['assume', ROLE, '--session-name', 'ci', '-d', '1h', '--no-cache', '--tag', 'a=b', '--tag', 'c=d'],
      ['assume', ROLE, '--sessionName', 'ci'],
      ['--profile', 'session', 'whoami'],
      ['--refresh', 'true', 'assume', ROLE],
      ['exec', ROLE, '--', 'aws', '--bogus', 'frobnicate'],
      ['assume', ROLE, '--shell=fish'],
      ['assume', '-sfish'],
      ['assume', ROLE, '--help', '--bogus'],
    ]) {
      ok(args);
    }
    assert.equal(ok(['--region', 'x', 'assume']).command?.name, 'assume');
  });

  test('stsenv with options and no command is no mistake and names no command', () => {
    const check = ok(['--debug']);
    assert.equal(check.command, undefined);
    assert.equal(check.asksHelp, false);
  });

  test('an option name takes the same kind of value in every command (read before the command is known)', () => {
    const seen = new Map<string, string>();
    for (const command of commands) {
      for (const [name, spec] of Object.entries(command.options)) {
        const kind = `${spec.type}${spec.alias ? ` -${spec.alias}` : ''}`;
        assert.equal(seen.get(name) ?? kind, kind, `--${name} of ${command.name}`);
        seen.set(name, kind);
      }
    }
  });

  test('the first mistake from the left is the one told', () => {
    assert.match(checkCommandLine(['asume', '--bogus'], commands).mistake!.message, /unknown command 'asume'/);
    assert.match(checkCommandLine(['assume', '--bogus', '--sesion-name'], commands).mistake!.message, /'--bogus'/);
  });
});

describe('nearest', () => {
  test('a close word, an abbreviation, or nothing', () => {
    const names = ['assume', 'session', 'whoami', 'web-identity', 'exec'];
    assert.equal(nearest('asume', names), 'assume');
    assert.equal(nearest('whomai', names), 'whoami');
    assert.equal(nearest('web', names), 'web-identity');
    assert.equal(nearest('frobnicate', names), undefined);
    assert.equal(nearest('x', names), undefined);
  });
});

describe('the first mistakes of someone new', () => {
  test('assume NAME where NAME is a profile: did you mean --profile NAME?', async () => {
    const dir = tempDir();
    try {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      mkdirSync(join(dir.dir, '.aws'));
      writeFileSync(
        join(dir.dir, '.aws', 'config'),
        '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n',
      );
      const profileEnv = isolatedEnv(dir.dir, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
      for (const command of ['assume', 'console']) {
        const run = await runCli([command, 'deploy'], { env: profileEnv });
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, /'deploy' is a profile, not a role ARN \(did you mean --profile deploy\?\)/);
      }
      // Not a profile: the ARN it should be.
      assert.match((await runCli(['assume', 'nosuch'], { env: profileEnv })).stderr, /invalid role ARN 'nosuch'/);
    } finally {
      dir.cleanup();
    }
  });

  test('exec without --: put -- before the command, on the line as typed', async () => {
    assert.match(
      await usageLine(['exec', ROLE, 'aws', 'sts', 'get-caller-identity']),
      new RegExp(
        `'aws' came before it \\(put -- before the command: stsenv exec ${ROLE} -- aws sts get-caller-identity\\)`,
      ),
    );
    assert.match(
      await usageLine(['exec', '--profile', 'deploy', 'aws', 's3', 'ls']),
      /put -- before the command: stsenv exec --profile deploy -- aws s3 ls\)/,
    );
    assert.match(
      await usageLine(['exec', '--session', 'env']),
      /put -- before the command: stsenv exec --session -- env\)/,
    );
  });

  test('a number option echoes what was typed; an option without its value says it needs one', async () => {
    assert.match(await usageLine(['assume', ROLE, '--timeout', 'abc']), /--timeout takes a number, not 'abc'/);
    assert.match(await usageLine(['assume', ROLE, '--max-attempts=x']), /--max-attempts takes a number, not 'x'/);
    assert.match(
      await usageLine(['assume', ROLE, '--profile']),
      /--profile needs a value \(for example: stsenv assume --profile NAME\)/,
    );
    assert.match(await usageLine(['whoami', '--profile', '--json']), /--profile needs a value/);
  });

  test('sso logout with nothing to log out of says so, exit 0', async () => {
    const run = await runCli(['sso', 'logout'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^stsenv: nothing to log out of: no SSO token is cached in /);
  });

  test('--debug: every file a stack frame names exists', async () => {
    const { existsSync } = await import('node:fs');
    const run = await runCli(['--debug', 'assume', ROLE, '--policy', '@/nonexistent/policy.json'], { env: env() });
    assert.equal(run.code, 1, run.stderr);
    const files = [...run.stderr.matchAll(/^\s+at (?:.*\()?(\/[^:()]+):\d+:\d+\)?$/gm)].map((m) => m[1]!);
    assert.ok(files.length > 0, run.stderr);
    for (const file of files) assert.ok(existsSync(file), `${file} exists`);
    // The bundles are minified: each of stsenv's own frames says where it is in the sources (their source maps).
    const sources = [...run.stderr.matchAll(/^\s+at .* \[([^\]]+):(\d+):\d+\] \(/gm)];
    assert.ok(sources.length > 0, run.stderr);
    for (const [, source, line] of sources) {
      const path = new URL(`../../${source}`, import.meta.url);
      assert.ok(existsSync(path), `${source} exists`);
      const lines = (await import('node:fs')).readFileSync(path, 'utf8').split('\n').length;
      assert.ok(Number(line) <= lines, `${source}:${line} is a line of it`);
    }
    assert.match(run.stderr, /\[src\/commands\/requests\.ts:\d+:\d+\]/);
  });
});
