/**
 * The `rx-http2` command, as built to `dist/cli.cjs` and started by
 * `bin/rx-http2.js`. {@link run} wires {@link main} to the process:
 * arguments, stdio, SIGINT/SIGTERM, exit code.
 * @packageDocumentation
 */
import { main } from './main';

export { main, USAGE } from './main';
export type { CliIO, CliRun } from './io';
export { ExitCode } from './io';

/**
 * Runs the command line `argv` in this process. The first SIGINT (or
 * SIGTERM) stops the command the graceful way (`CliRun.close`); a second
 * one exits at once with 130.
 */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // A closed pipe (`rx-http2 get … | head`) surfaces as a write error in `get`; never as a crash.
  process.stdout.on('error', () => undefined);
  const handle = await main(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() });
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    void handle.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await handle.exit;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
  // Normally nothing is left and the process ends now; should a socket linger,
  // it must not keep us — once stdout has taken everything we wrote.
  process.stdout.write('', () => setTimeout(() => process.exit(code), 1000).unref());
}
