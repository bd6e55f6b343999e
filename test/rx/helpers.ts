import type { Observable } from 'rxjs';

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
