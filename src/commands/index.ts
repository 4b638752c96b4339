import type { CommandSpec } from '../cli-options.js';
import { assumeCommand } from './assume.js';
import { execCommand } from './exec.js';
import { initCommand } from './init.js';
import { sessionCommand } from './session.js';
import { unsetCommand } from './unset.js';
import { webIdentityCommand } from './web-identity.js';
import { whoamiCommand } from './whoami.js';

/** Every subcommand, in the order --help lists them. Adding one is one file and one line here. */
export const COMMANDS: readonly CommandSpec[] = [assumeCommand, sessionCommand, webIdentityCommand, whoamiCommand, unsetCommand, execCommand, initCommand];
