/**
 * This machine's clock against STS's: every answer carries a Date header,
 * and SigV4 refuses a request signed more than 5 minutes off
 * (SignatureDoesNotMatch, "Signature expired"), a failure nobody connects to
 * the clock. One unsigned GET to the STS endpoint stsenv would use, through
 * the same proxy settings; any answer will do, an error page included.
 */
import type { Context } from '../context.js';
import { failure } from '../errors.js';
import { httpsOptions } from '../aws/https-options.js';
import { bypassesProxy, proxyAgents, readProxySettings } from '../aws/proxy.js';
import { note, ok, problem, type Finding } from './findings.js';

/** More than this is named: SigV4 allows 5 minutes, and a clock drifting past one is on its way there. */
export const MAX_SKEW_MS = 60_000;

/** The Date header of an answer from `endpoint`. */
async function serverDate(
  endpoint: URL,
  ctx: Context,
  timeoutMs: number,
): Promise<{ date: Date; sent: number; received: number }> {
  const settings = readProxySettings(ctx.env);
  const tls = httpsOptions(ctx.env);
  const proxied = !bypassesProxy(settings.noProxy, endpoint.hostname, endpoint.port);
  const agents = proxied ? await proxyAgents(settings, tls) : { httpAgent: undefined, httpsAgent: undefined };
  const https = endpoint.protocol === 'https:';
  const { request } = https ? await import('node:https') : await import('node:http');
  const agent = https ? agents.httpsAgent : agents.httpAgent;
  return new Promise((resolve, reject) => {
    const sent = Date.now();
    const req = request(
      endpoint,
      { method: 'GET', agent, timeout: timeoutMs, ...(https && !agent ? tls : {}) },
      (res) => {
        res.resume();
        const header = res.headers.date;
        const date = header ? new Date(header) : undefined;
        if (!date || Number.isNaN(date.getTime())) reject(failure(`${endpoint.origin} answered without a Date header`));
        else resolve({ date, sent, received: Date.now() });
      },
    );
    req.on('timeout', () => req.destroy(failure(`no answer within ${timeoutMs / 1000}s`)));
    req.on('error', reject);
    req.end();
  });
}

function describe(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

/** How to set the clock right, by platform. */
const FIX: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'sudo timedatectl set-ntp true',
  darwin: 'sudo sntp -sS time.apple.com',
  win32: 'w32tm /resync (as administrator)',
};

export async function clockFinding(endpoint: string, ctx: Context, timeoutMs: number): Promise<Finding> {
  const topic = 'clock';
  let answer: Awaited<ReturnType<typeof serverDate>>;
  try {
    answer = await serverDate(new URL(endpoint), ctx, timeoutMs);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return problem(
      topic,
      `cannot reach ${new URL(endpoint).origin} to compare clocks (${e.code ?? e.message.split('\n')[0]}): check the network and proxy, or run stsenv doctor --offline`,
    );
  }
  // The header has whole seconds and the answer took time: compare with the middle of the round trip.
  const local = ctx.now().getTime() - (Date.now() - (answer.sent + answer.received) / 2);
  // The header's whole second stands for anywhere in it: its middle.
  const skew = local - (answer.date.getTime() + 500);
  const margin = 1000 + (answer.received - answer.sent) / 2;
  if (Math.abs(skew) <= MAX_SKEW_MS + margin) {
    return Math.abs(skew) <= margin + 1000
      ? ok(topic, `within a second or two of ${new URL(endpoint).host}`)
      : note(
          topic,
          `${describe(skew)} ${skew > 0 ? 'ahead of' : 'behind'} ${new URL(endpoint).host}: fine, under a minute`,
        );
  }
  const fix = FIX[ctx.platform] ?? 'sync it with NTP';
  return problem(
    topic,
    `this machine's clock is ${describe(skew)} ${skew > 0 ? 'ahead of' : 'behind'} ${new URL(endpoint).host}: requests signed more than 5 minutes off fail (SignatureDoesNotMatch, Signature expired); sync it: ${fix}`,
  );
}

/** Without network: said, so that a clean report does not pretend the clock was checked. */
export function clockSkipped(): Finding {
  return note('clock', 'not checked (--offline)');
}
