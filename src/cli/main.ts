/**
 * `rx-http2 <command>`: the dispatcher, usable in-process (tests) as in the
 * binary (`index.ts` wires it to the process).
 * @packageDocumentation
 */
import { UsageError } from './args';
import { GET_USAGE, parseGetArgs, runGet } from './get';
import { ExitCode, finished, type CliIO, type CliRun } from './io';
import { parseServeArgs, runServe, SERVE_USAGE } from './serve-command';

export const USAGE = `Usage: rx-http2 <command> [options]

Commands:
  serve [dir]   serve a directory over HTTP/2 (h2c, or TLS with --tls)
  get <url>     fetch a URL over HTTP/2 and show status, headers and timing

Run 'rx-http2 <command> --help' for a command's options.
`;

const USAGES: Record<string, string> = { serve: SERVE_USAGE, get: GET_USAGE };

/**
 * Runs `rx-http2` with `argv` (the words after the program name). Resolves
 * once the command is under way: `serve` when listening, `get` at once; the
 * returned {@link CliRun}'s `exit` resolves with the exit code, and
 * `close()` does what SIGINT does.
 */
export async function main(argv: readonly string[], io: Partial<CliIO> = {}): Promise<CliRun> {
  const full: CliIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    cwd: io.cwd ?? process.cwd(),
  };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const request = parseServeArgs(rest);
        if (request === 'help') return help(full, SERVE_USAGE);
        return await runServe(request, full);
      }
      case 'get': {
        const request = parseGetArgs(rest);
        if (request === 'help') return help(full, GET_USAGE);
        return runGet(request, full);
      }
      case 'help':
        return help(full, USAGES[rest[0]] ?? USAGE);
      case '--help':
      case '-h':
        return help(full, USAGE);
      case undefined:
        full.stderr.write(USAGE);
        return finished(ExitCode.USAGE);
      default:
        throw new UsageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command '${command}'`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    full.stderr.write(`rx-http2: ${error.message}\n\n${USAGES[error.command ?? ''] ?? USAGE}`);
    return finished(ExitCode.USAGE);
  }
}

function help(io: CliIO, text: string): CliRun {
  io.stdout.write(text);
  return finished(ExitCode.OK);
}
