import type { EnvFormat } from './types.js';

/**
 * NAME=value unquoted: docker --env-file and compose keep quotes literally,
 * so quoting would change the value. What cannot be written bare is refused.
 * An env file cannot remove a variable: `NAME=` would set it to the empty
 * string, and an empty AWS_PROFILE makes the AWS CLI and boto3 look for a
 * profile named '' and fail. So dotenv carries only what it sets.
 */
export const dotenv: EnvFormat = {
  kind: 'env',
  name: 'dotenv',
  aliases: ['env'],
  description:
    'NAME=value lines for docker --env-file (read literally: no quotes, no expansion; only sets, cannot unset)',
  lineEnding: '\n',
  refuse(value) {
    if (value.includes('\0')) return 'a NUL character, which no environment variable can hold';
    if (/[\r\n]/.test(value)) return 'a line break, which a .env line cannot carry unquoted';
    return undefined;
  },
  setLine: (name, value) => `${name}=${value}`,
};
