import { readFileSync } from 'node:fs';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { usageError } from '../errors.js';

/** AWS_CA_BUNDLE replaces the trust store for https endpoints, as in the AWS CLI. */
export function httpsOptions(env: NodeJS.ProcessEnv): HttpsAgentOptions {
  const bundle = env.AWS_CA_BUNDLE?.trim();
  if (!bundle) return {};
  try {
    return { ca: readFileSync(bundle) };
  } catch (error) {
    throw usageError(
      `cannot read AWS_CA_BUNDLE '${bundle}': ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      'point it at a PEM file of CA certificates, or unset it',
    );
  }
}
