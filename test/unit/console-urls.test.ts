/**
 * The console's sign-in and destination URLs, per partition and
 * region (src/console/urls.ts), and when a browser may be opened.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noBrowserReason } from '../../src/browser.js';
import { startHandoff } from '../../src/console/browser.js';
import { StsenvError } from '../../src/errors.js';
import { destinationUrl, federationEndpoint, loginUrl, partitionOf, signinTokenUrl } from '../../src/console/urls.js';

describe('partitions', () => {
  const cases: Array<[string | undefined, string | undefined, string, string]> = [
    ['eu-west-1', undefined, 'aws', 'https://signin.aws.amazon.com/federation'],
    ['us-east-1', 'arn:aws-cn:iam::123456789012:role/x', 'aws', 'https://signin.aws.amazon.com/federation'],
    ['cn-north-1', undefined, 'aws-cn', 'https://signin.amazonaws.cn/federation'],
    ['cn-northwest-1', undefined, 'aws-cn', 'https://signin.amazonaws.cn/federation'],
    ['us-gov-west-1', undefined, 'aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation'],
    ['us-gov-east-1', undefined, 'aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation'],
    [undefined, undefined, 'aws', 'https://signin.aws.amazon.com/federation'],
    [undefined, 'arn:aws-cn:iam::123456789012:role/x', 'aws-cn', 'https://signin.amazonaws.cn/federation'],
    [
      undefined,
      'arn:aws-us-gov:iam::123456789012:role/x',
      'aws-us-gov',
      'https://signin.amazonaws-us-gov.com/federation',
    ],
  ];
  for (const [region, arn, partition, endpoint] of cases) {
    test(`region ${region ?? '(none)'}${arn ? `, ${arn.split(':')[1]} role` : ''}: ${partition}`, () => {
      assert.equal(partitionOf(region, arn), partition);
      assert.equal(federationEndpoint(partitionOf(region, arn)), endpoint);
    });
  }
});

describe('the console destination', () => {
  const cases: Array<[Parameters<typeof destinationUrl>, string]> = [
    [['aws', undefined], 'https://console.aws.amazon.com/'],
    [['aws', 'eu-west-1'], 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
    [['aws', 'us-east-1'], 'https://console.aws.amazon.com/console/home?region=us-east-1'],
    [['aws-cn', 'cn-north-1'], 'https://console.amazonaws.cn/console/home?region=cn-north-1'],
    [['aws-cn', 'cn-northwest-1'], 'https://cn-northwest-1.console.amazonaws.cn/console/home?region=cn-northwest-1'],
    [['aws-us-gov', 'us-gov-west-1'], 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1'],
    [
      ['aws-us-gov', 'us-gov-east-1'],
      'https://us-gov-east-1.console.amazonaws-us-gov.com/console/home?region=us-gov-east-1',
    ],
    [['aws', 'eu-west-1', 's3/home'], 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1'],
    [
      ['aws', 'eu-west-1', '/ec2/home#Instances:'],
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:',
    ],
    [
      ['aws', 'eu-west-1', 'cloudwatch/home?region=us-east-2#logs'],
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=us-east-2#logs',
    ],
    [['aws', undefined, 'iam/home'], 'https://console.aws.amazon.com/iam/home'],
    [
      ['aws', 'eu-west-1', 'https://us-east-1.console.aws.amazon.com/lambda/home'],
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=eu-west-1',
    ],
  ];
  for (const [args, expected] of cases) {
    test(`${args.filter(Boolean).join(' ')}`, () => assert.equal(destinationUrl(...args), expected));
  }

  test("a destination off the partition's console is refused (exit 2)", () => {
    for (const [partition, destination] of [
      ['aws', 'https://evil.example.com/console'],
      ['aws', 'http://console.aws.amazon.com/'],
      ['aws', 'https://console.aws.amazon.com.evil.example/'],
      ['aws-cn', 'https://console.aws.amazon.com/'],
      ['aws', '//evil.example.com/x'],
      ['aws', 'javascript:alert(1)'],
    ] as const) {
      assert.throws(
        () => destinationUrl(partition, 'eu-west-1', destination),
        (error: unknown) => error instanceof StsenvError && error.exitCode === 2 && /--destination/.test(error.message),
        destination,
      );
    }
  });
});

describe('the sign-in URLs', () => {
  const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'se/cret+key=', sessionToken: 'to&ken=/+' };

  test('getSigninToken carries the session as JSON and SessionDuration only when given', () => {
    const url = signinTokenUrl('https://signin.aws.amazon.com/federation', credentials, 7200);
    assert.equal(url.origin + url.pathname, 'https://signin.aws.amazon.com/federation');
    assert.equal(url.searchParams.get('Action'), 'getSigninToken');
    assert.equal(url.searchParams.get('SessionDuration'), '7200');
    assert.deepEqual(JSON.parse(url.searchParams.get('Session')!), {
      sessionId: 'ASIAEXAMPLE',
      sessionKey: 'se/cret+key=',
      sessionToken: 'to&ken=/+',
    });
    assert.equal(
      signinTokenUrl('https://signin.aws.amazon.com/federation', credentials).searchParams.has('SessionDuration'),
      false,
    );
  });

  test('login: the token and the destination, each exactly', () => {
    const url = new URL(
      loginUrl(
        'https://signin.amazonaws.cn/federation',
        'tok+en/=&x',
        'https://console.amazonaws.cn/console/home?region=cn-north-1#a',
      ),
    );
    assert.equal(url.origin + url.pathname, 'https://signin.amazonaws.cn/federation');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      Action: 'login',
      Issuer: 'stsenv',
      Destination: 'https://console.amazonaws.cn/console/home?region=cn-north-1#a',
      SigninToken: 'tok+en/=&x',
    });
    assert.equal(url.hash, '', "the destination's fragment stays inside its parameter");
  });
});

describe('opening a browser', () => {
  test('only with a display, never in CI', () => {
    assert.equal(noBrowserReason({ DISPLAY: ':0' }, 'linux'), undefined);
    assert.equal(noBrowserReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), undefined);
    assert.equal(noBrowserReason({ WSL_DISTRO_NAME: 'Debian' }, 'linux'), undefined);
    assert.match(noBrowserReason({}, 'linux')!, /no display/);
    assert.match(noBrowserReason({}, 'freebsd')!, /no display/);
    assert.match(noBrowserReason({ DISPLAY: ':0', CI: 'true' }, 'linux')!, /CI/);
    assert.match(noBrowserReason({ CI: '1' }, 'win32')!, /CI/);
    assert.equal(noBrowserReason({ DISPLAY: ':0', CI: 'false' }, 'linux'), undefined);
    assert.equal(noBrowserReason({}, 'win32'), undefined);
    assert.equal(noBrowserReason({}, 'darwin'), undefined);
    assert.match(noBrowserReason({ SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 22' }, 'darwin')!, /SSH/);
  });

  test('the one-time address redirects once to the sign-in URL, and nothing else', async () => {
    const target = 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=secret';
    const handoff = await startHandoff(target);
    try {
      const url = new URL(handoff.url);
      assert.equal(url.hostname, '127.0.0.1');
      assert.match(url.pathname, /^\/[A-Za-z0-9_-]{43}$/);
      const other = await fetch(new URL('/favicon.ico', url), { redirect: 'manual' });
      assert.equal(other.status, 404);
      const first = await fetch(handoff.url, { redirect: 'manual' });
      assert.equal(first.status, 302);
      assert.equal(first.headers.get('location'), target);
      assert.equal(first.headers.get('referrer-policy'), 'no-referrer');
      await handoff.fetched;
      const again = await fetch(handoff.url, { redirect: 'manual' }).then(
        (r) => r.status,
        () => 'closed',
      );
      assert.ok(again === 404 || again === 'closed', `a second fetch got ${again}`);
    } finally {
      await handoff.close();
    }
  });
});
