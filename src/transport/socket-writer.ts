import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { Observable, Subject } from 'rxjs';

/** What `net.Socket.prototype._writev` takes: the entries of a Writable's buffer, all of them bytes. */
type WritevEntries = { readonly chunk: Uint8Array }[] & { allBuffers?: boolean };

/** One entry of {@link WritevEntries}: a class, whose instances shrink to their one field, not a literal. */
class WritevEntry {
  constructor(readonly chunk: Uint8Array) {}
}

/** A socket whose `_writev` is net's own: it hands the chunks to the handle in one native call. */
interface VectoredSocket extends net.Socket {
  _writev(chunks: WritevEntries, callback: (error?: Error | null) => void): void;
}

/**
 * Whether `socket` is a net or tls socket with net's own `_writev` (not a
 * subclass that replaced it, nor another kind of Duplex).
 */
function isVectored(socket: Duplex): socket is VectoredSocket {
  return socket instanceof net.Socket && (socket as Partial<VectoredSocket>)._writev === (net.Socket.prototype as Partial<VectoredSocket>)._writev;
}

/**
 * Writes batches of chunks (one batch per scheduler turn, from the session
 * pipeline's `writes$`) to a socket, and reports its backpressure.
 *
 * A batch of several chunks goes to the kernel as one vectored write, not one
 * syscall per frame:
 * - net and tls sockets whose Writable holds nothing get the whole batch in
 *   one call of the socket's own `_writev`, the call their Writable would
 *   make after `uncork()`. A 16 MiB response is 2048 chunks (a 9-octet header
 *   and a 16 KiB payload view per DATA frame): `write()` per chunk
 *   (Writable's bookkeeping, and a Buffer made of every Uint8Array view) was
 *   a third of the server's CPU outside the kernel.
 * - any other Duplex, or a socket whose Writable still holds bytes, gets the
 *   batch between `cork()` and `uncork()`.
 *
 * As in Writable, one write at a time is in the socket's handle (a TLS handle
 * takes no second write before the first completes): batches written while a
 * vectored write is in progress wait here, and leave together, in order, when
 * it completes.
 *
 * Backpressure: {@link backedUp} is true while the socket's Writable is above
 * its high-water mark (a `write()` returned `false`, until its `'drain'`) or
 * a vectored write is in progress (the kernel did not take it all at once);
 * {@link drained$} emits when both are over. The writer never refuses a
 * batch: the caller is expected to stop producing while backed up (SECURITY
 * #11), which is what `bindSocket` arranges.
 */
export class SocketWriter {
  /** Emits each time the socket drains after having been backed up; completes when the socket closes. */
  readonly drained$: Observable<void>;

  private readonly drained = new Subject<void>();
  private readonly vectored: VectoredSocket | undefined;
  /** The Writable said stop (`write()` returned false) and has not drained yet. */
  private needDrain = false;
  /** A vectored write is in the socket's handle, not completed yet. */
  private inFlight = false;
  /** Batches written while {@link inFlight}, in order. */
  private waitingBatches: (readonly Uint8Array[])[] = [];
  /** {@link end} was called while a vectored write was in flight: end once it is done. */
  private ending = false;
  /** {@link backedUp} was seen true: the next time it turns false, {@link drained$} emits. */
  private waiting = false;

  constructor(private readonly socket: Duplex) {
    this.vectored = isVectored(socket) ? socket : undefined;
    this.drained$ = this.drained.asObservable();
    socket.on('drain', this.onDrain);
    socket.once('close', this.onClose);
  }

  /**
   * Whether the socket holds more than its high-water mark of unwritten bytes,
   * or a vectored write the kernel did not take at once is still in progress:
   * stop producing (and reading) until {@link drained$} emits. A socket
   * ended or destroyed while backed up stays backed up: it drains no more.
   */
  get backedUp(): boolean {
    return this.needDrain || this.inFlight;
  }

  /** Whether writes still go anywhere: false once the socket is ended (or {@link end} was called) or destroyed. */
  get writable(): boolean {
    return !this.ending && !this.socket.destroyed && !this.socket.writableEnded;
  }

  /**
   * Writes one batch, in order. After {@link end} or once the socket is
   * destroyed the batch is dropped: the pipeline may still flush while a
   * failed socket is being torn down, and that is not an error of its own.
   */
  write(batch: readonly Uint8Array[]): void {
    if (batch.length === 0 || !this.writable) return;
    if (this.inFlight) this.waitingBatches.push(batch);
    else this.dispatch(batch);
    if (this.backedUp) this.waiting = true;
  }

  /**
   * Half-closes: everything written so far is flushed, then FIN (TLS:
   * close_notify, then FIN). Nothing queued is dropped, unlike
   * {@link destroy}. Idempotent.
   */
  end(): void {
    if (!this.writable) return;
    this.ending = true;
    if (!this.inFlight) this.socket.end();
  }

  /** Closes the socket at once, dropping what is still queued; `error` is emitted by the socket as its `'error'`. */
  destroy(error?: Error): void {
    this.waitingBatches = [];
    this.socket.destroy(error);
  }

  /** Hands one batch to the socket (see the class comment for the two ways). */
  private dispatch(batch: readonly Uint8Array[]): void {
    const socket = this.socket;
    const vectored = this.vectored;
    if (batch.length > 1 && vectored !== undefined && vectored.writableLength === 0 && !vectored.connecting) {
      // Sized once: an array grown a push at a time is copied about fifteen times on its way to 2048 entries.
      const entries: WritevEntries = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) entries[i] = new WritevEntry(batch[i]);
      entries.allBuffers = true;
      this.inFlight = true;
      // The callback runs at once when the kernel took everything, else when the handle is done.
      vectored._writev(entries, this.onVectoredWritten);
    } else if (batch.length === 1) {
      if (!socket.write(batch[0])) this.needDrain = true;
    } else {
      socket.cork();
      // The buffered length only grows inside a batch: the last answer is the one that counts.
      let ok = true;
      for (let i = 0; i < batch.length; i++) ok = socket.write(batch[i]);
      socket.uncork();
      if (!ok) this.needDrain = true;
    }
  }

  private readonly onVectoredWritten = (error?: Error | null): void => {
    this.inFlight = false;
    if (error || this.socket.destroyed) {
      // As Writable does with a failed write; a socket destroyed meanwhile takes nothing more.
      this.waitingBatches = [];
      if (error && !this.socket.destroyed) this.socket.destroy(error);
      return;
    }
    if (this.waitingBatches.length > 0) {
      const waiting = this.waitingBatches;
      this.waitingBatches = [];
      this.dispatch(waiting.length === 1 ? waiting[0] : waiting.flat());
    }
    if (this.ending && !this.inFlight && !this.socket.destroyed) this.socket.end();
    this.settle();
  };

  private readonly onDrain = (): void => {
    this.needDrain = false;
    this.settle();
  };

  /** Emits {@link drained$} if the writer was backed up and no longer is. */
  private settle(): void {
    if (!this.waiting || this.backedUp) return;
    this.waiting = false;
    this.drained.next();
  }

  private readonly onClose = (): void => {
    this.socket.off('drain', this.onDrain);
    this.waitingBatches = [];
    this.drained.complete();
  };
}
