/**
 * The AWS console sign-in URLs, per partition. Pure: no network.
 *
 * The federation endpoint (IAM User Guide, "Enable custom identity broker
 * access to the AWS console"): `GET /federation?Action=getSigninToken&
 * Session={"sessionId","sessionKey","sessionToken"}[&SessionDuration=N]`
 * answers `{"SigninToken": ...}`; the browser then opens
 * `/federation?Action=login&Issuer=...&Destination=...&SigninToken=...`.
 *
 * Hosts as aws-vault (`cli/login.go` generateLoginURL) and granted
 * (`pkg/console/partition.go`) build them: the sign-in endpoint is the
 * partition's global one (signin.aws.amazon.com, signin.amazonaws-us-gov.com,
 * signin.amazonaws.cn); the console is regional (`REGION.console.aws.amazon.com`),
 * except in the partition's first region, where granted uses the bare host.
 */
import { partitionOf, type Partition } from '../aws/partition.js';
import { usageError } from '../errors.js';

export { partitionOf, type Partition };

interface PartitionHosts {
  signin: string;
  console: string;
  /** The region whose console is the bare host. */
  home: string;
}

const PARTITIONS: Record<Partition, PartitionHosts> = {
  aws: { signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com', home: 'us-east-1' },
  'aws-us-gov': {
    signin: 'signin.amazonaws-us-gov.com',
    console: 'console.amazonaws-us-gov.com',
    home: 'us-gov-west-1',
  },
  'aws-cn': { signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn', home: 'cn-north-1' },
};

/** The partition's federation endpoint. */
export function federationEndpoint(partition: Partition): string {
  return `https://${PARTITIONS[partition].signin}/federation`;
}

function consoleHost(partition: Partition, region: string | undefined): string {
  const hosts = PARTITIONS[partition];
  return region && region !== hosts.home ? `${region}.${hosts.console}` : hosts.console;
}

/** Whether a host is the partition's console or a regional console of it. */
function isConsoleHost(partition: Partition, host: string): boolean {
  const base = PARTITIONS[partition].console;
  return host === base || host.endsWith(`.${base}`);
}

/**
 * Where the console opens: its home page, or `--destination`: a path on the
 * console (`s3/home`, `/ec2/home#Instances`) or a full https URL on the
 * partition's console. The region is added as `?region=` when known and not
 * given already.
 */
export function destinationUrl(partition: Partition, region: string | undefined, destination?: string): string {
  const base = `https://${consoleHost(partition, region)}/`;
  let url: URL;
  if (destination === undefined || destination === '') {
    url = new URL(region ? 'console/home' : '', base);
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(destination)) {
    try {
      url = new URL(destination);
    } catch {
      throw usageError(
        `invalid --destination '${destination}'`,
        'give a console path such as s3/home, or an https:// URL on the console',
      );
    }
    if (url.protocol !== 'https:' || !isConsoleHost(partition, url.hostname)) {
      throw usageError(
        `--destination '${destination}' is not on the AWS console (${PARTITIONS[partition].console})`,
        'give a console path such as s3/home, or an https:// URL on the console',
      );
    }
  } else {
    if (destination.startsWith('//'))
      throw usageError(`invalid --destination '${destination}'`, 'give a console path such as s3/home');
    url = new URL(destination.replace(/^\/+/, ''), base);
  }
  if (region && !url.searchParams.has('region')) url.searchParams.set('region', region);
  return url.href;
}

/**
 * The partition's sign-out endpoint, which sends the browser on to
 * `redirect_uri` once the open console session is signed out. Only the
 * sign-in hosts of the partition's first region honour redirect_uri (the
 * global host always goes to the AWS home page), so the login URL is moved
 * to that host too, where the sign-in token works as well. With a
 * --signin-url of one's own, its origin's /oauth.
 */
export function logoutFirstUrl(partition: Partition, login: string, customEndpoint?: string): string {
  let logout: URL;
  const target = new URL(login);
  if (customEndpoint !== undefined) {
    logout = new URL('/oauth', customEndpoint);
  } else {
    const hosts = PARTITIONS[partition];
    const regional = `${hosts.home}.${hosts.signin}`;
    logout = new URL(`https://${regional}/oauth`);
    if (target.hostname === hosts.signin) target.hostname = regional;
  }
  logout.searchParams.set('Action', 'logout');
  logout.searchParams.set('redirect_uri', target.href);
  return logout.href;
}

/** The sign-in request: the session's credentials in the query, as the federation endpoint takes them. */
export function signinTokenUrl(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  sessionDuration?: number,
): URL {
  const url = new URL(endpoint);
  url.searchParams.set('Action', 'getSigninToken');
  if (sessionDuration !== undefined) url.searchParams.set('SessionDuration', String(sessionDuration));
  url.searchParams.set(
    'Session',
    JSON.stringify({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    }),
  );
  return url;
}

/** The URL the browser opens: it signs in with the token and goes to the destination. */
export function loginUrl(endpoint: string, signinToken: string, destination: string): string {
  const url = new URL(endpoint);
  url.searchParams.set('Action', 'login');
  url.searchParams.set('Issuer', 'stsenv');
  url.searchParams.set('Destination', destination);
  url.searchParams.set('SigninToken', signinToken);
  return url.href;
}
