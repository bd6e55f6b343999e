import { from, mergeMap, Subject, type Observable } from 'rxjs';
import { RxSession, type RxSessionOptions } from '../../src/rx/rx-session';

/** What a synchronous observable did, in order. */
export interface Outcome<T> {
  values: T[];
  error: unknown;
  completed: boolean;
}

/** Subscribes and records everything delivered synchronously. */
export function collect<T>(observable: Observable<T>): Outcome<T> {
  const out: Outcome<T> = { values: [], error: undefined, completed: false };
  observable.subscribe({
    next: (v) => out.values.push(v),
    error: (e) => (out.error = e),
    complete: () => (out.completed = true),
  });
  return out;
}

/** `bytes` cut at the given (unsorted, possibly repeated) positions. */
export function rechunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    if (p > start) chunks.push(bytes.subarray(start, p));
    start = Math.max(start, p);
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** A client and a server session wired back to back in memory (asap scheduler: real async, no sockets). */
export function pair(clientOptions: Partial<RxSessionOptions> = {}, serverOptions: Partial<RxSessionOptions> = {}) {
  const toServer = new Subject<Uint8Array>();
  const toClient = new Subject<Uint8Array>();
  const client = new RxSession(toClient, { role: 'client', origin: { scheme: 'http', authority: 'test' }, ...clientOptions });
  const server = new RxSession(toServer, { role: 'server', ...serverOptions });
  const a = client.writes$.pipe(mergeMap((b) => from(b))).subscribe({ next: (c) => toServer.next(c), complete: () => toServer.complete() });
  const b = server.writes$.pipe(mergeMap((b) => from(b))).subscribe({ next: (c) => toClient.next(c), complete: () => toClient.complete() });
  return { client, server, close: () => (a.unsubscribe(), b.unsubscribe()) };
}
