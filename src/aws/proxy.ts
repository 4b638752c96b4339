/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY as the AWS CLI reads them (botocore
 * through Python's urllib): the SDK for JavaScript ignores them by itself.
 * Loaded only on the network path (STS, the console's sign-in request, IAM
 * Identity Center); the agent library only when a proxy is actually configured.
 */
import { Agent as HttpAgent, type AgentOptions, type ClientRequest, type ClientRequestArgs } from 'node:http';
import type {
  Agent as HttpsAgent,
  AgentOptions as HttpsAgentOptions,
  RequestOptions as HttpsRequestOptions,
} from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { usageError } from '../errors.js';

export interface ProxySettings {
  /** Proxy for https:// endpoints (CONNECT tunnel), and where it came from. */
  https?: { url: URL; source: string };
  /** Proxy for http:// endpoints (absolute-URI requests). */
  http?: { url: URL; source: string };
  /** NO_PROXY entries, lower case, leading dots removed; `*` bypasses every host. */
  noProxy: string[];
}

/** Lower case wins over upper case, as in Python's getproxies_environment(). */
function envPair(env: NodeJS.ProcessEnv, name: string): { value: string; source: string } | undefined {
  for (const source of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[source]?.trim();
    if (value) return { value, source };
  }
  return undefined;
}

/** `proxy:3128` means `http://proxy:3128`, as botocore's fix_proxy_url() has it. */
function proxyUrl(value: string, source: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${source} is not a URL`, 'expected http://HOST:PORT (or https://HOST:PORT)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(
      `${source} uses ${url.protocol.replace(/:$/, '')}://, which stsenv does not support`,
      'use an http:// or https:// proxy',
    );
  }
  return url;
}

export function readProxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const https = envPair(env, 'https_proxy');
  const http = envPair(env, 'http_proxy');
  const noProxy = envPair(env, 'no_proxy');
  return {
    https: https ? { url: proxyUrl(https.value, https.source), source: https.source } : undefined,
    http: http ? { url: proxyUrl(http.value, http.source), source: http.source } : undefined,
    noProxy: (noProxy?.value ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase().replace(/^\.+/, ''))
      .filter(Boolean),
  };
}

/**
 * Python's proxy_bypass_environment(): `*` matches everything; an entry
 * matches the host (or host:port) itself and any name under it, so
 * `amazonaws.com` and `.amazonaws.com` both cover `sts.amazonaws.com`.
 */
export function bypassesProxy(noProxy: readonly string[], host: string, port?: number | string): boolean {
  if (noProxy.includes('*')) return true;
  const hostOnly = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const hostPort = port === undefined || port === '' ? hostOnly : `${hostOnly}:${port}`;
  return noProxy.some((name) => {
    const bare = name.replace(/^\[(.*)\]$/, '$1');
    return hostOnly === bare || hostPort === bare || hostOnly.endsWith(`.${bare}`) || hostPort.endsWith(`.${bare}`);
  });
}

/** The proxy URL for --debug and messages: user and password left out. */
export function describeProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function proxyAuthorization(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
}

type RequestOptions = ClientRequestArgs;
type ConnectCallback = (error: Error | null, socket: Duplex) => void;

/**
 * Plain HTTP through a forward proxy, the way urllib3 (and so the AWS CLI)
 * does it: the connection goes to the proxy and the request line carries the
 * absolute URI. Hosts under NO_PROXY are reached directly.
 */
class ForwardProxyAgent extends HttpAgent {
  constructor(
    private readonly proxy: URL,
    private readonly noProxy: readonly string[],
    options: AgentOptions,
  ) {
    super(options);
  }

  /** Not in @types/node, but the documented way agents route a request (node:_http_agent). */
  addRequest(req: ClientRequest, options: RequestOptions): void {
    const host = options.hostname ?? options.host ?? 'localhost';
    const port = options.port ?? 80;
    if (bypassesProxy(this.noProxy, host, port)) {
      (HttpAgent.prototype as unknown as { addRequest(r: ClientRequest, o: RequestOptions): void }).addRequest.call(
        this,
        req,
        options,
      );
      return;
    }
    const hostPart = host.includes(':') ? `[${host}]` : host;
    req.path = `http://${hostPart}${String(port) === '80' ? '' : `:${port}`}${req.path}`;
    const auth = proxyAuthorization(this.proxy);
    if (auth) req.setHeader('Proxy-Authorization', auth);
    const proxyPort = this.proxy.port || (this.proxy.protocol === 'https:' ? '443' : '80');
    const toProxy: RequestOptions = {
      ...options,
      host: this.proxy.hostname,
      hostname: this.proxy.hostname,
      port: Number(proxyPort),
    };
    (HttpAgent.prototype as unknown as { addRequest(r: ClientRequest, o: RequestOptions): void }).addRequest.call(
      this,
      req,
      toProxy,
    );
  }

  override createConnection(options: RequestOptions, callback?: ConnectCallback): Duplex | null | undefined {
    // An https:// proxy for plain-http endpoints: TLS to the proxy itself.
    if (this.proxy.protocol === 'https:' && options.host === this.proxy.hostname) {
      return tlsConnect({ host: this.proxy.hostname, port: Number(options.port), servername: this.proxy.hostname });
    }
    return super.createConnection(options, callback);
  }
}

export interface ProxyAgents {
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
  /** One line for --debug; no credentials. */
  description: string;
}

/**
 * Agents for the SDK's NodeHttpHandler, or none when no proxy variable is
 * set. `ca` is the trust store for https endpoints (AWS_CA_BUNDLE).
 */
export async function proxyAgents(settings: ProxySettings, httpsOptions: HttpsAgentOptions): Promise<ProxyAgents> {
  const agentOptions: AgentOptions = { keepAlive: true, maxSockets: 50 };
  const parts: string[] = [];
  let httpAgent: HttpAgent | undefined;
  let httpsAgent: HttpsAgent | undefined;
  if (settings.http) {
    httpAgent = new ForwardProxyAgent(settings.http.url, settings.noProxy, agentOptions);
    parts.push(`http via ${describeProxy(settings.http.url)} (${settings.http.source})`);
  }
  if (settings.https) {
    const { HttpsProxyAgent } = await import('hpagent');
    const noProxy = settings.noProxy;
    const proxy = settings.https.url;
    const tunnel = new HttpsProxyAgent({ ...agentOptions, ...httpsOptions, proxy });
    // hpagent tunnels every connection; hosts under NO_PROXY connect directly instead.
    const viaProxy = tunnel.createConnection.bind(tunnel);
    const direct = Object.getPrototypeOf(HttpsProxyAgent.prototype).createConnection as HttpsAgent['createConnection'];
    tunnel.createConnection = (options: HttpsRequestOptions, callback?: ConnectCallback) => {
      if (bypassesProxy(noProxy, options.host ?? '', options.port ?? 443))
        return direct.call(tunnel, options, callback);
      return viaProxy(options, callback);
    };
    httpsAgent = tunnel;
    parts.push(`https via ${describeProxy(proxy)} (${settings.https.source})`);
  }
  if (parts.length > 0 && settings.noProxy.length > 0) parts.push(`not for ${settings.noProxy.join(',')} (NO_PROXY)`);
  return { httpAgent, httpsAgent, description: parts.length > 0 ? `proxy: ${parts.join('; ')}` : 'no proxy' };
}
