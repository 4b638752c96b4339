import { userInfo } from '../lazy-os.js';
import { nameCharsOnly } from '../text/plain-forms.js';

/**
 * A default RoleSessionName that says who and when: `stsenv-USER-EPOCH`,
 * reduced to the characters STS accepts ([\w+=,.@-], 2..64) so that a user
 * name with spaces or accents never turns into a ValidationError.
 */
export function defaultSessionName(env: NodeJS.ProcessEnv, now: Date): string {
  let user = env.USER ?? env.USERNAME ?? '';
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'user';
    }
  }
  const safeUser = nameCharsOnly(user).slice(0, 40) || 'user';
  return `stsenv-${safeUser}-${Math.floor(now.getTime() / 1000)}`.slice(0, 64);
}
