/**
 * The transfer progress line `rx-http2 get` draws on a terminal.
 * @packageDocumentation
 */
import { formatBytes } from './dir-index';

/** Bodies below this size (when announced by content-length) get no progress line: it would only flicker. */
export const PROGRESS_MIN_BYTES = 1024 * 1024;

/** Redraws at most this often (ms). */
export const PROGRESS_INTERVAL = 100;

/** A terminal-ish output: `isTTY` and `columns` as on `process.stderr`. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * One progress line: with a known `total`, a bar and a percentage; without,
 * the bytes so far. Both with the average rate. Fits in `width` columns.
 */
export function renderProgress(received: number, total: number | undefined, elapsedMs: number, width = 80): string {
  const rate = elapsedMs > 0 ? `${formatBytes(Math.round((received * 1000) / elapsedMs))}/s` : '';
  if (total === undefined || total <= 0) return `${formatBytes(received)}  ${rate}`.trimEnd().slice(0, width - 1);
  const fraction = Math.min(1, received / total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const text = ` ${percent}  ${formatBytes(received)} / ${formatBytes(total)}  ${rate}`.trimEnd();
  const barWidth = Math.max(0, Math.min(40, width - 1 - text.length - 2));
  if (barWidth < 5) return text.trim().slice(0, width - 1);
  const filled = Math.round(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${text}`;
}

/**
 * Draws {@link renderProgress} on `out` while a body arrives, redrawn in
 * place (`\r`, erase line) at most every {@link PROGRESS_INTERVAL} ms, and
 * erased at the end. Silent unless `out` is a TTY, and for bodies announced
 * smaller than {@link PROGRESS_MIN_BYTES}; a body of unknown length shows
 * once it has passed that size.
 */
export class Progress {
  private readonly started: number;
  private received = 0;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly total: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  /** Whether anything may be drawn at all. */
  get enabled(): boolean {
    return this.out.isTTY === true && (this.total === undefined || this.total >= PROGRESS_MIN_BYTES);
  }

  /** `n` more octets arrived. */
  add(n: number): void {
    this.received += n;
    if (!this.enabled || (this.total === undefined && this.received < PROGRESS_MIN_BYTES)) return;
    const t = this.now();
    if (t - this.lastDraw < PROGRESS_INTERVAL) return;
    this.lastDraw = t;
    this.drawn = true;
    this.out.write(`\r${renderProgress(this.received, this.total, t - this.started, this.out.columns ?? 80)}\x1b[K`);
  }

  /** Erases the line, if one was drawn. */
  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
