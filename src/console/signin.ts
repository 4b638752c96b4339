/**
 * The federation endpoint's getSigninToken: session credentials in, a
 * sign-in token out. Through HTTPS_PROXY / NO_PROXY and AWS_CA_BUNDLE as
 * STS requests go. The request's query carries the credentials, so no URL
 * with its query, no answer body and no Node error text reaches a message.
 */
import type { Agent as HttpAgent } from 'node:http';
import { failure, type StsenvError } from '../errors.js';
import { httpsOptions } from '../aws/https-options.js';
import { bypassesProxy, describeProxy, proxyAgents, readProxySettings } from '../aws/proxy.js';
import { signinTokenUrl } from './urls.js';

export interface SigninRequest {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  sessionDuration?: number;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  debug(message: string): void;
  /** What the user can do when the endpoint refuses these credentials. */
  refusedHint: string;
}

const MAX_ANSWER_BYTES = 64 * 1024;

interface Answer {
  status: number;
  body: string;
}

export async function getSigninToken(request: SigninRequest): Promise<string> {
  const url = signinTokenUrl(request.endpoint, request.credentials, request.sessionDuration);
  const where = `${url.origin}${url.pathname}`;
  const settings = readProxySettings(request.env);
  const tls = httpsOptions(request.env);
  const agents = await proxyAgents(settings, tls);
  const secure = url.protocol === 'https:';
  const proxied = secure ? settings.https : settings.http;
  const proxy =
    proxied && !bypassesProxy(settings.noProxy, url.hostname, url.port) ? describeProxy(proxied.url) : undefined;
  const via = proxy ? ` through proxy ${proxy}` : '';
  const http = secure ? await import('node:https') : await import('node:http');
  const agent: HttpAgent = (secure ? agents.httpsAgent : agents.httpAgent) ?? new http.Agent(secure ? tls : {});
  request.debug(
    `getSigninToken via ${where}${via}${request.sessionDuration !== undefined ? ` (SessionDuration ${request.sessionDuration})` : ''}`,
  );
  const started = Date.now();
  let answer: Answer;
  try {
    answer = await new Promise<Answer>((resolve, reject) => {
      const req = http.get(
        url,
        { agent, headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(request.timeoutMs) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
  } catch (error) {
    throw networkFailure(error as NodeJS.ErrnoException, where, via, request.timeoutMs);
  } finally {
    agent.destroy();
    request.debug(`getSigninToken took ${Date.now() - started} ms`);
  }
  if (answer.status !== 200) {
    throw failure(`getSigninToken failed: ${where}${via} answered HTTP ${answer.status}`, {
      hint:
        answer.status === 407
          ? 'put the proxy user and password in HTTPS_PROXY (http://USER:PASSWORD@HOST:PORT)'
          : answer.status >= 500
            ? 'the sign-in endpoint is failing: try again later'
            : request.refusedHint,
    });
  }
  let token: unknown;
  try {
    token = (JSON.parse(answer.body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') {
    throw failure(`getSigninToken failed: the answer from ${where} has no SigninToken`, { hint: 'check --signin-url' });
  }
  return token;
}

function networkFailure(error: NodeJS.ErrnoException, where: string, via: string, timeoutMs: number): StsenvError {
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return failure(`getSigninToken failed: no answer from ${where}${via} within ${timeoutMs / 1000}s`, {
      hint: 'check the network and proxy settings, or raise --timeout',
    });
  }
  return failure(`getSigninToken failed: cannot reach ${where}${via} (${error.code ?? 'network error'})`, {
    hint: 'check the network, proxy settings (HTTPS_PROXY, NO_PROXY) or --signin-url',
  });
}
