/**
 * client: connect() to a server, send one request, print the response.
 * `session.request()` is a cold Observable of response events: subscribing
 * sends the request, unsubscribing early cancels it (RST_STREAM CANCEL).
 *
 * Run (start examples/hello-server.ts first, or `rx-http2 serve`):
 *   npx ts-node --transpile-only examples/client.ts [url]     # default http://127.0.0.1:8080/
 * https:// URLs use TLS with ALPN h2; for a self-signed server set
 * NODE_TLS_REJECT_UNAUTHORIZED=0 (or pass `ca` to connect()).
 *
 * In your own project, import from 'rx-http2' instead of '../src'.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { connect, type IncomingHeaders, type RxSession } from '../src';

export interface ClientResult {
  status: number;
  headers: IncomingHeaders;
  body: string;
  /** Closes the session (GOAWAY). */
  close(): void;
}

/** Fetches `url` and returns the response; the session stays open until `close()`. */
export async function main(url = 'http://127.0.0.1:8080/'): Promise<ClientResult> {
  const target = new URL(url);
  const session: RxSession = await connect(target.origin);
  const events = await lastValueFrom(session.request({ ':method': 'GET', ':path': `${target.pathname}${target.search}` }).pipe(toArray()));
  let status = 0;
  let headers: IncomingHeaders = {};
  const chunks: Uint8Array[] = [];
  for (const event of events) {
    if (event.type === 'response') ({ status, headers } = event);
    else if (event.type === 'data') chunks.push(event.chunk);
  }
  let closed = false;
  return {
    status,
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
    close: () => {
      if (!closed) session.close();
      closed = true;
    },
  };
}

if (require.main === module) {
  main(process.argv[2]).then(
    (result) => {
      console.error(`status ${result.status}`);
      for (const [name, value] of Object.entries(result.headers)) console.error(`${name}: ${String(value)}`);
      process.stdout.write(result.body);
      result.close();
    },
    (error: Error) => {
      console.error(`failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
