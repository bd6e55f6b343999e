/**
 * RFC 9113 §5.1 stream states (h2spec http2/5.1 and generic/2): what the
 * server answers to each frame in each state a client can put a stream in.
 */
import { ErrorCode, type Frame, FrameType, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §5.1 stream states', (server) => {
  const connect = () => RawPeer.connect(server().port);
  const busy = () => RawPeer.connect(server().port, BUSY);
  const isData = (id: number) => (f: Frame) => f.unknown !== true && f.type === FrameType.DATA && f.streamId === id;

  describe('idle', () => {
    const idleFrames: Array<[string, (p: RawPeer) => Frame | Uint8Array]> = [
      ['DATA (h2spec 5.1/1)', (p) => p.data(1, 'x')],
      ['RST_STREAM (h2spec 5.1/2)', (p) => p.rst(1, ErrorCode.CANCEL)],
      ['WINDOW_UPDATE (h2spec 5.1/3)', (p) => p.windowUpdate(1, 100)],
      ['CONTINUATION (h2spec 5.1/4)', (p) => p.continuation(1, p.hpack.encode(p.request('/')), true)],
    ];
    it.each(idleFrames)(
      '"Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as a connection error of type PROTOCOL_ERROR": %s',
      async (_n, make) => {
        const peer = await connect();
        peer.send(make(peer));
        await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
      },
    );

    it('"PRIORITY … can be sent and received in any state": PRIORITY on an idle stream is accepted, and the stream can still be opened (generic 2.1)', async () => {
      const peer = await connect();
      peer.send(peer.priority(3, { dependsOn: 0, exclusive: false, weight: 16 }));
      await peer.expectHealthyNoReset();
      peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
    });

    it('"Sending a HEADERS frame as a client … causes the stream to become open": HEADERS on an idle stream opens it', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/', 'POST')));
      await peer.expectResponse(1);
      // Open: DATA is accepted (a closed or half-closed (remote) stream would get STREAM_CLOSED).
      peer.send(peer.data(1, 'open', { endStream: true }));
      await peer.expectResponseComplete(1);
      await peer.expectHealthyNoReset();
    });
  });

  describe('half-closed (remote): the client sent END_STREAM, the response is in flight', () => {
    it('"If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in this state, it MUST respond with a stream error of type STREAM_CLOSED": DATA (h2spec 5.1/5)', async () => {
      const peer = await busy();
      await startBusy(peer, [1, 3]);
      peer.send(peer.data(1, 'late'));
      await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
      await peer.expectHealthy();
      await finishBusy(peer, [3]);
    });

    it('"… MUST respond with a stream error of type STREAM_CLOSED": HEADERS (h2spec 5.1/6)', async () => {
      const peer = await busy();
      await startBusy(peer, [1, 3]);
      peer.send(peer.headers(1, [['x-trailer', '1']], { endStream: true }));
      await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
      await peer.expectHealthy();
      await finishBusy(peer, [3]);
    });

    it('a CONTINUATION on it, with no field block open, is a connection PROTOCOL_ERROR (h2spec 5.1/7, §6.10)', async () => {
      const peer = await busy();
      await startBusy(peer, [1]);
      peer.send(peer.continuation(1, [0x40, 0x01, 0x61, 0x01, 0x62], true));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('"WINDOW_UPDATE … can be received in this state": it releases the response (generic 2.2)', async () => {
      const peer = await busy();
      await startBusy(peer, [1]);
      await finishBusy(peer, [1]);
      await peer.expectHealthyNoReset();
    });

    it('"PRIORITY … can be received in this state" (generic 2.3)', async () => {
      const peer = await busy();
      await startBusy(peer, [1]);
      peer.send(peer.priority(1, { dependsOn: 0, exclusive: true, weight: 200 }));
      await peer.expectHealthyNoReset();
      await finishBusy(peer, [1]);
    });

    it('"RST_STREAM … can be received in this state": the stream closes, without a RST_STREAM in answer, and no more DATA is sent on it (generic 2.4)', async () => {
      const peer = await busy();
      await startBusy(peer, [1, 3]);
      peer.send(peer.rst(1, ErrorCode.CANCEL));
      await peer.expectHealthyNoReset();
      const before = peer.framesOn(1).length;
      // The connection window it would have used goes to stream 3, which completes; stream 1 gets nothing more.
      await finishBusy(peer, [3]);
      await peer.expectHealthyNoReset();
      expect(peer.framesOn(1).length).toBe(before);
    });
  });

  describe('half-closed (local): the server ended its response, the client has not', () => {
    it('"An endpoint can receive any type of frame in this state": DATA and END_STREAM are accepted', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/', 'POST')));
      await peer.expectResponseComplete(1);
      peer.send(peer.data(1, 'more'), peer.windowUpdate(1, 10), peer.priority(1, { dependsOn: 0, exclusive: false, weight: 1 }), peer.data(1, 'end', { endStream: true }));
      await peer.expectHealthyNoReset();
    });
  });

  describe('closed by RST_STREAM from the client', () => {
    const open = async (): Promise<RawPeer> => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.rst(1, ErrorCode.CANCEL));
      await peer.expectHealthy();
      return peer;
    };

    it('"An endpoint that receives any frame other than PRIORITY after receiving a RST_STREAM MUST treat that as a stream error of type STREAM_CLOSED" (RFC 7540 §5.1; RFC 9113 §6.1 for DATA): DATA (h2spec 5.1/8)', async () => {
      const peer = await open();
      peer.send(peer.data(1, 'x'));
      await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
      await peer.expectHealthy();
    });

    it('"… MUST treat that as a stream error of type STREAM_CLOSED" (RFC 7540 §5.1): HEADERS (h2spec 5.1/9)', async () => {
      const peer = await open();
      peer.send(peer.headers(1, [['x-trailer', '1']], { endStream: true }));
      await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
      await peer.expectHealthy();
    });

    it('a CONTINUATION on it, with no field block open, is a connection PROTOCOL_ERROR (h2spec 5.1/10)', async () => {
      const peer = await open();
      peer.send(peer.continuation(1, [0x40, 0x01, 0x61, 0x01, 0x62], true));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('"PRIORITY … can be sent and received in any state": PRIORITY on it is accepted (generic 2.5)', async () => {
      const peer = await open();
      peer.send(peer.priority(1, { dependsOn: 0, exclusive: false, weight: 16 }));
      await peer.expectHealthyNoReset();
    });

    it('"To avoid looping, an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM frame": a second RST_STREAM is ignored', async () => {
      const peer = await open();
      peer.send(peer.rst(1, ErrorCode.CANCEL));
      await peer.expectHealthyNoReset();
    });
  });

  describe('closed by END_STREAM both ways', () => {
    const done = async (): Promise<RawPeer> => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
      await peer.expectResponseComplete(1);
      return peer;
    };

    it('"If a DATA frame is received whose stream is not in the open or half-closed (local) state, the recipient MUST respond with a stream error of type STREAM_CLOSED" (h2spec 5.1/11)', async () => {
      const peer = await done();
      peer.send(peer.data(1, 'x'));
      await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
      await peer.expectHealthy();
    });

    it('"An endpoint MAY treat receipt of any other type of frame on a closed stream as a connection error of type STREAM_CLOSED": HEADERS (h2spec 5.1/12)', async () => {
      const peer = await done();
      peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
      await peer.expectGoaway(ErrorCode.STREAM_CLOSED, 1);
    });

    it('a CONTINUATION on it, with no field block open, is a connection PROTOCOL_ERROR (h2spec 5.1/13)', async () => {
      const peer = await done();
      peer.send(peer.continuation(1, [0x40, 0x01, 0x61, 0x01, 0x62], true));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('"An endpoint that sends a frame with the END_STREAM flag set or a RST_STREAM frame might receive a WINDOW_UPDATE or RST_STREAM frame from its peer": they are ignored (RFC 7540 §5.1: "Endpoints MUST ignore WINDOW_UPDATE or RST_STREAM frames received in this state")', async () => {
      const peer = await done();
      peer.send(peer.windowUpdate(1, 1000), peer.rst(1, ErrorCode.CANCEL), peer.priority(1, { dependsOn: 0, exclusive: false, weight: 16 }));
      await peer.expectHealthyNoReset();
    });
  });

  describe('closed by the server\'s RST_STREAM (a stream error it detected)', () => {
    it('"An endpoint MUST ignore frames that it receives on closed streams after it has sent a RST_STREAM frame": DATA, WINDOW_UPDATE and trailers in flight are ignored (the trailers\' block still decoded)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.windowUpdate(1, 0));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      peer.send(peer.data(1, 'in flight'), peer.windowUpdate(1, 10), peer.headers(1, [['x-trailer', 'late']], { endStream: true }));
      await peer.expectHealthy();
      expect(peer.framesOn(1).filter((f) => f.unknown !== true && f.type === FrameType.RST_STREAM)).toHaveLength(1);
      // The trailers' block was decoded (our encoder indexed x-trailer): a request using the table works.
      peer.send(peer.headers(3, peer.request('/', 'GET', [['x-trailer', 'late']]), { endStream: true }));
      expect((await peer.expectResponseComplete(3)).status).toBe('200');
    });
  });

  describe('while the server is busy responding', () => {
    it('DATA on a half-closed (remote) stream while the server is still sending: STREAM_CLOSED, and the response on that stream stops', async () => {
      const peer = await busy();
      await startBusy(peer, [1, 3, 5]);
      peer.send(peer.data(3, 'x'), peer.data(5, 'y', { endStream: true }));
      await peer.expectRst(3, ErrorCode.STREAM_CLOSED);
      await peer.expectRst(5, ErrorCode.STREAM_CLOSED);
      await peer.expectHealthy();
      const before = [peer.framesOn(3).length, peer.framesOn(5).length];
      await finishBusy(peer, [1]);
      peer.send(peer.windowUpdate(3, 100000), peer.windowUpdate(5, 100000));
      await peer.expectHealthy();
      expect([peer.framesOn(3).length, peer.framesOn(5).length]).toEqual(before);
    });

    it('frame after END_STREAM just as the server ends: DATA sent with the WINDOW_UPDATE that releases the last of the response is answered with STREAM_CLOSED', async () => {
      const peer = await busy();
      await startBusy(peer, [1]);
      const sent = peer.framesOn(1).filter(isData(1)).reduce((n, f) => n + (f.unknown !== true && f.type === FrameType.DATA ? f.data.length : 0), 0);
      // Whether the server processes the DATA before or after framing its last DATA, the stream is not readable: STREAM_CLOSED.
      peer.send(peer.windowUpdate(0, 1 << 20), peer.windowUpdate(1, (1 << 20) - sent), peer.data(1, 'late', { endStream: true }));
      await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
      await peer.expectHealthy();
    });

    it('RST_STREAM racing the last DATA (sent with the WINDOW_UPDATE that releases it): not answered, the connection stays healthy, and a new large response completes', async () => {
      const peer = await busy();
      await startBusy(peer, [1]);
      peer.send(peer.windowUpdate(1, 1 << 20), peer.rst(1, ErrorCode.CANCEL));
      await peer.expectHealthyNoReset();
      peer.autoWindow = true;
      peer.send(peer.windowUpdate(0, 1 << 20), peer.headers(3, peer.request('/large'), { endStream: true }), peer.windowUpdate(3, 1 << 20));
      expect((await peer.expectResponseComplete(3)).status).toBe('200');
    });

    it('RST_STREAM after the server\'s END_STREAM (the race lost) is ignored', async () => {
      const peer = await busy();
      await startBusy(peer, [1]);
      await finishBusy(peer, [1]);
      peer.send(peer.rst(1, ErrorCode.CANCEL));
      await peer.expectHealthyNoReset();
    });
  });
});
