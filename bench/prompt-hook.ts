/**
 * What the prompt hooks of `stsenv init` (README "Long sessions") cost at a
 * prompt far from expiry: each shell sources its init file with credentials
 * recorded an hour from expiry, then runs the hook PROMPTS times; the time is
 * that run's minus the same run without the hook calls, divided by PROMPTS.
 * Processes are counted by wrappers on PATH for stsenv and date (the clock of
 * shells without one of their own), which log every start.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROMPTS = 1000;
const shellFile = (name: string) => fileURLToPath(new URL(`../shells/${name}`, import.meta.url));

interface HookBench {
  shell: string;
  argv: (script: string) => string[];
  script: (calls: number) => string;
}

const posix = (calls: number) =>
  `. '${shellFile('stsenv.bash')}'\nexport STSENV_REQUEST=recorded STSENV_LABEL=deploy STSENV_EXPIRES_EPOCH=$(( $(date +%s) + 3600 ))\n: > "$STSENV_BENCH_LOG"\ni=0; while [ $i -lt ${calls} ]; do _stsenv_hook; i=$((i+1)); done\n`;

const BENCHES: HookBench[] = [
  { shell: 'bash', argv: (s) => ['bash', '--norc', '--noprofile', '-c', s], script: posix },
  { shell: 'zsh', argv: (s) => ['zsh', '-f', '-c', `zmodload zsh/datetime\n${s}`], script: posix },
  {
    shell: 'fish',
    argv: (s) => ['fish', '--no-config', '-c', s],
    // `fish -c` is not interactive, where the file removes its hook: read it without that line.
    script: (calls) =>
      `string replace -r '^status is-interactive.*' '' < '${shellFile('stsenv.fish')}' | source\nset -gx STSENV_REQUEST recorded; set -gx STSENV_LABEL deploy; set -gx STSENV_EXPIRES_EPOCH (math (date +%s) + 3600)\necho -n > $STSENV_BENCH_LOG\nfor i in (seq ${calls}); emit fish_prompt; end\n`,
  },
  {
    shell: 'tcsh',
    // A script on standard input, where `while` works; the hook alias is run as precmd runs it.
    argv: (s) => ['sh', '-c', 'printf "%s" "$0" | tcsh -f', s],
    script: (calls) =>
      `eval "\`cat '${shellFile('stsenv.tcsh')}'\`"\nsetenv STSENV_REQUEST recorded\nsetenv STSENV_LABEL deploy\n@ e = \`date +%s\` + 3600\nsetenv STSENV_EXPIRES_EPOCH $e\necho -n > $STSENV_BENCH_LOG\n@ i = 0\nwhile ( $i < ${calls} )\n__stsenv_hook\n@ i++\nend\n`,
  },
];

export function promptHookCost(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'stsenv-hook-bench-'));
  const log = join(dir, 'starts');
  try {
    for (const name of ['stsenv', 'date']) {
      const real = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
      const target = name === 'stsenv' || !real ? '/bin/false' : real;
      writeFileSync(join(dir, name), `#!/bin/sh\necho ${name} >> "$STSENV_BENCH_LOG"\nexec ${target} "$@"\n`);
      chmodSync(join(dir, name), 0o755);
    }
    const env = {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      STSENV_BENCH_LOG: log,
      STSENV_REFRESH_BEFORE: '5m',
    };
    const lines = [
      `Prompt hook of stsenv init far from expiry (${PROMPTS} prompts, credentials an hour from expiry):`,
      '',
    ];
    lines.push(
      '| shell | per prompt | stsenv processes | other processes |',
      '|-------|------------|------------------|-----------------|',
    );
    for (const bench of BENCHES) {
      const time = (calls: number) => {
        const start = process.hrtime.bigint();
        const result = spawnSync(bench.argv(bench.script(calls))[0]!, bench.argv(bench.script(calls)).slice(1), {
          env,
          encoding: 'utf8',
        });
        if (result.error || result.status !== 0) return undefined;
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      if (time(0) === undefined) {
        lines.push(`| ${bench.shell} | not installed or failed | | |`);
        continue;
      }
      const full = time(PROMPTS);
      const starts = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      const empty = time(0);
      if (full === undefined || empty === undefined) continue;
      const perPrompt = ((full - empty) / PROMPTS) * 1000;
      const stsenv = starts.filter((s) => s === 'stsenv').length / PROMPTS;
      const other = starts.filter((s) => s !== 'stsenv').length / PROMPTS;
      lines.push(
        `| ${bench.shell} | ${perPrompt.toFixed(0)} µs | ${stsenv} | ${other}${other ? ` (date: ${bench.shell} has no clock of its own)` : ''} |`,
      );
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) for (const line of promptHookCost()) console.log(line);
