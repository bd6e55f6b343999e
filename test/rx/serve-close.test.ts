/**
 * `RxServer.close()` with sessions in every state: a session whose connection
 * already failed (GOAWAY sent, socket lingering for the peer's FIN) must not
 * make close() throw. Found by the conformance suite (test/conformance).
 */
import * as net from 'node:net';
import { serve } from '../../src/rx/serve';

describe('RxServer.close()', () => {
  it('resolves when a session has failed with a connection error and its socket is still open', async () => {
    const server = await serve({ host: '127.0.0.1' });
    const socket = net.connect({ host: '127.0.0.1', port: server.address.port });
    // An invalid preface: the server answers its SETTINGS (and connection WINDOW_UPDATE) then
    // GOAWAY(PROTOCOL_ERROR), ends its side and waits for ours.
    socket.write('NOT AN HTTP/2 PREFACE, NOT AT ALL\r\n\r\n');
    await new Promise<void>((resolve) => {
      let bytes = Buffer.alloc(0);
      socket.on('data', (c: Buffer) => {
        bytes = Buffer.concat([bytes, c]);
        // Walk the complete frames (9-octet header: length, type, …) for a GOAWAY (type 7).
        for (let at = 0; at + 9 <= bytes.length; at += 9 + bytes.readUIntBE(at, 3)) {
          if (bytes[at + 3] === 7) return resolve();
        }
      });
    });
    const closed = server.close();
    socket.end();
    await expect(closed).resolves.toBeUndefined();
    socket.destroy();
  });
});
