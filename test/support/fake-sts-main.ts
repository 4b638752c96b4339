/**
 * Runs the fake STS on its own for demos and manual poking:
 *   npx tsx test/support/fake-sts-main.ts [--port N]
 * Prints the endpoint URL as the only stdout line (so a script can capture
 * it), logs each request to stderr, and stops on SIGINT/SIGTERM.
 */
import { startFakeSts } from './fake-sts.js';

function parsePort(argv: string[]): number {
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let value: string | undefined;
    if (arg === '--port') value = argv[++i];
    else if (arg.startsWith('--port=')) value = arg.slice('--port='.length);
    else throw new Error(`unknown argument ${arg} (usage: fake-sts-main.ts [--port N])`);
    port = Number(value);
    if (!value || !Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`--port needs a number from 0 to 65535, got ${value ?? 'nothing'}`);
  }
  return port;
}

async function main(): Promise<void> {
  const fake = await startFakeSts({
    port: parsePort(process.argv.slice(2)),
    onRequest: (r) =>
      process.stderr.write(
        `fake-sts: ${r.method} ${r.action || '(no Action)'} ${r.signed ? `signed by ${r.accessKeyId ?? '?'}` : 'unsigned'}\n`,
      ),
  });
  process.stdout.write(`${fake.url}\n`);
  const stop = () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`fake-sts: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
