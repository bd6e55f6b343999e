import { once } from 'node:events';
import type * as net from 'node:net';
import { map, Observable, Subject, toArray } from 'rxjs';
import { bindSocket, DEFAULT_LINGER_TIMEOUT } from '../../src/transport/bind-socket';
import type { SocketWriter } from '../../src/transport/socket-writer';
import { closed, pattern, readAll, socketPair, type SocketPair } from './helpers';

const MiB = 1 << 20;

/** Resolves when `socket` has pushed at least `bytes` more bytes into its readable buffer (delivered or not). */
function pushed(socket: net.Socket, bytes: number): Promise<void> {
  const target = socket as unknown as { push(chunk: unknown): boolean };
  const original = target.push;
  let seen = 0;
  return new Promise((resolve) => {
    target.push = function (this: unknown, chunk: unknown) {
      const result = original.call(this, chunk);
      if (chunk instanceof Uint8Array) seen += chunk.length;
      if (seen >= bytes) {
        target.push = original;
        resolve();
      }
      return result;
    };
  });
}

/** A pipeline under the test's control: writes$ is a Subject, input$ is recorded. */
function controlled() {
  const writes = new Subject<Uint8Array[]>();
  const log: string[] = [];
  const input: Buffer[] = [];
  let inputDone: (value: string) => void = () => {};
  const inputEnd = new Promise<string>((resolve) => (inputDone = resolve));
  let writer: SocketWriter | undefined;
  let inputArrived: () => void = () => {};
  const factory = (input$: Observable<Uint8Array>, w: SocketWriter) => {
    writer = w;
    input$.subscribe({
      next: (chunk) => {
        input.push(Buffer.from(chunk));
        log.push(`in:${Buffer.from(chunk).toString()}`);
        inputArrived();
      },
      error: (e: { code?: string; message: string }) => inputDone(`error:${e.code ?? e.message}`),
      complete: () => inputDone('complete'),
    });
    w.drained$.subscribe(() => log.push('drain'));
    return { writes$: writes.asObservable(), setWritable: (writable: boolean) => log.push(`writable:${writable}`) };
  };
  const nextInput = () => new Promise<void>((resolve) => (inputArrived = resolve));
  return { writes, log, input, inputEnd, factory, nextInput, writer: () => writer! };
}

describe('bindSocket', () => {
  let pair: SocketPair;
  beforeEach(async () => {
    pair = await socketPair();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await pair.close();
  });

  it('carries 8 MiB each way whole and in order through an echo pipeline, then closes', async () => {
    const data = pattern(8 * MiB);
    const binding = bindSocket(pair.local, (input$) => ({ writes$: input$.pipe(map((chunk) => [chunk])) }));
    const echoed = readAll(pair.remote);
    const localClosed = closed(pair.local);
    pair.remote.end(data);
    expect((await echoed).equals(data)).toBe(true);
    await localClosed;
    expect(binding.closed).toBe(true);
  });

  it('pauses reading while writes are backed up, and resumes on drain without losing or reordering input', async () => {
    const p = controlled();
    bindSocket(pair.local, p.factory);
    pair.remote.pause();

    let arrived = p.nextInput();
    pair.remote.write('a');
    await arrived;
    // Far more than the kernel's buffers on both ends can hold while the peer does not read.
    const big = pattern(MiB);
    p.writes.next(Array.from({ length: 128 }, () => big));
    expect(p.writer().backedUp).toBe(true);
    expect(pair.local.isPaused()).toBe(true);

    // 'b' reaches the local socket's buffer but is not delivered while backed up.
    const bufferedB = pushed(pair.local, 1);
    pair.remote.write('b');
    await bufferedB;
    expect(p.log).toEqual(['in:a', 'writable:false']);
    expect(pair.local.isPaused()).toBe(true);

    // The peer reads: the socket drains, and only then does 'b' come in.
    arrived = p.nextInput();
    let received = 0;
    pair.remote.on('data', (chunk: Buffer) => (received += chunk.length));
    pair.remote.resume();
    await arrived;
    expect(p.log).toEqual(['in:a', 'writable:false', 'drain', 'writable:true', 'in:b']);
    expect(pair.local.isPaused()).toBe(false);

    p.writes.complete();
    await once(pair.remote, 'end');
    expect(received).toBe(128 * MiB);
  });

  it('on writes$ completion, flushes everything queued before FIN', async () => {
    const p = controlled();
    bindSocket(pair.local, p.factory);
    const data = pattern(8 * MiB);
    const received = readAll(pair.remote);
    for (let offset = 0; offset < data.length; offset += MiB) {
      p.writes.next([data.subarray(offset, offset + MiB / 2), data.subarray(offset + MiB / 2, offset + MiB)]);
    }
    p.writes.complete();
    expect((await received).equals(data)).toBe(true);
  });

  it('completes input$ on the peer half-close and keeps writing until writes$ completes', async () => {
    const binding = bindSocket(pair.local, (input$) => ({
      writes$: input$.pipe(
        toArray(),
        map((chunks) => [Buffer.from(`got ${Buffer.concat(chunks).toString()}`), Buffer.from(', bye')]),
      ),
    }));
    const received = readAll(pair.remote);
    const localClosed = closed(pair.local);
    pair.remote.end('hi');
    expect((await received).toString()).toBe('got hi, bye');
    await localClosed;
    expect(binding.closed).toBe(true);
  });

  it('errors input$ on a socket error (peer reset), then destroys the socket', async () => {
    const p = controlled();
    const binding = bindSocket(pair.local, (input$, writer) => {
      const pipeline = p.factory(input$, writer);
      // A pipeline's writes$ fails with its input.
      void pipeline;
      return { writes$: new Observable<Uint8Array[]>((s) => input$.subscribe({ error: (e) => s.error(e) })) };
    });
    const localClosed = closed(pair.local);
    pair.remote.resetAndDestroy();
    await expect(p.inputEnd).resolves.toBe('error:ECONNRESET');
    await localClosed;
    expect(binding.closed).toBe(true);
  });

  it('destroys the socket when writes$ errors', async () => {
    const p = controlled();
    const binding = bindSocket(pair.local, p.factory);
    const localClosed = closed(pair.local);
    const received = readAll(pair.remote);
    p.writes.next([Buffer.from('partial')]);
    p.writes.error(new Error('pipeline failed'));
    expect(pair.local.destroyed).toBe(true);
    await localClosed;
    expect((await received).toString()).toBe('partial');
    expect(binding.closed).toBe(true);
  });

  it('unsubscribing tears the pipeline down and destroys the socket', async () => {
    let tornDown = false;
    const binding = bindSocket(pair.local, () => ({ writes$: new Observable<Uint8Array[]>(() => () => (tornDown = true)) }));
    const remoteEnded = once(pair.remote, 'end');
    pair.remote.resume();
    binding.unsubscribe();
    expect(tornDown).toBe(true);
    expect(pair.local.destroyed).toBe(true);
    await remoteEnded;
  });

  it('after writes$ completes, reads and discards what the peer still sends until its FIN closes the socket', async () => {
    const p = controlled();
    const binding = bindSocket(pair.local, (input$, writer) => {
      p.factory(input$, writer);
      // Like the session pipeline: writes$ done also drops input$.
      return { writes$: new Observable<Uint8Array[]>((s) => p.writes.subscribe(s)) };
    });
    const remoteEnded = readAll(pair.remote);
    p.writes.next([Buffer.from('goaway')]);
    p.writes.complete();
    expect((await remoteEnded).toString()).toBe('goaway');
    const errors: unknown[] = [];
    pair.remote.on('error', (e) => errors.push(e));
    const bothClosed = Promise.all([closed(pair.remote), closed(pair.local)]);
    pair.remote.end(pattern(4 * MiB));
    await bothClosed;
    expect(errors).toEqual([]);
    expect(pair.local.destroyed).toBe(true);
    expect(binding.closed).toBe(true);
  });

  it('writes$ completing inside setWritable(true) (the take a drain allows closes the session) leaves the socket reading to the peer\'s FIN', async () => {
    // SessionPipeline does this: the drain lets it take the last DATA after a GOAWAY, and the
    // connection, now closed, completes writes$ before setWritable returns.
    const writes = new Subject<Uint8Array[]>();
    const big = pattern(MiB);
    const batch = () => Array.from({ length: 64 }, () => big);
    let lastSent = false;
    bindSocket(
      pair.local,
      () => ({
        writes$: writes.asObservable(),
        setWritable: (writable: boolean) => {
          if (!writable || lastSent) return;
          lastSent = true;
          // Far more than the kernel takes at once: this write is still in flight when setWritable returns.
          writes.next(batch());
          writes.complete();
        },
      }),
      { lingerTimeout: 0 },
    );
    pair.remote.pause();
    writes.next(batch());
    const localClosed = closed(pair.local);
    const received = readAll(pair.remote);
    pair.remote.resume();
    expect((await received).length).toBe(128 * MiB);
    // The peer's last bytes (a GOAWAY, say) and its FIN: with lingerTimeout 0, only reading them closes our socket.
    pair.remote.end(Buffer.alloc(17));
    await localClosed;
    expect(pair.local.isPaused()).toBe(false);
  });

  it('destroys a lingering socket whose peer neither closes nor reads after lingerTimeout (default 5 s)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    expect(DEFAULT_LINGER_TIMEOUT).toBe(5000);
    const p = controlled();
    const binding = bindSocket(pair.local, p.factory);
    const localClosed = closed(pair.local);
    p.writes.complete();
    jest.advanceTimersByTime(DEFAULT_LINGER_TIMEOUT - 1);
    expect(pair.local.destroyed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(pair.local.destroyed).toBe(true);
    await localClosed;
    expect(binding.closed).toBe(true);
  });

  it('lingerTimeout 0 waits for the peer', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const p = controlled();
    const binding = bindSocket(pair.local, p.factory, { lingerTimeout: 0 });
    p.writes.complete();
    jest.advanceTimersByTime(60_000);
    expect(pair.local.destroyed).toBe(false);
    const localClosed = closed(pair.local);
    pair.remote.resume();
    pair.remote.end();
    await localClosed;
    expect(binding.closed).toBe(true);
  });

  it('destroys the socket and rethrows when the pipeline factory throws', () => {
    const failure = new Error('no pipeline');
    expect(() =>
      bindSocket(pair.local, () => {
        throw failure;
      }),
    ).toThrow(failure);
    expect(pair.local.destroyed).toBe(true);
  });

  it('binds an already closed socket: input$ completes and the binding closes', async () => {
    const localClosed = closed(pair.local);
    pair.local.destroy();
    await localClosed;
    const p = controlled();
    const binding = bindSocket(pair.local, p.factory);
    await expect(p.inputEnd).resolves.toBe('complete');
    expect(binding.closed).toBe(true);
  });
});
