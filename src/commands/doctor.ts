import type { CommandSpec, OptionTable, OptionValues } from './spec.js';
import { DEFAULT_TIMEOUT_MS } from '../aws/client-options.js';
import type { Context } from '../context.js';
import { checkTimeout } from '../validate.js';

const OPTIONS = {
  offline: { type: 'boolean', describe: 'Check only what is on this machine: no request (the clock is not compared)' },
  region: {
    type: 'string',
    describe:
      "Region of the STS endpoint whose clock is compared (default: AWS_REGION, AWS_DEFAULT_REGION, profile default's)",
  },
  'endpoint-url': {
    type: 'string',
    describe: 'STS endpoint whose clock is compared (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)',
  },
  timeout: { type: 'number', describe: 'Seconds to wait for STS (default 30)' },
} as const satisfies OptionTable;

export type DoctorOptions = OptionValues<typeof OPTIONS>;

export async function runDoctorCommand(options: DoctorOptions, ctx: Context): Promise<number> {
  const timeoutMs = options.timeout !== undefined ? checkTimeout(options.timeout) : DEFAULT_TIMEOUT_MS;
  const { runDoctor } = await import('../doctor/run-doctor.js');
  return runDoctor(
    {
      offline: options.offline === true,
      region: options.region,
      endpointUrl: options.endpointUrl,
      timeoutMs,
    },
    ctx,
  );
}

export const doctorCommand: CommandSpec<DoctorOptions> = {
  name: 'doctor',
  describe:
    'Find what stands in the way: the clock, every profile, which credentials sign, the cache, the shell integration',
  options: OPTIONS,
  // Through an init function it is evaluated (it prints nothing for the shell): that is how it knows the integration is loaded.
  shellLines: true,
  examples: [
    ['stsenv doctor', 'Every check, the clock against STS included'],
    ['stsenv doctor --offline 2>&1 | grep problem', 'Only what is on this machine; the problems alone'],
  ],
  epilogue:
    'One line per finding on stderr: ok, note or problem. Exit 1 when there is a problem. No secret is ever shown.',
  run: runDoctorCommand,
};
