import type { CommandSpec } from './spec.js';
import type { Context } from '../context.js';
import { INTEGRATION_NAMES, integrationScript } from '../shells/integration.js';

export interface InitOptions {
  shell: string;
}

/** Prints the shell function (or, for cmd, the batch file) that makes stsenv change the current shell. */
export function runInit(options: InitOptions, ctx: Context): number {
  ctx.stdout.write(integrationScript(options.shell));
  return 0;
}

export const initCommand: CommandSpec<InitOptions> = {
  name: 'init',
  describe: 'Print the shell integration for your rc file: `stsenv assume ...` then changes the shell itself',
  positionals: [
    {
      name: 'shell',
      required: true,
      complete: INTEGRATION_NAMES,
      describe: `Shell to integrate with: ${INTEGRATION_NAMES.join(', ')}`,
    },
  ],
  options: {},
  examples: [
    ['eval "$(stsenv init bash)"', 'In ~/.bashrc (zsh: init zsh in ~/.zshrc)'],
    ['stsenv init fish | source', 'In ~/.config/fish/config.fish'],
    ['Invoke-Expression (& stsenv init powershell | Out-String)', 'In your PowerShell $PROFILE'],
    [
      'stsenv init cmd > "%USERPROFILE%\\bin\\stsenv-env.bat"',
      'cmd.exe: save the batch file on your PATH, then: stsenv-env assume ...',
    ],
  ],
  run: runInit,
};
