/**
 * RFC 9113 §6.9 WINDOW_UPDATE, §6.9.1 the flow-control window, §6.9.2
 * initial window size (h2spec http2/6.9, 6.9.1, 6.9.2, generic/3.9).
 */
import { ErrorCode, type Frame, FrameType, rawFrame, RawPeer, SettingId } from './raw-peer';
import { BUSY, BUSY_WINDOW, describeTargets, finishBusy, startBusy, itWith } from './targets';

const MAX = 2 ** 31 - 1;
const isData = (id: number) => (f: Frame) => f.unknown !== true && f.type === FrameType.DATA && f.streamId === id && f.data.length > 0;
const dataOn = (peer: RawPeer, id: number): number[] => peer.framesOn(id).flatMap((f) => (f.unknown !== true && f.type === FrameType.DATA ? [f.data.length] : []));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** `n` octets cut into DATA-sized pieces (≤ 16384). */
const chunks = (n: number): number[] => Array.from({ length: Math.ceil(n / 16384) }, (_, i) => Math.min(16384, n - i * 16384));

describeTargets('RFC 9113 §6.9 WINDOW_UPDATE and flow control', (server, target) => {
  const connect = (settings: Array<[number, number]> = [], autoWindow = false) => RawPeer.connect(server().port, { settings, autoWindow });

  describe('§6.9 frame', () => {
    it('"A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a flow-control window increment of 0 as a stream error of type PROTOCOL_ERROR; errors on the connection flow-control window MUST be treated as a connection error": connection (h2spec 6.9/1)', async () => {
      const peer = await connect();
      peer.send(peer.windowUpdate(0, 0));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    });

    it('"… increment of 0 as a stream error of type PROTOCOL_ERROR": stream (h2spec 6.9/2)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.windowUpdate(1, 0));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('"A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as a connection error of type FRAME_SIZE_ERROR" (h2spec 6.9/3)', async () => {
      const peer = await connect();
      peer.sendBytes(rawFrame(FrameType.WINDOW_UPDATE, 0, 0, [0, 0, 0, 1, 0]));
      await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
    });

    it('… also on a stream', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')));
      peer.sendBytes(rawFrame(FrameType.WINDOW_UPDATE, 0, 1, [0, 0, 1]));
      await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 1);
    });

    it('WINDOW_UPDATE on the connection and on an open stream release data (generic 3.9.1, 3.9.2)', async () => {
      const peer = await connect([[SettingId.INITIAL_WINDOW_SIZE, 0]]);
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }));
      await peer.expectResponse(1);
      peer.send(peer.windowUpdate(1, 3000));
      await peer.expectFrame(isData(1), 'DATA released by the stream WINDOW_UPDATE');
      await peer.expectHealthy();
      expect(sum(dataOn(peer, 1))).toBe(3000);
    });
  });

  describe('§6.9.1 the flow-control window', () => {
    it('"The sender MUST NOT send a flow-controlled frame with a length that exceeds the space available": with SETTINGS_INITIAL_WINDOW_SIZE 1, one octet of DATA (h2spec 6.9.1/1)', async () => {
      const peer = await connect([[SettingId.INITIAL_WINDOW_SIZE, 1]]);
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }));
      await peer.expectFrame(isData(1), 'DATA');
      await peer.expectHealthy();
      expect(dataOn(peer, 1)).toEqual([1]);
    });

    it('"A sender MUST NOT allow a flow-control window to exceed 2^31-1 octets. If a sender receives a WINDOW_UPDATE that causes a flow-control window to exceed this maximum, it MUST terminate … the connection … with FLOW_CONTROL_ERROR" (h2spec 6.9.1/2)', async () => {
      const peer = await connect();
      peer.send(peer.windowUpdate(0, MAX - 65535), peer.windowUpdate(0, 1));
      await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR, 0);
    });

    it('"… it MUST terminate either the stream or the connection, as appropriate … sends a RST_STREAM with an error code of FLOW_CONTROL_ERROR": on a stream (h2spec 6.9.1/3)', async () => {
      const peer = await connect([[SettingId.INITIAL_WINDOW_SIZE, 0]]);
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }));
      await peer.expectResponse(1);
      // The second increment overflows whatever the server sent in between (it may send once the first is in).
      peer.send(peer.windowUpdate(1, MAX), peer.windowUpdate(1, MAX));
      await peer.expectRst(1, ErrorCode.FLOW_CONTROL_ERROR);
      await peer.expectHealthy();
    });

    itWith(target, 'ignoresBody')('DATA beyond the server\'s connection window (request bodies nobody reads, across streams) is a connection FLOW_CONTROL_ERROR', async () => {
      const peer = await connect();
      const window = peer.connectionWindowGranted;
      const streamWindow = peer.serverSetting(SettingId.INITIAL_WINDOW_SIZE) ?? 65535;
      // Fill the connection window exactly, each stream within its own window.
      let id = 1;
      for (let left = window; left > 0; id += 2) {
        const n = Math.min(streamWindow, left);
        peer.send(peer.headers(id, peer.request('/', 'POST')), ...chunks(n).map((k) => peer.data(id, k)));
        left -= n;
      }
      await peer.expectHealthy();
      peer.send(peer.headers(id, peer.request('/', 'POST')), peer.data(id, 1));
      await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR, id);
    });

    it('"The connection flow-control window can only be changed using WINDOW_UPDATE frames": with SETTINGS_INITIAL_WINDOW_SIZE 0 the connection window stays 65535', async () => {
      const peer = await connect([[SettingId.INITIAL_WINDOW_SIZE, 0]]);
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }), peer.windowUpdate(1, 1 << 20));
      await peer.until(() => sum(dataOn(peer, 1)) >= 65535, '65535 octets of DATA');
      await peer.expectHealthy();
      expect(sum(dataOn(peer, 1))).toBe(65535);
    });
  });

  describe('§6.9.2 initial window size', () => {
    it('"… a SETTINGS frame can alter the initial flow-control window size for all streams": raised after the request, the response flows (h2spec 6.9.2/1)', async () => {
      const peer = await connect([[SettingId.INITIAL_WINDOW_SIZE, 0]]);
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }));
      await peer.expectResponse(1);
      peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 1]]));
      await peer.expectFrame(isData(1), 'DATA');
      await peer.expectHealthy();
      expect(dataOn(peer, 1)).toEqual([1]);
    });

    it('"A change to SETTINGS_INITIAL_WINDOW_SIZE can cause the available space in a flow-control window to become negative. A sender MUST track the negative flow-control window" (h2spec 6.9.2/2)', async () => {
      const peer = await connect([[SettingId.INITIAL_WINDOW_SIZE, 5]]);
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }));
      await peer.expectFrame(isData(1), 'DATA');
      await peer.expectHealthy();
      expect(dataOn(peer, 1)).toEqual([5]);
      peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 3]])); // window 0 → -2
      peer.send(peer.windowUpdate(1, 2)); // → 0
      await peer.expectHealthy();
      expect(dataOn(peer, 1)).toEqual([5]);
      peer.send(peer.windowUpdate(1, 1)); // → 1
      await peer.expectFrame(isData(1), 'DATA after the window became positive');
      await peer.expectHealthy();
      expect(dataOn(peer, 1)).toEqual([5, 1]);
    });

    it('"An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that causes any flow-control window to exceed the maximum size as a connection error of type FLOW_CONTROL_ERROR"', async () => {
      const peer = await connect([[SettingId.INITIAL_WINDOW_SIZE, 0]]);
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }));
      await peer.expectResponse(1);
      peer.send(peer.windowUpdate(1, MAX), peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 65536]]));
      await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR, 1);
    });

    it('"Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection error of type FLOW_CONTROL_ERROR" (h2spec 6.9.2/3)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, MAX + 1]]));
      await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR, 0);
    });
  });

  describe('while the server is busy responding', () => {
    it('the server never exceeds our stream windows while blocked mid-response', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      await peer.expectHealthy();
      expect(sum(dataOn(peer, 1))).toBeLessThanOrEqual(BUSY_WINDOW);
      peer.send(peer.windowUpdate(1, 1500));
      await peer.expectHealthy();
      expect(sum(dataOn(peer, 1))).toBeLessThanOrEqual(BUSY_WINDOW + 1500);
      await finishBusy(peer, [1, 3]);
    });

    it('WINDOW_UPDATE overflow mid-response on one stream: RST_STREAM FLOW_CONTROL_ERROR on it, the other completes', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.windowUpdate(1, MAX), peer.windowUpdate(1, MAX));
      await peer.expectRst(1, ErrorCode.FLOW_CONTROL_ERROR);
      await finishBusy(peer, [3]);
    });

    it('WINDOW_UPDATE overflow of the connection window mid-response: GOAWAY FLOW_CONTROL_ERROR with the streams in flight as processed', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.windowUpdate(0, MAX), peer.windowUpdate(0, MAX));
      await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR, 3);
    });

    it('lowering SETTINGS_INITIAL_WINDOW_SIZE mid-response makes the windows negative: nothing is sent until credit brings them above 0', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      const sent = sum(dataOn(peer, 1));
      peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 0]])); // window = BUSY_WINDOW - sent - BUSY_WINDOW ≤ 0
      await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.SETTINGS && f.ack, 'SETTINGS ACK');
      peer.send(peer.windowUpdate(1, BUSY_WINDOW));
      await peer.expectHealthy();
      expect(sum(dataOn(peer, 1))).toBe(sent + Math.max(0, BUSY_WINDOW - sent));
      await finishBusy(peer, [1]);
    });

    itWith(target, 'echo')('"A receiver that receives a flow-controlled frame MUST always account for its contribution against the connection flow-control window": DATA in flight on a stream the server reset is counted, then credited back (SECURITY #16)', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      // An open stream (no END_STREAM from us) whose large response is blocked on our window.
      peer.send(peer.headers(1, peer.request('/large', 'POST')));
      await peer.expectFrame(isData(1), 'DATA in flight on stream 1');
      peer.send(peer.windowUpdate(1, MAX), peer.windowUpdate(1, MAX));
      await peer.expectRst(1, ErrorCode.FLOW_CONTROL_ERROR);
      // DATA we had "already sent" on it: all but 1000 octets of the server's connection window.
      const window = peer.connectionWindowGranted;
      const inFlight = window - 1000;
      peer.send(...chunks(inFlight).map((n) => peer.data(1, n)));
      // Credit comes back in WINDOW_UPDATEs once enough is owed, half the window (not necessarily all at once).
      const update = await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.WINDOW_UPDATE && f.streamId === 0, 'WINDOW_UPDATE crediting the discarded DATA back to the connection');
      const credit = update.unknown !== true && update.type === FrameType.WINDOW_UPDATE ? update.increment : 0;
      expect(credit).toBeGreaterThanOrEqual(Math.ceil(window / 2));
      // As a conformant client: upload a stream window's worth, which only the refund makes room for. It must be accepted (not a FLOW_CONTROL_ERROR).
      const available = Math.min(window - inFlight + credit, peer.serverSetting(SettingId.INITIAL_WINDOW_SIZE) ?? 65535);
      expect(available).toBeGreaterThan(window - inFlight);
      peer.send(peer.headers(3, peer.request('/echo', 'POST')), ...chunks(available).map((n, i, all) => peer.data(3, n, { endStream: i === all.length - 1 })));
      peer.autoWindow = true;
      peer.send(peer.windowUpdate(0, 1 << 20), peer.windowUpdate(3, 1 << 20));
      expect((await peer.expectResponseComplete(3)).body.length).toBe(available);
      expect(peer.framesOn(1).filter((f) => f.unknown !== true && f.type === FrameType.RST_STREAM)).toHaveLength(1);
    });

    it('a zero WINDOW_UPDATE on a stream the server just reset is ignored (§5.1: frames after our RST_STREAM)', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.windowUpdate(1, MAX), peer.windowUpdate(1, MAX));
      await peer.expectRst(1, ErrorCode.FLOW_CONTROL_ERROR);
      peer.send(peer.windowUpdate(1, 0), peer.windowUpdate(1, MAX), peer.data(1, 'x'));
      await peer.expectHealthy();
      expect(peer.framesOn(1).filter((f) => f.unknown !== true && f.type === FrameType.RST_STREAM)).toHaveLength(1);
      await finishBusy(peer, [3]);
    });
  });
});
