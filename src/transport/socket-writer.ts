import type { Duplex } from 'node:stream';
import { Observable, Subject } from 'rxjs';

/**
 * Writes batches of chunks (one batch per scheduler turn, from the session
 * pipeline's `writes$`) to a socket, and reports its backpressure.
 *
 * A batch of several chunks is written between `cork()` and `uncork()`, so
 * net and tls sockets hand it to the kernel in one vectored write (`_writev`)
 * instead of one syscall per frame.
 *
 * Backpressure: {@link backedUp} turns true when the socket's buffer is above
 * its high-water mark (a `write()` returned `false`) and back to false on the
 * socket's `'drain'`, when {@link drained$} emits. The writer never refuses a
 * batch: the caller is expected to stop producing while backed up (SECURITY
 * #11), which is what `bindSocket` arranges.
 */
export class SocketWriter {
  /** Emits each time the socket drains after having been backed up; completes when the socket closes. */
  readonly drained$: Observable<void>;

  private readonly drained = new Subject<void>();
  private needDrain = false;

  constructor(private readonly socket: Duplex) {
    this.drained$ = this.drained.asObservable();
    socket.on('drain', this.onDrain);
    socket.once('close', this.onClose);
  }

  /**
   * Whether the socket holds more than its high-water mark of unwritten bytes:
   * stop producing (and reading) until {@link drained$} emits. A socket
   * ended or destroyed while backed up stays backed up: it drains no more.
   */
  get backedUp(): boolean {
    return this.needDrain;
  }

  /** Whether writes still go anywhere: false once the socket is ended or destroyed. */
  get writable(): boolean {
    return !this.socket.destroyed && !this.socket.writableEnded;
  }

  /**
   * Writes one batch, in order. After {@link end} or once the socket is
   * destroyed the batch is dropped: the pipeline may still flush while a
   * failed socket is being torn down, and that is not an error of its own.
   */
  write(batch: readonly Uint8Array[]): void {
    if (batch.length === 0 || !this.writable) return;
    const socket = this.socket;
    let ok: boolean;
    if (batch.length === 1) {
      ok = socket.write(batch[0]);
    } else {
      socket.cork();
      // The buffered length only grows inside a batch: the last answer is the one that counts.
      ok = true;
      for (let i = 0; i < batch.length; i++) ok = socket.write(batch[i]);
      socket.uncork();
    }
    if (!ok) this.needDrain = true;
  }

  /**
   * Half-closes: everything written so far is flushed, then FIN (TLS:
   * close_notify, then FIN). Nothing queued is dropped, unlike
   * {@link destroy}. Idempotent.
   */
  end(): void {
    if (this.writable) this.socket.end();
  }

  /** Closes the socket at once, dropping what is still queued; `error` is emitted by the socket as its `'error'`. */
  destroy(error?: Error): void {
    this.socket.destroy(error);
  }

  private readonly onDrain = (): void => {
    if (!this.needDrain) return;
    this.needDrain = false;
    this.drained.next();
  };

  private readonly onClose = (): void => {
    this.socket.off('drain', this.onDrain);
    this.drained.complete();
  };
}
