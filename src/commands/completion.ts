import type { CommandSpec } from './spec.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { detectFormat, readLinuxProcessName } from '../shells/detect.js';
import { FORMATS } from '../shells/index.js';
import { shellFile } from '../shells/integration.js';

/**
 * The completion script of each shell that has one, by format name (the
 * registry, src/shells/): each calls `stsenv __complete` at every Tab
 * (src/cli/complete.ts), so commands, options and profile names are always
 * the installed stsenv's and the config's own.
 */
const SCRIPTS: Readonly<Record<string, string>> = {
  bash: 'stsenv-completion.bash',
  zsh: 'stsenv-completion.zsh',
  fish: 'stsenv-completion.fish',
  powershell: 'stsenv-completion.ps1',
};

const SCRIPT_FORMATS = FORMATS.filter((f) => Object.hasOwn(SCRIPTS, f.name));

/** What `stsenv completion` accepts: each such format's name and aliases. */
export const COMPLETION_SHELLS: readonly string[] = SCRIPT_FORMATS.flatMap((f) => [f.name, ...f.aliases]);

export interface CompletionOptions {
  shell?: string;
}

/** Prints the completion script for SHELL, or for the shell running stsenv. */
export function runCompletion(options: CompletionOptions, ctx: Context): number {
  const wanted = options.shell?.toLowerCase();
  const name =
    wanted === undefined
      ? detectFormat({
          env: ctx.env,
          platform: ctx.platform,
          parentPid: ctx.parentPid,
          processName: readLinuxProcessName,
        })
      : (SCRIPT_FORMATS.find((f) => f.name === wanted || f.aliases.includes(wanted))?.name ?? wanted);
  if (!Object.hasOwn(SCRIPTS, name)) {
    const which = options.shell === undefined ? `the shell running stsenv (${name})` : `'${options.shell}'`;
    throw usageError(
      `stsenv completion has no script for ${which}`,
      `name one: stsenv completion ${SCRIPT_FORMATS.map((f) => f.name).join('|')}`,
    );
  }
  ctx.stdout.write(shellFile(SCRIPTS[name]!));
  return 0;
}

export const completionCommand: CommandSpec<CompletionOptions> = {
  name: 'completion',
  describe: 'Print the Tab completion script for your shell: commands, options, formats, profile names',
  positionals: [
    {
      name: 'shell',
      complete: COMPLETION_SHELLS,
      describe: `Shell to complete in: ${COMPLETION_SHELLS.join(', ')} (default: the shell running stsenv)`,
    },
  ],
  options: {},
  examples: [
    ['eval "$(stsenv completion bash)"', 'In ~/.bashrc (zsh: completion zsh in ~/.zshrc)'],
    ['stsenv completion fish | source', 'In ~/.config/fish/config.fish'],
    ['stsenv completion powershell | Out-String | Invoke-Expression', 'In your PowerShell $PROFILE'],
  ],
  run: runCompletion,
};
