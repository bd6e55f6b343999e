/**
 * What the commands read and write, injectable so that tests can run them
 * in-process.
 * @packageDocumentation
 */

/** An output stream, terminal or not (`isTTY`, `columns` as on `process.stderr`). */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** The process environment of a command. */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: NodeJS.ReadableStream;
  /** Relative paths (directory, `-o`, `--data @file`, `--cert`, …) are resolved against it. */
  readonly cwd: string;
}

/** A running command. */
export interface CliRun {
  /** Resolves with the exit code once the command is finished. */
  readonly exit: Promise<number>;
  /** `serve`: the URL served (also printed on stdout). */
  readonly url?: string;
  /**
   * What SIGINT does: `serve` closes gracefully (GOAWAY, in-flight requests
   * finish) and exits 0; `get` cancels its stream (RST_STREAM CANCEL) and
   * exits 130. Resolves with the exit code.
   */
  close(): Promise<number>;
}

/** Exit codes, curl-like where curl has one. */
export const ExitCode = {
  OK: 0,
  /** A transport or protocol failure: cannot connect, TLS error, stream reset, connection lost. */
  FAILURE: 1,
  /** Bad arguments. */
  USAGE: 2,
  /** `get --fail`: the response status was 400 or more (curl's 22). */
  HTTP_ERROR: 22,
  /** `get`: writing the body failed, to `-o` or stdout (curl's 23). */
  WRITE_ERROR: 23,
  /** Interrupted (SIGINT): 128 + 2. */
  INTERRUPTED: 130,
} as const;

/** A run that is already over with `code` (bad arguments, `--help`). */
export function finished(code: number): CliRun {
  return { exit: Promise.resolve(code), close: () => Promise.resolve(code) };
}
