import { once } from 'node:events';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { SocketWriter } from '../../src/transport/socket-writer';
import { pattern, readAll, socketPair, type SocketPair } from './helpers';

const MiB = 1 << 20;

describe('SocketWriter', () => {
  let pair: SocketPair;
  beforeEach(async () => {
    pair = await socketPair();
  });
  afterEach(() => pair.close());

  it('writes a batch of several chunks corked, as one vectored write, in order', async () => {
    const socket = pair.local as unknown as { cork(): void; uncork(): void; _writev: (...args: unknown[]) => void };
    const cork = jest.spyOn(socket, 'cork');
    const uncork = jest.spyOn(socket, 'uncork');
    const writev = jest.spyOn(socket, '_writev');
    const writer = new SocketWriter(pair.local);
    const received = readAll(pair.remote);
    writer.write([Buffer.from('a'), Buffer.from('bc'), new Uint8Array([0x64])]);
    expect(cork).toHaveBeenCalledTimes(1);
    expect(uncork).toHaveBeenCalledTimes(1);
    expect(writev).toHaveBeenCalledTimes(1);
    expect((writev.mock.calls[0][0] as unknown[]).length).toBe(3);
    writer.write([Buffer.from('e')]);
    expect(cork).toHaveBeenCalledTimes(1);
    writer.write([]);
    writer.end();
    expect((await received).toString()).toBe('abcde');
  });

  it('reports backpressure while the peer does not read, and drained$ once it does', async () => {
    const writer = new SocketWriter(pair.local);
    pair.remote.pause();
    const chunk = pattern(MiB);
    const batch = Array.from({ length: 32 }, () => chunk);
    expect(writer.backedUp).toBe(false);
    writer.write(batch);
    expect(writer.backedUp).toBe(true);
    expect(pair.local.writableNeedDrain).toBe(true);
    const drained = firstValueFrom(writer.drained$);
    let received = 0;
    pair.remote.on('data', (data: Buffer) => (received += data.length));
    pair.remote.resume();
    await drained;
    expect(writer.backedUp).toBe(false);
    expect(pair.local.writableLength).toBe(0);
    writer.end();
    await once(pair.remote, 'end');
    expect(received).toBe(32 * MiB);
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
});
