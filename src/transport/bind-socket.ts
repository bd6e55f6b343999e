import type { Duplex } from 'node:stream';
import { Subscription, type Observable } from 'rxjs';
import { socketChunks } from './socket-chunks';
import { SocketWriter } from './socket-writer';

/**
 * What {@link bindSocket} connects to the socket: the session pipeline's
 * output and, optionally, its writability switch. `SessionPipeline` has this
 * shape; for an `RxSession`, pass `{ writes$: s.writes$, setWritable: (w) => s.pipeline.setWritable(w) }`.
 */
export interface BoundPipeline {
  /** Batches of chunks to write; completes after the last bytes (GOAWAY), errors to abort. Subscribed once. */
  readonly writes$: Observable<Uint8Array[]>;
  /**
   * Told `false` when the socket backs up and `true` when it drains, so the
   * pipeline stops framing DATA and pulling bodies meanwhile (SECURITY #11).
   */
  setWritable?(writable: boolean): void;
}

/** Builds the pipeline from the socket's input (see {@link socketChunks}) and the writer (for inspection). */
export type PipelineFactory = (input$: Observable<Uint8Array>, writer: SocketWriter) => BoundPipeline;

/** Options of {@link bindSocket}. */
export interface BindSocketOptions {
  /**
   * Milliseconds a socket may take, after `writes$` completed, to flush our
   * last bytes and receive the peer's FIN before it is destroyed; `0` waits
   * forever. Default {@link DEFAULT_LINGER_TIMEOUT}.
   */
  lingerTimeout?: number;
}

/**
 * Default {@link BindSocketOptions.lingerTimeout}: 5 s, nginx's
 * `lingering_timeout`. Closing gracefully means waiting for the peer (its FIN,
 * and that it reads our GOAWAY), and a peer that neither reads nor closes must
 * not hold the socket forever (SECURITY: every peer-held resource is bounded).
 */
export const DEFAULT_LINGER_TIMEOUT = 5_000;

/**
 * Connects a socket to a session pipeline and runs it until the socket closes.
 *
 * - Input: the socket's chunks (`socketChunks`) are the pipeline's `input$`:
 *   the peer's FIN completes it, a socket error errors it, so the pipeline can
 *   fail its pending streams. Output: each `writes$` batch goes to a
 *   {@link SocketWriter} (corked, one vectored write).
 * - Backpressure (SECURITY #11): while the writer is backed up the socket is
 *   paused, so we read no more than we can answer, and the pipeline is told
 *   `setWritable(false)`; on `'drain'` both are undone. Pausing keeps the
 *   socket's buffered bytes (nothing lost or reordered); the kernel's receive
 *   window then pushes back on the peer.
 * - `writes$` completes → the writer ends the socket (GOAWAY flushed before
 *   FIN). What the peer still sends is read and discarded, so its FIN arrives
 *   and the socket closes (both sides ended) without a reset that could
 *   destroy our GOAWAY in flight; bounded by `lingerTimeout`.
 * - `writes$` errors → the socket is destroyed.
 * - Half-close: when the peer ends its side, `input$` completes and we keep
 *   writing until `writes$` completes. This needs a socket with
 *   `allowHalfOpen: true` (as `listenH2c`, `listenTls` and `dial` make);
 *   otherwise Node ends our side as soon as the peer's FIN is read.
 * - Errors the socket emits after `input$` is gone are absorbed: the socket
 *   is on its way out, and an `'error'` without listener would crash the
 *   process.
 *
 * The returned Subscription closes when the socket does; unsubscribing
 * earlier aborts: it tears the pipeline down and destroys the socket. If
 * `pipelineFactory` throws, the socket is destroyed and the error rethrown.
 */
export function bindSocket(socket: Duplex, pipelineFactory: PipelineFactory, options: BindSocketOptions = {}): Subscription {
  const lingerTimeout = options.lingerTimeout ?? DEFAULT_LINGER_TIMEOUT;
  const writer = new SocketWriter(socket);
  let pausedForWrites = false;
  // writes$ is over (completed or failed): backpressure no longer matters, the socket is closing.
  let finishing = false;
  let lingerTimer: ReturnType<typeof setTimeout> | undefined;

  socket.on('error', absorb);
  const onClose = (): void => binding.unsubscribe();
  const binding = new Subscription(() => {
    clearTimeout(lingerTimer);
    socket.off('close', onClose);
    if (!socket.destroyed) socket.destroy();
  });

  let pipeline: BoundPipeline;
  try {
    pipeline = pipelineFactory(socketChunks(socket), writer);
  } catch (error) {
    // Nobody will ever serve this socket.
    binding.unsubscribe();
    throw error;
  }

  binding.add(
    writer.drained$.subscribe(() => {
      if (finishing || !pausedForWrites) return;
      pausedForWrites = false;
      pipeline.setWritable?.(true);
      // The flush setWritable triggered may have completed writes$ (its last take closed the
      // session): the socket now reads to the peer's FIN, however long the last write takes.
      if (finishing) return;
      // Or it may have backed the socket up again.
      if (!writer.backedUp) socket.resume();
      else pause();
    }),
  );

  const pause = (): void => {
    if (finishing) return;
    pausedForWrites = true;
    socket.pause();
    pipeline.setWritable?.(false);
  };

  const writes = pipeline.writes$.subscribe({
    next: (batch) => {
      writer.write(batch);
      if (writer.backedUp && !pausedForWrites && !finishing) pause();
    },
    error: () => {
      finishing = true;
      socket.destroy();
    },
    complete: () => {
      finishing = true;
      writer.end();
      if (lingerTimeout > 0 && !socket.destroyed) {
        lingerTimer = setTimeout(() => socket.destroy(), lingerTimeout);
        // A lingering socket must not keep the process alive on its own.
        lingerTimer.unref?.();
      }
    },
  });
  // Runs after the pipeline's own teardown (which pauses the socket as it
  // drops input$), hence here and not in `complete`.
  writes.add(() => {
    if (finishing && !socket.destroyed) socket.resume();
  });
  binding.add(writes);
  // Registered after the pipeline subscribed to input$, so that on 'close'
  // input$ completes (or has errored) before the binding tears it down.
  if (socket.closed) binding.unsubscribe();
  else socket.once('close', onClose);
  return binding;
}

/** Swallows socket errors once nobody reads the socket (see {@link bindSocket}). */
function absorb(): void {}
