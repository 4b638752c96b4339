/**
 * A Context for running commands and the engine in-process: its own
 * environment, captured stdout and stderr, a clock the test sets, and the
 * real STS calls (the loopback fake answers them). Nothing of the test
 * runner's own process reaches it.
 */
import type { Context } from '../../src/context.js';
import { createStsService } from '../../src/aws/sts.js';

export interface TestContext extends Context {
  out: string;
  err: string;
  /** Debug lines, kept whether or not a test looks at them. */
  debugLines: string[];
}

export interface TestContextOptions {
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  platform?: NodeJS.Platform;
}

// The SDK reads these from process.env itself: the CLI sets the first the same way (src/context.ts),
// and no in-process test may let the SDK probe instance metadata (only loopback is allowed here).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

export function testContext(options: TestContextOptions): TestContext {
  const ctx: TestContext = {
    out: '',
    err: '',
    debugLines: [],
    env: options.env,
    stdout: { write: (text: string) => (ctx.out += text), isTTY: false },
    stderr: { write: (text: string) => (ctx.err += text), isTTY: false },
    parentPid: 1,
    platform: options.platform ?? 'linux',
    local: { pid: process.pid, uid: process.getuid?.(), isAlive: () => true },
    now: options.now ?? (() => new Date()),
    prepareSdk: () => {},
    sts: async () =>
      createStsService({
        env: options.env,
        sdkEnv: { ...options.env },
        reporter: { debug: ctx.debug, warn: ctx.warn },
      }),
    debug: (message) => ctx.debugLines.push(message),
    warn: (message) => (ctx.err += `stsenv: warning: ${message}\n`),
    without(names) {
      const env = { ...options.env };
      for (const name of names) delete env[name];
      // Writes still land in this context's out and err.
      return {
        ...ctx,
        env,
        sts: async () => createStsService({ env, sdkEnv: { ...env }, reporter: { debug: ctx.debug, warn: ctx.warn } }),
      };
    },
    onSignals: () => () => {},
  };
  return ctx;
}
