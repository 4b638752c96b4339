/** What `stsenv sso` takes from the process, so that tests run its actions in-process. */
import type { LocalProcess, Output } from '../context.js';
import type { OidcApi } from './oidc-api.js';

export interface SsoWorld {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** This process, for the cache files. */
  local: LocalProcess;
  stderr: Output;
  now(): Date;
  debug(message: string): void;
  warn(message: string): void;
  sleep(ms: number): Promise<void>;
  /** The SSO OIDC API for a region (default: the SDK's client, oidc.ts). */
  oidc?(region: string, timeoutMs: number | undefined): Promise<OidcApi & { destroy?(): void }>;
  /** Ends a session at the SSO portal; says why not, if it could not (default: the SDK's client, portal.ts). */
  portalLogout?(region: string, accessToken: string): Promise<string | undefined>;
  /** Opens a page in a browser, where noBrowserReason allows (default: the `open` package). */
  openBrowser?(url: string): Promise<boolean>;
}
