/**
 * hello-server: the smallest rx-http2 server — every request of every
 * connection arrives on `server.streams$`; answer each with `respond()`.
 *
 * Run (no build needed; examples/tsconfig.json makes ts-node emit CommonJS):
 *   npx ts-node --transpile-only examples/hello-server.ts [port]
 * then, in another terminal (h2c: HTTP/2 over cleartext, prior knowledge):
 *   npx ts-node --transpile-only examples/client.ts http://127.0.0.1:8080/hi
 *   curl --http2-prior-knowledge http://127.0.0.1:8080/hi
 *
 * In your own project, import from 'rx-http2' instead of '../src'.
 */
import { filter } from 'rxjs';
import { serve, type RxServer } from '../src';

/** Starts the server (port 0: any free port); close it with `server.close()`. */
export async function main(port = 8080): Promise<RxServer> {
  const server = await serve({ host: '127.0.0.1', port });
  // streams$ is an Observable of IncomingStream: filter, map, mergeMap… as usual.
  server.streams$.pipe(filter((stream) => stream.method === 'GET' || stream.method === 'HEAD')).subscribe((stream) => {
    void stream.respond({ ':status': 200, 'content-type': 'text/plain; charset=utf-8' }, `hello from rx-http2: ${stream.method} ${stream.path}\n`);
  });
  server.streams$.pipe(filter((stream) => stream.method !== 'GET' && stream.method !== 'HEAD')).subscribe((stream) => {
    void stream.respond({ ':status': 405, allow: 'GET, HEAD' });
  });
  return server;
}

if (require.main === module) {
  main(Number(process.argv[2] ?? 8080)).then((server) => {
    console.log(`listening on ${server.url}`);
    // Ctrl-C: graceful close (GOAWAY; requests in flight finish).
    process.once('SIGINT', () => void server.close());
  });
}
