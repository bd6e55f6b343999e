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
    // An invalid preface: the server answers SETTINGS + GOAWAY(PROTOCOL_ERROR), ends its side and waits for ours.
    socket.write('NOT AN HTTP/2 PREFACE, NOT AT ALL\r\n\r\n');
    await new Promise<void>((resolve) => {
      let bytes = Buffer.alloc(0);
      socket.on('data', (c: Buffer) => {
        bytes = Buffer.concat([bytes, c]);
        // SETTINGS (9 octets, empty) then GOAWAY (type 7).
        if (bytes.length >= 18 && bytes[9 + 3] === 7) resolve();
      });
    });
    const closed = server.close();
    socket.end();
    await expect(closed).resolves.toBeUndefined();
    socket.destroy();
  });
});
