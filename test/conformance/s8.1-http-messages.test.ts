/**
 * RFC 9113 §8.1 HTTP message framing, §8.1.1 malformed messages (h2spec
 * http2/8.1, 8.1.2.6, generic/4): GET, HEAD, POST, trailers; trailers
 * without END_STREAM; content-length that does not match the DATA.
 */
import { ErrorCode, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy, itWith } from './targets';

describeTargets('RFC 9113 §8.1 HTTP messages', (server, target) => {
  const connect = () => RawPeer.connect(server().port);

  describe('exchanges (generic 4)', () => {
    it('GET: response HEADERS then DATA, END_STREAM at the end (generic 4.1)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
      const res = await peer.expectResponseComplete(1);
      expect(res.status).toBe('200');
      expect(res.body.toString()).toBe(SMALL_BODY);
    });

    it('HEAD: a response without content (generic 4.2)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/', 'HEAD'), { endStream: true }));
      const res = await peer.expectResponseComplete(1);
      expect(res.status).toBe('200');
      expect(res.body.length).toBe(0);
    });

    itWith(target, 'echo')('POST with a body (generic 4.3)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST', [['content-length', '11']])), peer.data(1, 'hello '), peer.data(1, 'world', { endStream: true }));
      expect((await peer.expectResponseComplete(1)).body.toString()).toBe('hello world');
    });

    itWith(target, 'echo')('"… a trailer section … in a HEADERS frame with END_STREAM": POST with trailers (generic 4.4)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'with trailers'), peer.headers(1, [['x-checksum', 'abc']], { endStream: true }));
      expect((await peer.expectResponseComplete(1)).body.toString()).toBe('with trailers');
      await peer.expectHealthyNoReset();
    });
  });

  describe('malformed messages', () => {
    it('"An endpoint that receives a HEADERS frame without the END_STREAM flag set after receiving the HEADERS frame that opens a request … MUST treat the corresponding request … as malformed" (h2spec 8.1/1)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'x'), peer.headers(1, [['x-trailer', '1']], { endStream: false }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('… also right after the request HEADERS, with no DATA between', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.headers(1, [['x-second', '1']]));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('"A request or response is also malformed if the value of a content-length header field does not equal the sum of the DATA frame payload lengths": one DATA frame (h2spec 8.1.2.6/1)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST', [['content-length', '1']])), peer.data(1, 'test', { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('"… does not equal the sum of the DATA frame payload lengths": several DATA frames (h2spec 8.1.2.6/2)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST', [['content-length', '8']])), peer.data(1, 'test'), peer.data(1, 'test'), peer.data(1, 'test', { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('… less DATA than announced, ended by END_STREAM', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST', [['content-length', '10']])), peer.data(1, 'short', { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('… less DATA than announced, ended by trailers', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST', [['content-length', '10']])), peer.data(1, 'short'), peer.headers(1, [['x-t', '1']], { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('… a content-length on a request that ends with its HEADERS', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/', 'POST', [['content-length', '5']]), { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('… a content-length that is not a number', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/', 'POST', [['content-length', '5x']]), { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    itWith(target, 'echo')('a content-length of 0 and no DATA is fine; a matching content-length is fine', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/', 'POST', [['content-length', '0']]), { endStream: true }));
      peer.send(peer.headers(3, peer.request('/echo', 'POST', [['content-length', '3']])), peer.data(3, 'abc', { endStream: true }));
      await peer.expectResponseComplete(1);
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe('abc');
      await peer.expectHealthyNoReset();
    });
  });

  describe('while the server is busy responding', () => {
    it('content-length mismatch detected while the echo response is already flowing: RST_STREAM PROTOCOL_ERROR; the other stream completes', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(3, peer.request('/echo', 'POST', [['content-length', '100']])), peer.data(3, 'x'.repeat(60)));
      await peer.expectResponse(3);
      peer.send(peer.data(3, 'y'.repeat(60)));
      await peer.expectRst(3, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [1]);
    });

    it('trailers without END_STREAM on a stream whose response is in flight: RST_STREAM PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      peer.send(peer.headers(1, peer.request('/large')));
      await peer.expectResponse(1);
      peer.send(peer.headers(1, [['x-trailer', '1']]));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });
  });
});
