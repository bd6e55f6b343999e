import type { Duplex } from 'node:stream';
import type { Subscription } from 'rxjs';
import { bindSocket } from '../transport';
import { immediateScheduler } from './immediate-scheduler';
import { RxSession, type RxSessionOptions } from './rx-session';

/**
 * Runs an {@link RxSession} over `socket`: the socket's chunks are its input,
 * its coalesced writes go to the socket, and while the socket is backed up
 * the session frames no more DATA and the socket is not read (SECURITY #11).
 * The returned subscription ends with the socket; unsubscribing destroys it.
 * Unless `options.scheduler` says otherwise, the session runs on
 * {@link immediateScheduler}: one vectored write per event-loop turn.
 */
export function bindSession(socket: Duplex, options: RxSessionOptions): { session: RxSession; binding: Subscription } {
  let session: RxSession | undefined;
  const binding = bindSocket(socket, (input$) => {
    const s = new RxSession(input$, { ...options, scheduler: options.scheduler ?? immediateScheduler });
    session = s;
    return { writes$: s.writes$, setWritable: (writable: boolean) => s.pipeline.setWritable(writable) };
  });
  return { session: session!, binding };
}
