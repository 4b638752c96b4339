/**
 * The lean parser (src/cli/lean-parser.ts) must give exactly the argv yargs gives,
 * or step aside. Every command line here goes through both; wherever the lean
 * parser answers, yargs must accept the line and agree key for key.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { leanParse, longOption, shortOption } from '../../src/cli/lean-parser.js';
import { parseWithYargs } from '../../src/cli/yargs-parser.js';
import { loadCommands, type AnyCommand } from '../../src/commands/index.js';
import { ROOT_OPTIONS } from '../../src/cli/root.js';
import type { OptionSpec } from '../../src/commands/spec.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

let commands: AnyCommand[];
before(async () => {
  commands = await loadCommands();
});

function lean(args: string[], command: AnyCommand): Record<string, unknown> | undefined {
  return leanParse(args, command);
}

/** yargs leaves keys it has no value for as undefined; the lean parser leaves them out. */
function normalize(argv: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(argv).filter(([, value]) => value !== undefined));
}

/** Runs both parsers; returns whether the lean one answered. */
function agree(args: string[]): boolean {
  const command = commands.find((c) => c.name === args.find((a) => a !== '--debug'));
  const answer = command ? lean(args, command) : undefined;
  if (answer === undefined) return false;
  const full = parseWithYargs(args, 100, commands);
  assert.equal(
    full.error,
    undefined,
    `lean parser accepted what yargs refuses: stsenv ${args.join(' ')}: ${full.error?.message}`,
  );
  assert.deepEqual(normalize(answer), normalize(full.argv!), `stsenv ${args.join(' ')}`);
  return true;
}

/** Command lines built from what each command declares: every option in each spelling. */
function generated(spec: AnyCommand): string[][] {
  const positionals = spec.positionals ?? [];
  const base = [spec.name, ...positionals.filter((p) => p.required).map((p) => String(p.choices?.[0] ?? ROLE))];
  const lines: string[][] = [base, ['--debug', ...base], [...base, '--debug']];
  const optional = positionals.find((p) => !p.required);
  if (optional) lines.push([...base, String(optional.choices?.[0] ?? ROLE)]);
  // Every spelling the command line may use: each option's name, then each alias.
  const table = Object.entries<OptionSpec>({ ...ROOT_OPTIONS, ...spec.options });
  const spellings = [
    ...table.map(([name, def]) => [name, def] as const),
    ...table.filter(([, def]) => def.alias).map(([, def]) => [def.alias!, def] as const),
  ];
  for (const [spelling, def] of spellings) {
    const flag = spelling.length === 1 ? `-${spelling}` : `--${spelling}`;
    if (def.type === 'boolean') {
      lines.push([...base, flag]);
      if (spelling.length > 1)
        lines.push(
          [...base, `--no-${spelling}`],
          [...base, `--no-${spelling}`, flag],
          [...base, `--no-${spelling}=true`],
        );
      continue;
    }
    const value = String(def.choices?.[0] ?? (def.type === 'number' ? '3' : 'value-1'));
    lines.push([...base, flag, value]);
    if (spelling.length > 1) lines.push([...base, `${flag}=${value}`], [spec.name, flag, value, ...base.slice(1)]);
    if (def.repeatable) lines.push([...base, flag, value, flag, `${value}2`]);
  }
  return lines;
}

describe('lean parser against yargs', () => {
  test('every command line built from the command definitions: same argv, or left to yargs', () => {
    let answered = 0;
    for (const spec of commands) for (const args of generated(spec)) if (agree(args)) answered++;
    assert.ok(answered > 50, `the lean parser answered only ${answered} generated lines`);
  });

  test('the command lines people type every day take the lean path', () => {
    const daily = [
      ['unset'],
      ['unset', '-s', 'fish'],
      ['init', 'bash'],
      ['init', 'fish'],
      ['assume', ROLE],
      ['assume', ROLE, '--shell', 'bash'],
      ['assume', ROLE, '-s', 'powershell', '--duration', '15m', '--session-name', 'ci-build'],
      ['assume', ROLE, '--tag', 'team=ops', '--tag', 'env=prod', '--transitive-tag', 'team'],
      ['assume', '--region', 'eu-west-1', ROLE, '--max-attempts', '2', '--timeout', '2.5'],
      ['session', '--mfa-serial', 'arn:aws:iam::123456789012:mfa/me', '--token-code', '123456'],
      ['whoami', '--json'],
      ['assume', ROLE, '--no-cache'],
      ['session', '--no-prompt', '--refresh'],
      ['--debug', 'whoami'],
      ['web-identity'],
      ['web-identity', ROLE, '--token-file', '/tmp/token'],
    ];
    for (const args of daily) assert.ok(agree(args), `stsenv ${args.join(' ')} was left to yargs`);
  });

  test('anything unusual is left to yargs', () => {
    const unusual = [
      [],
      ['--help'],
      ['assume', ROLE, '--help'],
      ['--version'],
      ['nosuch'],
      ['unset', 'extra'],
      ['unset', '--bogus'],
      ['unset', '-s'],
      ['unset', '-s', 'bash', '-s', 'fish'],
      ['unset', '-sfish'],
      ['unset', '--shell', '--debug'],
      ['unset', '--debug=false'],
      ['unset', '--debug', 'true'],
      ['unset', '--', 'x'],
      ['assume', ROLE, ROLE],
      ['assume', ROLE, '--max-attempts', 'abc'],
      ['assume', ROLE, '--max-attempts', '0x10'],
      ['assume', ROLE, '--timeout', '-1'],
      ['assume', ROLE, '--no-cache', '--cache'],
      ['assume', ROLE, '--no-cache', 'false'],
      ['assume', ROLE, '--no-region', 'eu-west-1'],
      ['assume', ROLE, '--no-no-cache'],
      ['assume', ROLE, '--endpointUrl', 'http://127.0.0.1:1'],
      ['init'],
      ['exec', ROLE, '--', 'true'],
    ];
    for (const args of unusual) {
      const command = commands.find((c) => c.name === args.find((a) => a !== '--debug'));
      assert.equal(
        command ? lean(args, command) : undefined,
        undefined,
        `stsenv ${args.join(' ')} should be left to yargs`,
      );
    }
  });

  test('every option of every command is one the lean parser reads: a table has nothing it would have to guess', () => {
    for (const spec of commands) {
      for (const [name, option] of Object.entries(spec.options)) {
        assert.ok(longOption(spec, name), `${spec.name} --${name}`);
        assert.ok(
          ['string', 'number', 'boolean'].includes(option.type),
          `${spec.name} --${name} has type ${option.type}`,
        );
        assert.ok(
          !option.repeatable || option.type === 'string',
          `${spec.name} --${name}: repeatable options are strings`,
        );
        if (option.alias) assert.equal(shortOption(spec, option.alias)?.spec, option, `${spec.name} -${option.alias}`);
      }
    }
  });
});
