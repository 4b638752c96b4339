/**
 * The endpoint can be hostile. The loopback STS returns credentials
 * whose secret key and session token are built to break out of quoting; for
 * every format stsenv must either set them exactly (read back from the real
 * shell) or refuse with exit 2, empty stdout, and a message that names the
 * variable but never shows the value. Canary values would create a file if
 * any quote broke: it must never exist.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeSts } from '../support/fake-sts.js';
import { isolatedEnv, runCli, stsenvOnPath, tempDir, type CliResult } from '../support/run-cli.js';
import {
  dumpEnvCommand,
  parseEnvDump,
  psQuote,
  pwshDumpEnvCommand,
  pwshEnv,
  requireShellOrSkip,
  runPwshScript,
  runCmdBatch,
  runShellScript,
  scratchFile,
  shQuote,
  winePath,
  findShell,
  isShellRequired,
  LANGUAGE_SHELLS,
  languageDumpEnv,
  outputReaderEnv,
  readOutputLines,
} from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const CANARY = 'canary';

/** Values an endpoint could send, each aimed at some shell's quoting. */
const HOSTILE: Array<[title: string, value: string]> = [
  ['command substitution', `$(touch ${CANARY})`],
  ['backticks', `\`touch ${CANARY}\``],
  ['closing single quote', `'; touch ${CANARY}; '`],
  ['closing double quote', `"; touch ${CANARY}; "`],
  ['backslash-escaped quote (fish)', `\\'; touch ${CANARY}; echo '`],
  ['fish command substitution', `(touch ${CANARY})$(touch ${CANARY})`],
  ['cmd command separator', `& type nul > ${CANARY}`],
  ['cmd quote then separator', `x" & type nul > ${CANARY} & rem "`],
  ['PowerShell smart quotes', `\u2018; New-Item ${CANARY}; \u2019 \u201a \u201b \u201c \u201d`],
  ['PowerShell subexpression', `$(New-Item ${CANARY}) \`$x`],
  ['percent variables', '%PATH% %%CANARY%%'],
  ['delayed expansion', '!PATH!'],
  ['caret', 'a^&b^^'],
  ['redirections and pipes', 'a|b<c>d&e;f'],
  ['globs and braces', '* ? [a-z] {a,b} ~ #'],
  ['backslashes', '\\\\server\\share\\'],
  ['newline', `line1\nline2; touch ${CANARY}`],
  ['trailing newline', 'value\n'],
  ['carriage return', 'a\rb'],
  ['tab and spaces', '  \ta  b  '],
  ['leading dashes', '--help -e -n'],
  ['non-ASCII', 'é ü ß Ω 中文'],
  ['non-BMP', 'emoji \u{1F600} \u{1D518}'],
  ['NUL', 'a\u0000b'],
  ['base64 as STS sends it', 'AbC+/dEf==0123456789/+'],
];

/** Refusals the shell rules require; anything else a format must carry exactly. */
function mustRefuse(format: string, value: string): boolean {
  if (format === 'json') return false;
  if (value.includes('\0')) return true;
  if (format === 'cmd') return /["%!^\r\n]|[^\t\x20-\x7e]/.test(value);
  if (format === 'powershell' || format === 'dotenv') return /[\r\n]/.test(value);
  return false;
}

const FORMATS = ['bash', 'zsh', 'sh', 'fish', 'powershell', 'cmd', 'json', 'dotenv'] as const;
type FormatName = (typeof FORMATS)[number];

let home: { dir: string; cleanup: () => void };
let bin: string;

before(() => {
  home = tempDir();
  bin = stsenvOnPath(home.dir);
});
after(() => home.cleanup());

/** A fresh endpoint whose next credentials carry `value` as secret key and session token. */
async function hostileEndpoint(value: string) {
  const fake = await startFakeSts();
  fake.failNext({ hostile: { secretAccessKey: value, sessionToken: value } });
  return fake;
}

async function assumeWith(value: string, format: FormatName): Promise<CliResult> {
  const fake = await hostileEndpoint(value);
  try {
    return await runCli(['assume', ROLE, '--shell', format], {
      env: isolatedEnv(home.dir, { STSENV_NO_CACHE: '1', AWS_ENDPOINT_URL_STS: fake.url }),
    });
  } finally {
    await fake.close();
  }
}

function assertRefused(result: CliResult, value: string, format: string): void {
  assert.equal(result.code, 2, `${format}: exit 2 when refused (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '', 'nothing on stdout');
  assert.match(result.stderr, /cannot write AWS_SECRET_ACCESS_KEY/);
  if (value.length >= 4) assert.equal(result.stderr.includes(value), false, 'the value is never shown');
}

/** A directory of its own, so that a canary created by a broken quote is found. */
function freshDir(): string {
  return mkdtempSync(join(home.dir, 'cwd-'));
}

/** Reads `$env:NAME = '...'` the way PowerShell's tokenizer does. */
function readPowershellLine(line: string): string {
  const m = /^\$env:AWS_SECRET_ACCESS_KEY = '([\s\S]*)'$/.exec(line);
  assert.ok(m, `a PowerShell assignment: ${JSON.stringify(line)}`);
  const quotes = "'\u2018\u2019\u201a\u201b";
  let out = '';
  const inner = m[1]!;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quotes.includes(c)) {
      assert.ok(
        quotes.includes(inner[i + 1] ?? ''),
        'a quote inside the string is doubled, or the string would end there',
      );
      i++;
    }
    out += c;
  }
  return out;
}

/** Runs jobs a few at a time: each spawns stsenv and waits on the loopback endpoint. */
async function pool<T>(items: readonly T[], size: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await job(items[next++]!);
    }),
  );
}

const SHELL_FOR: Partial<Record<FormatName, string>> = { bash: 'bash', zsh: 'zsh', sh: 'dash', fish: 'fish' };

describe('a hostile endpoint, every format', () => {
  for (const format of FORMATS) {
    test(`${format}: each hostile value is set exactly or refused`, async (t) => {
      const shell = SHELL_FOR[format];
      if (shell && !requireShellOrSkip(t, shell)) return;
      if (format === 'cmd' && !findShell('cmd') && !isShellRequired('cmd')) {
        // The output is still checked; only the Wine run is skipped.
        console.log('# wine not installed: cmd output checked without running it');
      }
      let carried = 0;
      let refused = 0;
      await pool(HOSTILE, 8, async ([title, value]) => {
        const result = await assumeWith(value, format);
        if (mustRefuse(format, value) || result.code !== 0) {
          assert.ok(mustRefuse(format, value), `${format} refused ${title}, which it can carry: ${result.stderr}`);
          assertRefused(result, value, format);
          refused++;
          return;
        }
        const cwd = freshDir();
        const expected = Buffer.from(value, 'utf8');
        if (shell) {
          const script =
            format === 'fish'
              ? `${scratchRead(result.stdout)} | source\n${dumpEnvCommand()}\n`
              : `eval "$(${scratchRead(result.stdout)})"\n${dumpEnvCommand()}\n`;
          const run = await runShellScript(shell, script, {
            env: { PATH: process.env.PATH ?? '', HOME: home.dir, LC_ALL: 'C.UTF-8' },
            cwd,
          });
          assert.equal(run.code, 0, `${title}: ${run.stderr}`);
          const vars = parseEnvDump(run.stdout);
          assert.deepEqual(vars.get('AWS_SECRET_ACCESS_KEY'), expected, `${format}: ${title} read back exactly`);
          assert.deepEqual(vars.get('AWS_SESSION_TOKEN'), expected, `${format}: ${title} read back exactly`);
        } else if (format === 'json') {
          const doc = JSON.parse(result.stdout) as Record<string, string>;
          assert.equal(doc.SecretAccessKey, value, `json: ${title}`);
          assert.equal(doc.SessionToken, value);
        } else if (format === 'dotenv') {
          const line = result.stdout.split('\n').find((l) => l.startsWith('AWS_SECRET_ACCESS_KEY='));
          assert.equal(line?.slice('AWS_SECRET_ACCESS_KEY='.length), value);
        } else if (format === 'powershell') {
          const lines = result.stdout.split('\n');
          assert.equal(readPowershellLine(lines.find((l) => l.startsWith('$env:AWS_SECRET_ACCESS_KEY'))!), value);
        } else if (format === 'cmd' && findShell('cmd')) {
          const file = scratchFile('.txt', result.stdout);
          const run = await runCmdBatch(
            [
              '@echo off',
              `for /f "usebackq delims=" %%L in ("${winePath(file)}") do call %%L`,
              'echo ---dump---',
              'set AWS_SECRET_ACCESS_KEY',
            ],
            { cwd },
          );
          const dumped = run.stdout.split('---dump---\n')[1] ?? '';
          assert.equal(dumped.split('\n')[0], `AWS_SECRET_ACCESS_KEY=${value}`, `cmd: ${title} read back exactly`);
        }
        assert.equal(existsSync(join(cwd, CANARY)), false, `${format}: ${title} created the canary file`);
        carried++;
      });
      t.diagnostic(`${format}: ${carried} hostile values carried exactly, ${refused} refused`);
      assert.equal(carried + refused, HOSTILE.length);
    });
  }

  test('powershell, run by pwsh: each hostile value is set exactly or refused', async (t) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    const carried: Array<{ title: string; value: string; output: string; cwd: string; dump: string }> = [];
    await pool(HOSTILE, 8, async ([title, value]) => {
      const result = await assumeWith(value, 'powershell');
      if (mustRefuse('powershell', value)) {
        assertRefused(result, value, 'powershell');
        return;
      }
      assert.equal(result.code, 0, `${title}: ${result.stderr}`);
      carried.push({
        title,
        value,
        output: scratchFile('.out', result.stdout),
        cwd: freshDir(),
        dump: join(home.dir, `pwsh-${carried.length}.env`),
      });
    });
    // One pwsh for them all, each output read in a folder of its own, both ways README gives.
    const script = carried.map((c, i) =>
      [
        `Set-Location ${psQuote(c.cwd)}`,
        `& cat ${psQuote(c.output)} ${i % 2 ? '| Out-String ' : ''}| Invoke-Expression`,
        pwshDumpEnvCommand(c.dump),
      ].join('\n'),
    );
    const run = await runPwshScript(script.join('\n'), { env: pwshEnv(), timeoutMs: 180_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    for (const c of carried) {
      const vars = parseEnvDump(readFileSync(c.dump));
      assert.deepEqual(
        vars.get('AWS_SECRET_ACCESS_KEY'),
        Buffer.from(c.value, 'utf8'),
        `pwsh: ${c.title} read back exactly`,
      );
      assert.deepEqual(
        vars.get('AWS_SESSION_TOKEN'),
        Buffer.from(c.value, 'utf8'),
        `pwsh: ${c.title} read back exactly`,
      );
      assert.equal(existsSync(join(c.cwd, CANARY)), false, `pwsh: ${c.title} created the canary file`);
    }
    t.diagnostic(`pwsh: ${carried.length} hostile values carried exactly, ${HOSTILE.length - carried.length} refused`);
  });
});

describe('a hostile endpoint, through the shell functions', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    test(`${shell}: stsenv assume sets each hostile value exactly, creates no canary`, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      const values = HOSTILE.filter(([, value]) => !value.includes('\0'));
      await pool(values, 8, async ([title, value]) => {
        const fake = await hostileEndpoint(value);
        try {
          const cwd = freshDir();
          const load = shell === 'fish' ? 'stsenv init fish | source' : `eval "$(stsenv init ${shell})"`;
          const env = isolatedEnv(home.dir, {
            STSENV_NO_CACHE: '1',
            PATH: `${bin}:${process.env.PATH}`,
            AWS_ENDPOINT_URL_STS: fake.url,
            STSENV_SHELL: 'json',
          }) as Record<string, string>;
          const run = await runShellScript(shell, `${load}\nstsenv assume ${ROLE} || exit 9\n${dumpEnvCommand()}\n`, {
            env,
            cwd,
          });
          assert.equal(run.code, 0, `${title}: ${run.stderr}`);
          assert.deepEqual(
            parseEnvDump(run.stdout).get('AWS_SESSION_TOKEN'),
            Buffer.from(value, 'utf8'),
            `${shell}: ${title}`,
          );
          assert.equal(existsSync(join(cwd, CANARY)), false, `${shell}: ${title} created the canary file`);
        } finally {
          await fake.close();
        }
      });
    });
  }

  test('pwsh: stsenv assume sets the values aimed at PowerShell exactly, creates no canary', async (t) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    // The function's own evaluation, with the values aimed at it (each costs a whole stsenv run;
    // every hostile value goes through pwsh in the format test above).
    const aimed = [
      'closing single quote',
      'closing double quote',
      'backticks',
      'PowerShell smart quotes',
      'PowerShell subexpression',
      'non-BMP',
    ];
    const values = HOSTILE.filter(([title]) => aimed.includes(title));
    assert.equal(values.length, aimed.length);
    const fakes = await Promise.all(values.map(([, value]) => hostileEndpoint(value)));
    try {
      const cases = values.map(([title, value], i) => ({
        title,
        value,
        url: fakes[i]!.url,
        cwd: freshDir(),
        dump: join(home.dir, `pwsh-function-${i}.env`),
      }));
      const env = isolatedEnv(home.dir, {
        STSENV_NO_CACHE: '1',
        PATH: `${bin}:${process.env.PATH}`,
        STSENV_SHELL: 'json',
      }) as Record<string, string>;
      const script = [
        'Invoke-Expression (& stsenv init powershell | Out-String)',
        ...cases.map((c) =>
          [
            // The base keys again: the hostile credentials just set would sign the next request.
            `$env:AWS_ACCESS_KEY_ID = ${psQuote(env.AWS_ACCESS_KEY_ID!)}; $env:AWS_SECRET_ACCESS_KEY = ${psQuote(env.AWS_SECRET_ACCESS_KEY!)}`,
            'Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue',
            `$env:AWS_ENDPOINT_URL_STS = ${psQuote(c.url)}`,
            `Set-Location ${psQuote(c.cwd)}`,
            `stsenv assume ${ROLE}`,
            'if ($LASTEXITCODE -ne 0) { exit 9 }',
            pwshDumpEnvCommand(c.dump),
          ].join('\n'),
        ),
      ].join('\n');
      const run = await runPwshScript(script, { env: pwshEnv(env), timeoutMs: 180_000 });
      assert.equal(run.code, 0, run.stderr);
      for (const c of cases) {
        assert.deepEqual(
          parseEnvDump(readFileSync(c.dump)).get('AWS_SESSION_TOKEN'),
          Buffer.from(c.value, 'utf8'),
          `pwsh: ${c.title}`,
        );
        assert.equal(existsSync(join(c.cwd, CANARY)), false, `pwsh: ${c.title} created the canary file`);
      }
    } finally {
      await Promise.all(fakes.map((fake) => fake.close()));
    }
  });

  test('a NUL from the endpoint: the function sets nothing and returns 2', async (t) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const fake = await hostileEndpoint('a\u0000b');
    try {
      const env = isolatedEnv(home.dir, {
        STSENV_NO_CACHE: '1',
        PATH: `${bin}:${process.env.PATH}`,
        AWS_ENDPOINT_URL_STS: fake.url,
      }) as Record<string, string>;
      const run = await runShellScript(
        'bash',
        `eval "$(stsenv init bash)"\nstsenv assume ${ROLE}\nexport TEST_RC=$?\n${dumpEnvCommand()}\n`,
        { env },
      );
      const vars = parseEnvDump(run.stdout);
      assert.equal(vars.get('TEST_RC')?.toString(), '2');
      assert.equal(vars.get('AWS_SESSION_TOKEN'), undefined);
      assert.equal(
        vars.get('AWS_SECRET_ACCESS_KEY')?.toString(),
        env.AWS_SECRET_ACCESS_KEY,
        'the base key is untouched',
      );
    } finally {
      await fake.close();
    }
  });
});

/** A command that prints `text` exactly, for eval "$(...)" and `| source`. */
function scratchRead(text: string): string {
  return `cat ${shQuote(scratchFile('.out', text))}`;
}

describe('a hostile endpoint, nu, elvish, xonsh, tcsh and csh', () => {
  /** Refusals the shell rules require of these formats (every hostile value is whole Unicode). */
  const mustRefuseLanguage = (format: string, value: string): boolean =>
    value.includes('\0') || (format === 'tcsh' && /[\r\n]/.test(value));

  for (const spec of LANGUAGE_SHELLS) {
    test(`${spec.name} (${spec.format} format): each hostile value is set exactly or refused`, async (t) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      let carried = 0;
      await pool(HOSTILE, 6, async ([title, value]) => {
        const result = await assumeWith(value, spec.format as FormatName);
        if (mustRefuseLanguage(spec.format, value) || result.code !== 0) {
          assert.ok(
            mustRefuseLanguage(spec.format, value),
            `${spec.format} refused ${title}, which it can carry: ${result.stderr}`,
          );
          assertRefused(result, value, spec.format);
          return;
        }
        const cwd = freshDir();
        const output = scratchFile('.out', result.stdout);
        const env = {
          PATH: process.env.PATH ?? '',
          HOME: home.dir,
          LC_ALL: 'C.UTF-8',
          XDG_RUNTIME_DIR: home.dir,
          ...outputReaderEnv(output),
        };
        const run = await runShellScript(
          spec.name,
          `${readOutputLines(spec.format, output)}\n${languageDumpEnv(spec.format)}\n`,
          { env, cwd },
        );
        assert.equal(run.code, 0, `${title}: ${run.stderr}`);
        const vars = parseEnvDump(run.stdout);
        assert.deepEqual(
          vars.get('AWS_SECRET_ACCESS_KEY'),
          Buffer.from(value, 'utf8'),
          `${spec.name}: ${title} read back exactly`,
        );
        assert.deepEqual(
          vars.get('AWS_SESSION_TOKEN'),
          Buffer.from(value, 'utf8'),
          `${spec.name}: ${title} read back exactly`,
        );
        assert.equal(existsSync(join(cwd, CANARY)), false, `${spec.name}: ${title} created the canary file`);
        carried++;
      });
      t.diagnostic(`${spec.name}: ${carried} hostile values carried exactly`);
    });

    test(`${spec.name}: stsenv assume through the init function sets each hostile value exactly, creates no canary`, async (t) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      const values = HOSTILE.filter(([, value]) => !mustRefuseLanguage(spec.format, value));
      const init = await runCli(['init', spec.format], { env: isolatedEnv(home.dir) });
      assert.equal(init.code, 0, init.stderr);
      const initFile = scratchFile('.init', init.stdout);
      const load: Record<string, string> = {
        nu: `source ${shQuote(initFile)}`,
        elvish: `var stsenv~\neval (slurp < ${shQuote(initFile)}) &on-end={|ns| set stsenv~ = $ns[stsenv~] }`,
        xonsh: `execx(open(${shQuote(initFile)}).read())`,
        tcsh: `eval "\`cat ${shQuote(initFile)}\`"`,
      };
      await pool(values, 4, async ([title, value]) => {
        const fake = await hostileEndpoint(value);
        try {
          const cwd = freshDir();
          const env = isolatedEnv(home.dir, {
            PATH: `${bin}:${process.env.PATH}`,
            AWS_ENDPOINT_URL_STS: fake.url,
            STSENV_SHELL: 'json',
            XDG_RUNTIME_DIR: home.dir,
          }) as Record<string, string>;
          const run = await runShellScript(
            spec.name,
            `${load[spec.format]}\nstsenv assume ${ROLE}\n${languageDumpEnv(spec.format)}\n`,
            { env, cwd },
          );
          assert.equal(run.code, 0, `${title}: ${run.stderr}`);
          assert.deepEqual(
            parseEnvDump(run.stdout).get('AWS_SESSION_TOKEN'),
            Buffer.from(value, 'utf8'),
            `${spec.name}: ${title}`,
          );
          assert.equal(existsSync(join(cwd, CANARY)), false, `${spec.name}: ${title} created the canary file`);
        } finally {
          await fake.close();
        }
      });
    });
  }
});
