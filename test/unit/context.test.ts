/**
 * The Context's environment (src/context.ts startingEnv): read through to the
 * process's, never copied, and blind to what stsenv sets there for the SDK.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startingEnv } from '../../src/context.js';

describe('the environment the Context gives', () => {
  test('reads go through to the live environment', () => {
    const live: NodeJS.ProcessEnv = { HOME: '/home/a', AWS_PROFILE: 'dev' };
    const { env } = startingEnv(live, 'linux');
    assert.equal(env.AWS_PROFILE, 'dev');
    assert.ok('HOME' in env);
    assert.deepEqual({ ...env }, live);
    assert.deepEqual(Object.keys(env), ['HOME', 'AWS_PROFILE']);
  });

  test('a variable set or removed for the SDK keeps, in env, the value it had: absent stays absent', () => {
    const live: NodeJS.ProcessEnv = { HOME: '/home/a', STSENV_RESOLVING_PROFILES: 'outer', GONE: 'x' };
    const { env, forSdk } = startingEnv(live, 'linux');
    forSdk.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    forSdk.STSENV_RESOLVING_PROFILES = 'outer\ninner';
    forSdk.STSENV_RESOLVING_PROFILES = 'outer\ninner\nthird';
    delete forSdk.GONE;
    assert.equal(live.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, 'true', 'the SDK sees it');
    assert.equal(live.STSENV_RESOLVING_PROFILES, 'outer\ninner\nthird');
    assert.equal(live.GONE, undefined);
    assert.equal(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, undefined);
    assert.ok(!('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED' in env));
    assert.equal(env.STSENV_RESOLVING_PROFILES, 'outer', 'the first value, not the one before the last change');
    assert.equal(env.GONE, 'x');
    // What `exec` gives its command: a spread of env.
    assert.deepEqual({ ...env }, { HOME: '/home/a', STSENV_RESOLVING_PROFILES: 'outer', GONE: 'x' });
  });

  test('env refuses writes: the Context is read-only', () => {
    const { env } = startingEnv({ HOME: '/home/a' }, 'linux');
    assert.throws(() => {
      env.HOME = '/elsewhere';
    }, TypeError);
    assert.throws(() => {
      delete env.HOME;
    }, TypeError);
  });

  test('on Windows a name changed for the SDK is matched whatever its case', () => {
    const live: NodeJS.ProcessEnv = { Path: 'C:\\Windows' };
    const { env, forSdk } = startingEnv(live, 'win32');
    forSdk.Aws_Region = 'eu-west-1';
    assert.equal(env.AWS_REGION, undefined);
    assert.equal(env.aws_region, undefined);
    assert.equal(env.Path, 'C:\\Windows');
  });
});
