/**
 * What the SSO clients (sign-in and portal) share with stsenv's STS client:
 * proxies, AWS_CA_BUNDLE, timeouts, and no SDK chatter on the console.
 */
import type { NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { httpsOptions } from '../aws/https-options.js';
import { bypassesProxy, describeProxy, proxyAgents, readProxySettings } from '../aws/proxy.js';

export interface SsoClientSettings {
  requestHandler: NodeHttpHandlerOptions;
  logger: { debug(): void; info(): void; warn(): void; error(): void };
  /** The proxy in use for this endpoint, for messages; no credentials. */
  proxy?: string;
}

/** The endpoint the SDK will use, for messages: the service's AWS_ENDPOINT_URL_* variable, AWS_ENDPOINT_URL, else AWS's. */
export function endpointFor(env: NodeJS.ProcessEnv, variable: string, fallback: string): string {
  return env[variable]?.trim() || env.AWS_ENDPOINT_URL?.trim() || fallback;
}

export async function ssoClientSettings(
  env: NodeJS.ProcessEnv,
  endpoint: string,
  timeoutMs: number,
  debug: (message: string) => void,
): Promise<SsoClientSettings> {
  const settings = readProxySettings(env);
  const tls = httpsOptions(env);
  const agents = await proxyAgents(settings, tls);
  const httpsAgent =
    agents.httpsAgent ?? (tls.ca ? new (await import('node:https')).Agent({ keepAlive: true, ...tls }) : undefined);
  debug(agents.description);
  const url = new URL(endpoint);
  const proxied = url.protocol === 'https:' ? settings.https : settings.http;
  return {
    requestHandler: {
      connectionTimeout: Math.min(timeoutMs, 10_000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: agents.httpAgent,
      httpsAgent,
    },
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    proxy: proxied && !bypassesProxy(settings.noProxy, url.hostname, url.port) ? describeProxy(proxied.url) : undefined,
  };
}
