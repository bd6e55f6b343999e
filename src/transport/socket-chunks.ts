import type { Duplex } from 'node:stream';
import { Observable } from 'rxjs';

/**
 * The bytes a socket (net, tls, or any byte-mode Duplex) receives, as an
 * Observable of chunks.
 *
 * - Each `'data'` chunk is emitted as is: Buffers are Uint8Arrays, nothing is
 *   copied (DESIGN principle 6).
 * - `'end'` (the peer half-closed) completes; `'error'` errors; a `'close'`
 *   without either (the socket was destroyed locally) completes.
 * - Subscribing starts the flow (`resume()`), even if the socket was paused.
 *   A socket already ended or destroyed completes (or errors with
 *   `socket.errored`) at once.
 * - Teardown removes the listeners and pauses the socket, so bytes that arrive
 *   after it stay buffered instead of being dropped on the floor; it does not
 *   destroy the socket (its owner does). After teardown the socket has no
 *   `'error'` listener from here: the owner must have one.
 *
 * Cold-ish: each subscription adds its own listeners to the one socket, but
 * the socket's bytes are consumed once. One subscriber is expected (the
 * session pipeline); a second one would see only what arrives after it
 * subscribed, and unsubscribing either pauses the socket for both.
 *
 * The socket must be in byte mode: a string chunk (after `setEncoding`) or an
 * object errors with a `TypeError`.
 */
export function socketChunks(socket: Duplex): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    if (socket.readableEnded) {
      subscriber.complete();
      return;
    }
    if (socket.destroyed) {
      if (socket.errored) subscriber.error(socket.errored);
      else subscriber.complete();
      return;
    }
    const onData = (chunk: unknown): void => {
      if (chunk instanceof Uint8Array) subscriber.next(chunk);
      else subscriber.error(new TypeError(`socketChunks needs a socket in byte mode, got a ${typeof chunk} chunk`));
    };
    const onEnd = (): void => subscriber.complete();
    const onError = (error: unknown): void => subscriber.error(error);
    const onClose = (): void => subscriber.complete();
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    // 'data' listeners do not restart a socket that was paused explicitly.
    socket.resume();
    return () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      // A flowing socket without 'data' listeners drops what it reads.
      if (!socket.destroyed) socket.pause();
    };
  });
}
