import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { SocketWriter } from '../../src/transport/socket-writer';
import { closeServer, destroyed, makeCertificate, pattern, readAll, socketPair, type SocketPair } from './helpers';

const MiB = 1 << 20;

/**
 * Spies on net's own `_writev`, on the prototype: a spy on the instance would
 * replace the method that SocketWriter checks for, and send it the other way.
 */
function spyOnWritev(): jest.SpyInstance {
  return jest.spyOn(net.Socket.prototype as unknown as { _writev: (...args: unknown[]) => void }, '_writev');
}

describe('SocketWriter', () => {
  let pair: SocketPair;
  beforeEach(async () => {
    pair = await socketPair();
  });
  afterEach(() => {
    jest.restoreAllMocks();
    return pair.close();
  });

  it("hands a batch to a net socket's own _writev in one call, in order, without cork", async () => {
    const cork = jest.spyOn(pair.local, 'cork');
    const writev = spyOnWritev();
    const writer = new SocketWriter(pair.local);
    const received = readAll(pair.remote);
    writer.write([Buffer.from('a'), Buffer.from('bc'), new Uint8Array([0x64])]);
    expect(cork).not.toHaveBeenCalled();
    expect(writev).toHaveBeenCalledTimes(1);
    expect((writev.mock.calls[0][0] as unknown[]).length).toBe(3);
    // The kernel took it all at once: nothing is in flight.
    expect(writer.backedUp).toBe(false);
    writer.write([Buffer.from('e')]);
    writer.write([]);
    writer.end();
    expect((await received).toString()).toBe('abcde');
  });

  it("corks the batch instead while the socket's Writable still holds bytes, keeping the order", async () => {
    const writer = new SocketWriter(pair.local);
    const received = readAll(pair.remote);
    pair.local.cork();
    pair.local.write('x');
    expect(pair.local.writableLength).toBe(1);
    const cork = jest.spyOn(pair.local, 'cork');
    const writev = spyOnWritev();
    writer.write([Buffer.from('a'), Buffer.from('b')]);
    expect(cork).toHaveBeenCalledTimes(1);
    // Still corked by the test: nothing went past the Writable.
    expect(writev).not.toHaveBeenCalled();
    pair.local.uncork();
    expect(writev).toHaveBeenCalledTimes(1);
    expect((writev.mock.calls[0][0] as unknown[]).length).toBe(3);
    writer.end();
    expect((await received).toString()).toBe('xab');
  });

  it('corks the batch for a Duplex that is not a net socket', async () => {
    const writes: string[][] = [];
    const duplex = new Duplex({
      read() {},
      writev(chunks, callback) {
        writes.push(chunks.map(({ chunk }) => Buffer.from(chunk as Uint8Array).toString()));
        callback();
      },
    });
    const writer = new SocketWriter(duplex);
    writer.write([Buffer.from('a'), new Uint8Array([0x62]), Buffer.from('c')]);
    writer.end();
    await once(duplex, 'finish');
    expect(writes).toEqual([['a', 'b', 'c']]);
    duplex.destroy();
  });

  it('reports backpressure while the peer does not read, and drained$ once it does', async () => {
    const writer = new SocketWriter(pair.local);
    pair.remote.pause();
    const chunk = pattern(MiB);
    const batch = Array.from({ length: 32 }, () => chunk);
    expect(writer.backedUp).toBe(false);
    writer.write(batch);
    expect(writer.backedUp).toBe(true);
    // Written while the first batch is still in flight: queued behind it, in order.
    writer.write([Buffer.from('tail'), Buffer.from('!')]);
    const drains: number[] = [];
    writer.drained$.subscribe(() => drains.push(received));
    const drained = firstValueFrom(writer.drained$);
    let received = 0;
    const last: Buffer[] = [];
    pair.remote.on('data', (data: Buffer) => {
      received += data.length;
      last.push(data);
      if (last.length > 2) last.shift();
    });
    pair.remote.resume();
    await drained;
    expect(writer.backedUp).toBe(false);
    expect(drains).toHaveLength(1);
    writer.end();
    await once(pair.remote, 'end');
    expect(received).toBe(32 * MiB + 5);
    expect(Buffer.concat(last).subarray(-5).toString()).toBe('tail!');
    expect(drains).toHaveLength(1);
  });

  it('drained$ waits for both the Writable and the vectored writes in flight', async () => {
    const writer = new SocketWriter(pair.local);
    pair.remote.pause();
    const chunk = pattern(MiB);
    // One chunk goes through the Writable (write() answers false above its high-water mark)...
    writer.write([pattern(8 * MiB)]);
    expect(writer.backedUp).toBe(true);
    expect(pair.local.writableNeedDrain).toBe(true);
    let drained = 0;
    writer.drained$.subscribe(() => drained++);
    const received = readAll(pair.remote);
    pair.remote.resume();
    await once(pair.local, 'drain');
    // ...the Writable drained, and nothing else was in flight.
    expect(drained).toBe(1);
    pair.remote.pause();
    // More than the kernel's socket buffers take from a reader that does not read: the write stays in flight.
    writer.write(Array.from({ length: 32 }, () => chunk));
    expect(writer.backedUp).toBe(true);
    writer.write([Buffer.from('z')]);
    pair.remote.resume();
    await firstValueFrom(writer.drained$);
    expect(drained).toBe(2);
    expect(writer.backedUp).toBe(false);
    writer.end();
    expect((await received).length).toBe(40 * MiB + 1);
  });

  it('a vectored write that fails destroys the socket with its error', async () => {
    const failure = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    spyOnWritev().mockImplementation((_chunks: unknown, callback: unknown) => (callback as (e: Error) => void)(failure));
    const writer = new SocketWriter(pair.local);
    const error = once(pair.local, 'error');
    writer.write([Buffer.from('a'), Buffer.from('b')]);
    await expect(error).resolves.toEqual([failure]);
    expect(pair.local.destroyed).toBe(true);
    expect(writer.backedUp).toBe(false);
  });

  it('a socket destroyed while a vectored write is in flight takes none of the batches waiting behind it, and no error is raised', async () => {
    const writer = new SocketWriter(pair.local);
    pair.remote.pause();
    const chunk = pattern(MiB);
    writer.write(Array.from({ length: 32 }, () => chunk));
    expect(writer.backedUp).toBe(true);
    writer.write([Buffer.from('late'), Buffer.from('r')]);
    const errors: unknown[] = [];
    pair.local.on('error', (e) => errors.push(e));
    const drains = lastValueFrom(writer.drained$.pipe(toArray()));
    const writev = spyOnWritev();
    // Destroyed from outside the writer (as a reset from the peer does).
    pair.local.destroy();
    await expect(drains).resolves.toEqual([]);
    expect(writev).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
  });

  it('end() flushes everything queued, then the peer sees FIN', async () => {
    const writer = new SocketWriter(pair.local);
    const data = pattern(8 * MiB);
    const received = readAll(pair.remote);
    for (let offset = 0; offset < data.length; offset += 256 * 1024) {
      writer.write([data.subarray(offset, offset + 100_000), data.subarray(offset + 100_000, offset + 256 * 1024)]);
    }
    expect(writer.backedUp).toBe(true);
    writer.end();
    writer.end();
    expect(writer.writable).toBe(false);
    expect((await received).equals(data)).toBe(true);
  });

  it('drops writes after end or destroy without raising errors, and drained$ completes on close', async () => {
    const writer = new SocketWriter(pair.local);
    const errors: unknown[] = [];
    pair.local.on('error', (e) => errors.push(e));
    const drains = lastValueFrom(writer.drained$.pipe(toArray()));
    writer.end();
    writer.write([Buffer.from('late')]);
    writer.destroy();
    expect(pair.local.destroyed).toBe(true);
    writer.write([Buffer.from('later')]);
    await expect(drains).resolves.toEqual([]);
    expect(errors).toEqual([]);
  });

  it('destroy(error) destroys the socket with that error', async () => {
    const writer = new SocketWriter(pair.local);
    const failure = new Error('abort');
    const error = once(pair.local, 'error');
    writer.destroy(failure);
    await expect(error).resolves.toEqual([failure]);
  });

  describe('over TLS', () => {
    const certificate = makeCertificate();
    const maybe = certificate === undefined ? it.skip : it;
    if (certificate === undefined) console.warn('openssl missing: SocketWriter TLS test skipped');

    maybe('keeps one write at a time in the TLS handle: batches written meanwhile wait, then leave in order', async () => {
      const server = tls.createServer({ ...certificate!, allowHalfOpen: true });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as net.AddressInfo;
      const accepted = once(server, 'secureConnection') as Promise<[tls.TLSSocket]>;
      const client = tls.connect({ port, host: '127.0.0.1', ca: certificate!.cert, servername: 'localhost' });
      const [[local]] = await Promise.all([accepted, once(client, 'secureConnect')]);
      try {
        const writer = new SocketWriter(local);
        client.pause();
        const big = pattern(4 * MiB);
        const expected: Buffer[] = [];
        // A TLS handle asserts (and aborts the process) on a second write before the first completes.
        // 32 MiB to a reader that does not read is more than the kernel's buffers take: writes wait.
        let waited = false;
        for (let i = 0; i < 8; i++) {
          const batch = [big.subarray(0, 2 * MiB), big.subarray(2 * MiB), Buffer.from(`#${i}`)];
          writer.write(batch);
          expected.push(...batch);
          waited ||= writer.backedUp;
        }
        expect(waited).toBe(true);
        writer.write([Buffer.from('end')]);
        expected.push(Buffer.from('end'));
        const received = readAll(client);
        client.resume();
        writer.end();
        expect((await received).equals(Buffer.concat(expected))).toBe(true);
      } finally {
        await Promise.all([destroyed(local), destroyed(client)]);
        await closeServer(server);
      }
    });
  });
});
