import type { Credentials } from '../credentials.js';

/** How to reach STS and as whom; resolved before the SDK is loaded. */
export interface StsTarget {
  /** Signing region, and the region exported to the shell when `regionKnown`. */
  region: string;
  /** False when no region was configured and STS's global endpoint is used. */
  regionKnown: boolean;
  endpoint?: string;
  /** Base credentials: a profile name for the SDK's chain, explicit keys, or neither (default chain). */
  profile?: string;
  credentials?: Credentials;
  /** Who the base identity is, for error messages and --debug: never a secret. */
  identityLabel: string;
  maxAttempts?: number;
  /** Total time allowed for the call, retries included. */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const GLOBAL_ENDPOINT = 'https://sts.amazonaws.com';
/** The global endpoint signs as us-east-1. */
export const GLOBAL_SIGNING_REGION = 'us-east-1';
