import { once } from 'node:events';
import { lastValueFrom, toArray } from 'rxjs';
import { socketChunks } from '../../src/transport/socket-chunks';
import { pattern, socketPair, type SocketPair } from './helpers';

describe('socketChunks', () => {
  let pair: SocketPair;
  beforeEach(async () => {
    pair = await socketPair();
  });
  afterEach(() => pair.close());

  it('emits the received chunks as they are, in order, and completes on the peer FIN', async () => {
    const data = pattern(1 << 20);
    const seen: Uint8Array[] = [];
    pair.local.on('data', (chunk: Buffer) => seen.push(chunk));
    const all = lastValueFrom(socketChunks(pair.local).pipe(toArray()));
    pair.remote.end(data);
    const chunks = await all;
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    // The very Buffers the socket emitted: nothing copied.
    expect(chunks.length).toBe(seen.length);
    chunks.forEach((chunk, i) => expect(chunk).toBe(seen[i]));
  });

  it('errors with the socket error', async () => {
    const failure = new Error('boom');
    const result = lastValueFrom(socketChunks(pair.local));
    pair.local.destroy(failure);
    await expect(result).rejects.toBe(failure);
  });

  it('errors when the peer resets the connection', async () => {
    const result = lastValueFrom(socketChunks(pair.local));
    pair.remote.resetAndDestroy();
    await expect(result).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('completes when the socket is destroyed locally without an error', async () => {
    const result = lastValueFrom(socketChunks(pair.local).pipe(toArray()));
    pair.local.destroy();
    await expect(result).resolves.toEqual([]);
  });

  it('completes at once on a socket already ended or destroyed', async () => {
    pair.remote.end();
    pair.local.resume();
    await once(pair.local, 'end');
    await expect(lastValueFrom(socketChunks(pair.local).pipe(toArray()))).resolves.toEqual([]);
    pair.local.destroy();
    await once(pair.local, 'close');
    await expect(lastValueFrom(socketChunks(pair.local).pipe(toArray()))).resolves.toEqual([]);
  });

  it('starts a paused socket', async () => {
    pair.local.pause();
    const first = new Promise<Uint8Array>((resolve) => {
      const subscription = socketChunks(pair.local).subscribe((chunk) => {
        subscription.unsubscribe();
        resolve(chunk);
      });
    });
    pair.remote.write('hello');
    expect(Buffer.from(await first).toString()).toBe('hello');
  });

  it('teardown removes its listeners and pauses the socket, without destroying it; later bytes stay buffered', async () => {
    const counts = () => ['data', 'end', 'error', 'close'].map((e) => pair.local.listenerCount(e));
    const before = counts();
    const received: string[] = [];
    const subscription = socketChunks(pair.local).subscribe((chunk) => received.push(Buffer.from(chunk).toString()));
    pair.remote.write('one');
    await once(pair.local, 'data');
    subscription.unsubscribe();
    expect(counts()).toEqual(before);
    expect(pair.local.isPaused()).toBe(true);
    expect(pair.local.destroyed).toBe(false);
    pair.remote.end('two');
    // A new subscriber gets what arrived in between.
    const rest = await lastValueFrom(socketChunks(pair.local).pipe(toArray()));
    expect(received).toEqual(['one']);
    expect(Buffer.concat(rest).toString()).toBe('two');
  });

  it('errors on a socket that is not in byte mode', async () => {
    pair.local.setEncoding('utf8');
    const result = lastValueFrom(socketChunks(pair.local));
    pair.remote.write('text');
    await expect(result).rejects.toThrow(TypeError);
  });
});
