/**
 * Back to back basics: connection prefaces (RFC 9113 §3.4), SETTINGS
 * exchange and acknowledgement (§6.5), PING (§6.7), GOAWAY (§6.8), one
 * request and its response.
 */
import { CLIENT_PREFACE } from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';
import { StreamState } from '../../../src/protocol/streams';
import { concat, decodeFrames, ErrorCode, Pair, REQUEST, summary } from './helpers';

describe('prefaces and SETTINGS', () => {
  it('the client writes the preface then SETTINGS; the server writes SETTINGS first', () => {
    const p = new Pair({ settings: [[SettingId.ENABLE_PUSH, 0]] }, { settings: [[SettingId.MAX_CONCURRENT_STREAMS, 100]] });
    const c = concat(p.client.takeOutput()!);
    expect(Buffer.from(c.subarray(0, 24)).equals(Buffer.from(CLIENT_PREFACE))).toBe(true);
    expect(decodeFrames([c], { expectPreface: true }).map(summary)).toEqual(['SETTINGS:[[2,0]]']);
    expect(decodeFrames(p.server.takeOutput()).map(summary)).toEqual(['SETTINGS:[[3,100]]']);
  });

  it('applies and acknowledges both ways; settings take effect on ACK', () => {
    const p = new Pair(
      { settings: [[SettingId.ENABLE_PUSH, 0], [SettingId.INITIAL_WINDOW_SIZE, 1 << 20]] },
      { settings: [[SettingId.MAX_CONCURRENT_STREAMS, 7], [SettingId.HEADER_TABLE_SIZE, 8192]] },
    );
    expect(p.client.pendingSettingsAck).toBe(true);
    expect(p.client.localSettings.enablePush).toBe(1);
    p.pump();
    expect(p.client.pendingSettingsAck).toBe(false);
    expect(p.server.pendingSettingsAck).toBe(false);
    expect(p.client.localSettings.enablePush).toBe(0);
    expect(p.client.localSettings.initialWindowSize).toBe(1 << 20);
    expect(p.server.remoteSettings.initialWindowSize).toBe(1 << 20);
    expect(p.client.remoteSettings.maxConcurrentStreams).toBe(7);
    expect(p.client.remoteSettings.headerTableSize).toBe(8192);
    expect(p.c.remote).toEqual([[[3, 7], [1, 8192]]]);
    expect(p.c.acked).toEqual([[[2, 0], [4, 1 << 20]]]);
    expect(p.s.acked).toEqual([[[3, 7], [1, 8192]]]);
    expect(p.c.errors).toEqual([]);
    expect(p.s.errors).toEqual([]);
  });

  it('later SETTINGS are acknowledged in order', () => {
    const p = new Pair();
    p.pump();
    p.client.settings([[SettingId.MAX_FRAME_SIZE, 32768]]);
    p.client.settings([[SettingId.MAX_FRAME_SIZE, 65536]]);
    expect(p.client.localSettings.maxFrameSize).toBe(16384);
    p.pump();
    expect(p.client.localSettings.maxFrameSize).toBe(65536);
    expect(p.c.acked.slice(1)).toEqual([[[5, 32768]], [[5, 65536]]]);
  });

  it('rejects invalid settings from the user', () => {
    const p = new Pair();
    expect(() => p.client.settings([[SettingId.MAX_FRAME_SIZE, 100]])).toThrow(/MAX_FRAME_SIZE/);
    expect(() => p.client.settings([[SettingId.INITIAL_WINDOW_SIZE, 2 ** 31]])).toThrow();
    expect(() => p.client.settings([[0x10000, 1]])).toThrow();
  });
});

describe('PING', () => {
  it('answers with the same payload and measures the round trip on the input clock', () => {
    const p = new Pair();
    p.pump();
    p.now = 100;
    p.client.tick(100); // commands run at the last clock seen
    expect(p.client.ping(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(true);
    p.move(p.client, p.server);
    p.now = 130;
    p.move(p.server, p.client);
    expect(Array.from(p.s.pings[0]!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(p.c.pingAcks.map((a) => [Array.from(a.payload), a.rtt])).toEqual([[[1, 2, 3, 4, 5, 6, 7, 8], 30]]);
  });

  it('refuses more than maxOutstandingPings', () => {
    const p = new Pair({ limits: { maxOutstandingPings: 2 } });
    expect(p.client.ping()).toBe(true);
    expect(p.client.ping()).toBe(true);
    expect(p.client.ping()).toBe(false);
    p.pump();
    expect(p.c.pingAcks).toHaveLength(2);
    expect(p.client.ping()).toBe(true);
  });
});

describe('one request', () => {
  it('request → response with body and trailers, every byte and event in order', () => {
    const p = new Pair();
    p.s.onHeaders = (e) => {
      if (e.kind !== 'request') return;
      p.server.respond(e.stream, [[':status', '200'], ['content-type', 'text/plain']]);
      p.server.write(e.stream, Buffer.from('hello '));
      p.server.write(e.stream, Buffer.from('world'));
      p.server.trailers(e.stream, [['x-checksum', 'abc']]);
    };
    const s = p.client.request([...REQUEST, ['user-agent', 'test']], { endStream: true });
    expect(s.id).toBe(1);
    expect(s.state).toBe(StreamState.HALF_CLOSED_LOCAL);
    p.pump();
    expect(p.s.headers[0]!.fields).toEqual([...REQUEST, ['user-agent', 'test']]);
    expect(p.s.headers[0]!.endStream).toBe(true);
    expect(p.c.headers.map((h) => [h.kind, h.fields, h.endStream])).toEqual([
      ['response', [[':status', '200'], ['content-type', 'text/plain']], false],
      ['trailers', [['x-checksum', 'abc']], true],
    ]);
    expect(Buffer.concat(p.c.data.map((d) => d.data)).toString()).toBe('hello world');
    expect(p.c.closed.map((e) => [e.stream.id, e.code, e.initiator])).toEqual([[1, 0, 'none']]);
    expect(p.s.closed.map((e) => [e.stream.id, e.code, e.initiator])).toEqual([[1, 0, 'none']]);
    expect(s.state).toBe(StreamState.CLOSED_END_STREAM);
    expect(s.closedBy).toBe('endStream');
    expect(s.headersSent).toBe(true);
  });

  it('POST body upload, response without body', () => {
    const p = new Pair();
    let got = '';
    p.s.onData = (stream, data, end) => {
      got += Buffer.from(data).toString();
      p.server.consumed(stream, data.length);
      if (end) p.server.respond(stream, [[':status', '204']], { endStream: true });
    };
    const s = p.client.request([[':method', 'POST'], [':scheme', 'http'], [':authority', 'a'], [':path', '/x']]);
    p.client.write(s, Buffer.from('abc'));
    p.client.write(s, Buffer.from('def'), true);
    p.pump();
    expect(got).toBe('abcdef');
    expect(p.c.headers.map((h) => [h.kind, h.endStream])).toEqual([['response', true]]);
    expect(p.c.closed).toHaveLength(1);
  });

  it('reports the connection state numbers', () => {
    const p = new Pair();
    p.pump();
    const st = p.client.state;
    expect(st.nextStreamID).toBe(1);
    expect(st.localWindowSize).toBe(65535);
    expect(st.remoteWindowSize).toBe(65535);
    expect(st.outboundQueueSize).toBe(0);
    p.client.request(REQUEST, { endStream: true });
    expect(p.client.state.nextStreamID).toBe(3);
    expect(p.client.state.outboundQueueSize).toBe(1);
  });
});

describe('GOAWAY', () => {
  it('graceful shutdown: existing streams finish, then closed', () => {
    const p = new Pair();
    const s = p.client.request(REQUEST, { endStream: true });
    p.pump();
    p.server.goaway();
    p.pump();
    expect(p.c.goaways).toEqual([{ lastStreamId: 1, code: 0, debug: '', initiator: 'remote' }]);
    expect(p.s.goaways).toEqual([{ lastStreamId: 1, code: 0, debug: '', initiator: 'local' }]);
    expect(p.server.closed).toBe(false);
    expect(() => p.client.request(REQUEST)).toThrow(/GOAWAY/);
    const srv = p.s.headers[0]!.stream;
    p.server.respond(srv, [[':status', '200']], { endStream: true });
    p.pump();
    expect(s.closed).toBe(true);
    expect(p.server.closed).toBe(true);
    expect(p.client.closed).toBe(true);
  });

  it('streams above lastStreamId close as refused and retryable (§6.8, §8.7)', () => {
    const p = new Pair();
    const a = p.client.request(REQUEST, { endStream: true });
    p.pump();
    const b = p.client.request(REQUEST, { endStream: true });
    const c = p.client.request(REQUEST, { endStream: true });
    // The server says goodbye before it sees b and c.
    p.server.goaway(ErrorCode.NO_ERROR);
    p.move(p.server, p.client);
    expect(b.closed && c.closed).toBe(true);
    expect(b.retryable && c.retryable).toBe(true);
    expect(b.rstCode).toBe(ErrorCode.REFUSED_STREAM);
    expect(a.closed).toBe(false);
    expect(a.retryable).toBe(false);
    expect(p.c.closed.map((e) => [e.stream.id, e.code, e.initiator])).toEqual([
      [3, ErrorCode.REFUSED_STREAM, 'remote'],
      [5, ErrorCode.REFUSED_STREAM, 'remote'],
    ]);
    // The server ignores 3 and 5 when they arrive.
    p.pump();
    expect(p.s.headers).toHaveLength(1);
  });
});
