/**
 * RFC 9113 §6.5 SETTINGS, §6.5.2 defined settings, §6.5.3 synchronization
 * (h2spec http2/6.5, 6.5.2, 6.5.3, generic/3.5).
 */
import { ErrorCode, Flag, type Frame, FrameType, rawFrame, RawPeer, settingBytes, SettingId } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

const isSettingsAck = (f: Frame) => f.unknown !== true && f.type === FrameType.SETTINGS && f.ack;
const isData = (id: number) => (f: Frame) => f.unknown !== true && f.type === FrameType.DATA && f.streamId === id && f.data.length > 0;

describeTargets('RFC 9113 §6.5 SETTINGS', (server) => {
  const connect = (settings: Array<[number, number]> = []) => RawPeer.connect(server().port, { settings });

  describe('§6.5 frame', () => {
    it('"Receipt of a SETTINGS frame with the ACK flag set and a length field value other than 0 MUST be treated as a connection error of type FRAME_SIZE_ERROR" (h2spec 6.5/1)', async () => {
      const peer = await connect();
      peer.sendBytes(rawFrame(FrameType.SETTINGS, Flag.ACK, 0, settingBytes(SettingId.ENABLE_PUSH, 0)));
      await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
    });

    it('"If an endpoint receives a SETTINGS frame whose Stream Identifier field is anything other than 0x00, the endpoint MUST respond with a connection error of type PROTOCOL_ERROR" (h2spec 6.5/2)', async () => {
      const peer = await connect();
      peer.sendBytes(rawFrame(FrameType.SETTINGS, 0, 1, settingBytes(SettingId.ENABLE_PUSH, 0)));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    });

    it('"A SETTINGS frame with a length other than a multiple of 6 octets MUST be treated as a connection error of type FRAME_SIZE_ERROR" (h2spec 6.5/3)', async () => {
      const peer = await connect();
      peer.sendBytes(rawFrame(FrameType.SETTINGS, 0, 0, [...settingBytes(SettingId.ENABLE_PUSH, 0), 0, 0, 0]));
      await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
    });

    it('a SETTINGS frame with more entries than the server accepts (33 > maxSettings 32) is a connection ENHANCE_YOUR_CALM that names the limit (SECURITY #2)', async () => {
      const peer = await connect();
      peer.send(peer.settings(Array.from({ length: 33 }, (_, i): [number, number] => [0x100 + i, i])));
      const goaway = await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM, 0);
      expect(Buffer.from(goaway.debugData).toString()).toMatch(/maxSettings/);
    });

    it('an empty SETTINGS frame is acknowledged', async () => {
      const peer = await connect();
      peer.send(peer.settings([]));
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK');
      await peer.expectHealthyNoReset();
    });
  });

  describe('§6.5.2 defined settings', () => {
    it('"SETTINGS_ENABLE_PUSH: … Any value other than 0 or 1 MUST be treated as a connection error of type PROTOCOL_ERROR" (h2spec 6.5.2/1)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[SettingId.ENABLE_PUSH, 2]]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    });

    it('"SETTINGS_INITIAL_WINDOW_SIZE: Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection error of type FLOW_CONTROL_ERROR" (h2spec 6.5.2/2)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 2 ** 31]]));
      await peer.expectGoaway(ErrorCode.FLOW_CONTROL_ERROR, 0);
    });

    it('"SETTINGS_MAX_FRAME_SIZE: Values outside this range [2^14, 2^24-1] MUST be treated as a connection error of type PROTOCOL_ERROR": 16383 (h2spec 6.5.2/3)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[SettingId.MAX_FRAME_SIZE, 16383]]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    });

    it('"… Values outside this range … MUST be treated as a connection error of type PROTOCOL_ERROR": 2^24 (h2spec 6.5.2/4)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[SettingId.MAX_FRAME_SIZE, 2 ** 24]]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    });

    it('"An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST ignore that setting" (h2spec 6.5.2/5)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[0xff, 1]]));
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK');
      await peer.expectHealthyNoReset();
    });

    it('SETTINGS_ENABLE_CONNECT_PROTOCOL: "A sender MUST NOT send a SETTINGS_ENABLE_CONNECT_PROTOCOL parameter with the value of 0 after previously sending a value of 1" / values other than 0 or 1 are a PROTOCOL_ERROR (RFC 8441 §3)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[SettingId.ENABLE_CONNECT_PROTOCOL, 2]]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    });

    it('the extreme legal values are accepted: MAX_FRAME_SIZE 2^24-1, INITIAL_WINDOW_SIZE 2^31-1, HEADER_TABLE_SIZE 2^32-1, MAX_CONCURRENT_STREAMS 0', async () => {
      const peer = await connect();
      peer.send(
        peer.settings([
          [SettingId.MAX_FRAME_SIZE, 2 ** 24 - 1],
          [SettingId.INITIAL_WINDOW_SIZE, 2 ** 31 - 1],
          [SettingId.HEADER_TABLE_SIZE, 2 ** 32 - 1],
          [SettingId.MAX_CONCURRENT_STREAMS, 0],
          [SettingId.ENABLE_PUSH, 0],
          [SettingId.MAX_HEADER_LIST_SIZE, 100000],
        ]),
      );
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK');
      peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
      expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
    });

    it('"SETTINGS_HEADER_TABLE_SIZE: … the maximum size of the compression table used to decode field blocks": with 0, the server\'s blocks use no dynamic table (RFC 7541 §4.2)', async () => {
      const peer = await connect([[SettingId.HEADER_TABLE_SIZE, 0]]);
      for (const id of [1, 3, 5]) {
        peer.send(peer.headers(id, peer.request('/'), { endStream: true }));
        expect((await peer.expectResponseComplete(id)).status).toBe('200');
      }
      expect(peer.decodeError).toBeUndefined();
    });

    it('… lowered mid-connection, the server\'s next block starts with a table size update', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
      await peer.expectResponseComplete(1);
      peer.setHeaderTableSize(0);
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK');
      for (const id of [3, 5]) {
        peer.send(peer.headers(id, peer.request('/'), { endStream: true }));
        expect((await peer.expectResponseComplete(id)).status).toBe('200');
      }
      expect(peer.decodeError).toBeUndefined();
    });

    it('… lowered then raised before the server\'s next block: "the smallest maximum table size that occurs in that interval MUST be signaled in a dynamic table size update" (RFC 7541 §4.2)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
      await peer.expectResponseComplete(1);
      peer.setHeaderTableSize(64);
      peer.setHeaderTableSize(4096);
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK 1');
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK 2');
      for (const id of [3, 5]) {
        peer.send(peer.headers(id, peer.request('/'), { endStream: true }));
        expect((await peer.expectResponseComplete(id)).status).toBe('200');
      }
      expect(peer.decodeError).toBeUndefined();
    });

    it('… 0 at the start, raised later: the server may grow its table again, and its blocks still decode', async () => {
      const peer = await connect([[SettingId.HEADER_TABLE_SIZE, 0]]);
      peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
      await peer.expectResponseComplete(1);
      peer.setHeaderTableSize(4096);
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK');
      for (const id of [3, 5, 7]) {
        peer.send(peer.headers(id, peer.request('/'), { endStream: true }));
        expect((await peer.expectResponseComplete(id)).status).toBe('200');
      }
      expect(peer.decodeError).toBeUndefined();
    });
  });

  describe('§6.5.3 settings synchronization', () => {
    it('"Once all values have been processed, the recipient MUST immediately emit a SETTINGS frame with the ACK flag set": one ACK per SETTINGS frame, in order (h2spec 6.5.3/2)', async () => {
      const peer = await connect();
      peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 70000]]), peer.settings([]), peer.settings([[SettingId.MAX_FRAME_SIZE, 20000]]));
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK 1');
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK 2');
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK 3');
    });

    it('"The values in the SETTINGS frame MUST be processed in the order they appear, with no other frame processing between values": the last of repeated values wins (h2spec 6.5.3/1)', async () => {
      const peer = await RawPeer.connect(server().port, { autoWindow: false });
      peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 100], [SettingId.INITIAL_WINDOW_SIZE, 1]]));
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK');
      peer.send(peer.headers(1, peer.request('/large'), { endStream: true }));
      const data = await peer.expectFrame(isData(1), 'DATA on stream 1');
      expect(data).toMatchObject({ data: expect.objectContaining({ length: 1 }) });
      await peer.expectHealthy();
      expect(peer.framesOn(1).filter(isData(1))).toHaveLength(1);
    });

    it('a SETTINGS ACK that answers no SETTINGS of the server is a connection PROTOCOL_ERROR', async () => {
      const peer = await connect();
      peer.send(peer.settings([], true));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    });
  });

  describe('while the server is busy responding', () => {
    it('an invalid SETTINGS value with responses in flight: connection error, last-stream-id = the highest in flight', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.settings([[SettingId.MAX_FRAME_SIZE, 100]]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 3);
    });

    it('SETTINGS are acknowledged promptly while the server is blocked on flow control, and then applied to the streams in flight', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.settings([[SettingId.MAX_FRAME_SIZE, 32768]]));
      await peer.expectFrame(isSettingsAck, 'SETTINGS ACK');
      await finishBusy(peer, [1]);
    });
  });
});
