/**
 * `stsenv doctor`: why something does not work, one line per finding, on
 * stderr (stdout is the shell's, and the init functions evaluate it). Exit 1
 * when any finding is a problem. Local checks first; the clock last, the
 * only one that needs the network (none with --offline). Loaded only by
 * this command (a feature bundle of its own).
 */
import { readFileSync } from 'node:fs';
import { GLOBAL_ENDPOINT } from '../aws/client-options.js';
import { configFilePath, credentialsFilePath, sharedConfig, type Profiles } from '../config/shared-files.js';
import type { Context } from '../context.js';
import { resolveEndpoint } from '../engine/index.js';
import { StsenvError } from '../errors.js';
import { checkEndpointUrl, checkRegion } from '../validate.js';
import { clockFinding, clockSkipped } from './clock.js';
import { lintSharedFile } from './config-lint.js';
import { formatFinding, note, ok, problem, type Finding } from './findings.js';
import { cacheFindings, runtimeFinding, shellFinding, signerFindings } from './local-checks.js';
import { profileFindings } from './profile-checks.js';

export interface DoctorRequest {
  offline: boolean;
  region?: string;
  endpointUrl?: string;
  timeoutMs: number;
}

/** Each shared file as written: missing is fine, unreadable is a problem. */
function fileFindings(path: string, kind: 'config' | 'credentials'): Finding[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? [note('config', `no ${kind} file at ${path}`)]
      : [problem('config', `cannot read the ${kind} file ${path} (${code ?? 'error'})`)];
  }
  const findings = lintSharedFile(text, path, kind);
  return findings.length > 0 ? findings : [ok('config', `${path} reads cleanly`)];
}

/** The endpoint the clock is read from: the one stsenv would call (--endpoint-url, AWS_ENDPOINT_URL_STS...), else the region's, else the global one. */
function clockEndpoint(request: DoctorRequest, ctx: Context, profiles: Profiles): string {
  // The engine takes a checked --endpoint-url: doctor's own is checked here, where a mistake is a finding.
  const endpoint = resolveEndpoint(
    { endpointUrl: request.endpointUrl !== undefined ? checkEndpointUrl(request.endpointUrl) : undefined },
    ctx.env,
  );
  if (endpoint) return endpoint;
  const sources: Array<[string | undefined, string]> = [
    [request.region, '--region'],
    [ctx.env.AWS_REGION?.trim(), 'AWS_REGION'],
    [ctx.env.AWS_DEFAULT_REGION?.trim(), 'AWS_DEFAULT_REGION'],
    [profiles.default?.region?.trim(), "region of profile 'default'"],
  ];
  const found = sources.find(([value]) => value);
  return found ? `https://sts.${checkRegion(found[0]!, found[1])}.amazonaws.com` : GLOBAL_ENDPOINT;
}

/** A region or endpoint that is wrong is a finding too, not the end of the report. */
async function checkClock(request: DoctorRequest, ctx: Context, profiles: Profiles): Promise<Finding> {
  let endpoint: string;
  try {
    endpoint = clockEndpoint(request, ctx, profiles);
  } catch (error) {
    if (!(error instanceof StsenvError)) throw error;
    return problem('clock', `not checked: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
  }
  return clockFinding(endpoint, ctx, request.timeoutMs);
}

export async function runDoctor(request: DoctorRequest, ctx: Context): Promise<number> {
  const findings: Finding[] = [runtimeFinding(ctx), shellFinding(ctx), ...cacheFindings(ctx)];
  findings.push(
    ...fileFindings(configFilePath(ctx.env), 'config'),
    ...fileFindings(credentialsFilePath(ctx.env), 'credentials'),
  );
  let profiles: Profiles = {};
  try {
    const shared = sharedConfig(ctx.env);
    profiles = shared.allProfiles();
    findings.push(...profileFindings(profiles, shared.allSsoSessions()));
  } catch (error) {
    if (!(error instanceof StsenvError)) throw error;
    findings.push(problem('config', error.message));
  }
  findings.push(...signerFindings(ctx, profiles));
  findings.push(request.offline ? clockSkipped() : await checkClock(request, ctx, profiles));
  const problems = findings.filter((f) => f.level === 'problem').length;
  const summary = problems === 0 ? 'no problems found' : `${problems} problem${problems === 1 ? '' : 's'} found`;
  ctx.stderr.write(`${[...findings.map(formatFinding), summary].join('\n')}\n`);
  return problems === 0 ? 0 : 1;
}
