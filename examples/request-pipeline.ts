/**
 * request-pipeline: many requests over one HTTP/2 connection, composed with
 * RxJS operators —
 * - `mergeMap(…, 4)`: at most 4 requests in flight, multiplexed on one session;
 * - `timeout`: a request that takes too long is abandoned (unsubscribing
 *   cancels its stream with RST_STREAM CANCEL);
 * - `retry({ delay })`: a request that the server *did not process* — refused
 *   by a GOAWAY whose last stream id is below it, or by RST_STREAM
 *   REFUSED_STREAM (RFC 9113 §8.7), or not sent at all because a GOAWAY came
 *   first — fails with an H2Error whose `retryable` is true; it is retried,
 *   on a new connection if the old one is going away.
 *   Other failures are not retried: the server may have acted on them.
 *
 * Run:
 *   npx ts-node --transpile-only examples/request-pipeline.ts            # against a built-in demo server
 *   npx ts-node --transpile-only examples/request-pipeline.ts http://127.0.0.1:8080
 * The demo server answers after a few ms, sends a GOAWAY refusing every 5th
 * request of a connection, and never answers /slow (to show the timeout).
 *
 * In your own project, import from 'rx-http2' instead of '../src'.
 */
import { catchError, defer, from, lastValueFrom, map, mergeMap, of, reduce, retry, throwError, timeout, timer, toArray, type Observable } from 'rxjs';
import { connect, ErrorCode, H2Error, serve, type RxServer, type RxSession } from '../src';

/**
 * Whether a failed request may be sent again: it was never processed — reset
 * as refused (kind `reset`), or not even sent because the session had
 * already received a GOAWAY (kind `user`, REFUSED_STREAM). Both carry
 * `retryable: true`.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof H2Error && error.retryable;
}

/**
 * One session to `origin`, shared by every request; replaced by a new
 * connection once it is no longer open (a GOAWAY arrived, or it closed).
 */
export class SessionPool {
  private current: Promise<RxSession> | undefined;
  /** Connections made so far. */
  connections = 0;

  constructor(private readonly origin: string) {}

  session(): Promise<RxSession> {
    if (this.current === undefined) {
      const made = connect(this.origin);
      this.connections++;
      this.current = made;
      made.then(
        (session) =>
          session.state$.subscribe((state) => {
            if (state !== 'open' && this.current === made) this.current = undefined;
          }),
        () => {
          if (this.current === made) this.current = undefined;
        },
      );
    }
    return this.current;
  }

  close(): void {
    void this.current?.then((s) => s.close(), () => undefined);
    this.current = undefined;
  }
}

export interface Fetched {
  status: number;
  text: string;
}

/**
 * GET `path` as an Observable: cold (each subscription — each retry — is a
 * new request, on whatever session the pool has then), bounded in time,
 * retried when the server did not process it.
 */
export function fetchText(pool: SessionPool, path: string, options: { timeoutMs: number; onRetry?: () => void }): Observable<Fetched> {
  return defer(() => from(pool.session())).pipe(
    mergeMap((session) => session.request({ ':method': 'GET', ':path': path })),
    reduce(
      (acc, event) => {
        if (event.type === 'response') acc.status = event.status;
        else if (event.type === 'data') acc.chunks.push(event.chunk);
        return acc;
      },
      { status: 0, chunks: [] as Uint8Array[] },
    ),
    map(({ status, chunks }) => ({ status, text: Buffer.concat(chunks).toString('utf8') })),
    timeout({ first: options.timeoutMs }),
    retry({
      count: 3,
      delay: (error, attempt) => {
        if (!isRetryable(error)) return throwError(() => error);
        options.onRetry?.();
        return timer(attempt * 5); // a short backoff; the new attempt takes a fresh session from the pool
      },
    }),
  );
}

/** A demo upstream: answers after `delayMs`, refuses every 5th request of a connection with a GOAWAY, never answers /slow. */
export async function startDemoServer(delayMs = 5): Promise<RxServer & { maxInFlight(): number }> {
  const server = await serve({ host: '127.0.0.1' });
  let inFlight = 0;
  let max = 0;
  const perSession = new WeakMap<object, number>();
  server.streams$.subscribe((stream) => {
    inFlight++;
    max = Math.max(max, inFlight);
    void stream.closed.then(() => inFlight--);
    if (stream.path === '/slow') return; // the client's timeout cancels it
    const n = (perSession.get(stream.session) ?? 0) + 1;
    perSession.set(stream.session, n);
    if (n % 5 === 0) {
      // "Going away; I processed nothing from this stream on": GOAWAY with a
      // last stream id below it (RFC 9113 §6.8). The core closes this stream
      // and any later ones as refused; the client sees them as retryable.
      stream.session.pipeline.command((c) => c.goaway(ErrorCode.NO_ERROR, stream.id - 2));
      return;
    }
    setTimeout(() => {
      // A stream refused by the GOAWAY above is closed: respond() throws then.
      stream.respond({ ':status': 200, 'content-type': 'text/plain' }, `item ${stream.path}`).catch(() => undefined);
    }, delayMs);
  });
  return Object.assign(server, { maxInFlight: () => max });
}

export interface PipelineResult {
  results: Array<{ path: string; status?: number; text?: string; error?: string }>;
  retries: number;
  connections: number;
  /** Stops the pool and (when started here) the demo server. */
  close(): Promise<void>;
}

/** Fetches `count` items (plus /slow against the demo server) through the pipeline. */
export async function main(options: { url?: string; count?: number; timeoutMs?: number } = {}): Promise<PipelineResult & { demo?: Awaited<ReturnType<typeof startDemoServer>> }> {
  const demo = options.url === undefined ? await startDemoServer() : undefined;
  const pool = new SessionPool(options.url ?? demo!.url);
  const paths = Array.from({ length: options.count ?? 20 }, (_, i) => `/item/${i}`);
  if (demo !== undefined) paths.push('/slow');
  let retries = 0;
  const results = await lastValueFrom(
    from(paths).pipe(
      mergeMap(
        (path) =>
          fetchText(pool, path, { timeoutMs: options.timeoutMs ?? 500, onRetry: () => retries++ }).pipe(
            map((r) => ({ path, ...r })),
            catchError((error: Error) => of({ path, error: `${error.name}: ${error.message}` })),
          ),
        4, // at most 4 requests in flight
      ),
      toArray(),
    ),
  );
  return {
    results,
    retries,
    connections: pool.connections,
    demo,
    close: async () => {
      pool.close();
      await demo?.close();
    },
  };
}

if (require.main === module) {
  main({ url: process.argv[2] }).then(async (r) => {
    for (const item of r.results) console.log(item.error === undefined ? `${item.path} → ${item.status} ${item.text}` : `${item.path} → ${item.error}`);
    console.log(`${r.results.length} requests, ${r.retries} retried, over ${r.connections} connection(s)`);
    await r.close();
  });
}
