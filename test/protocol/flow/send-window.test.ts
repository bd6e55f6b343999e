import { ErrorCode } from '../../../src/protocol/error-code';
import { MAX_WINDOW_SIZE } from '../../../src/protocol/frames/frame-type';
import { type GlitchCounter, SendWindow } from '../../../src/protocol/flow';

describe('send window (RFC 9113 §6.9)', () => {
  test('consume and increase', () => {
    const w = new SendWindow(1, 65535);
    w.consume(65535);
    expect(w.available).toBe(0);
    expect(w.increase(100)).toBeUndefined();
    expect(w.available).toBe(100);
    expect(() => w.consume(101)).toThrow(RangeError);
    expect(() => w.consume(-1)).toThrow(RangeError);
  });

  test('§6.9.2: negative after a SETTINGS_INITIAL_WINDOW_SIZE decrease, and recovery', () => {
    const w = new SendWindow(3, 65535);
    w.consume(60000); // 5535 left
    expect(w.applyInitialWindowDelta(16384 - 65535)).toBeUndefined();
    expect(w.available).toBe(5535 - 49151); // -43616
    expect(() => w.consume(1)).toThrow(RangeError); // nothing may be sent while ≤ 0
    expect(w.increase(43616)).toBeUndefined();
    expect(w.available).toBe(0);
    expect(w.increase(1000)).toBeUndefined();
    expect(w.available).toBe(1000);
    // and back up by an increase of the setting
    expect(w.applyInitialWindowDelta(49151)).toBeUndefined();
    expect(w.available).toBe(50151);
  });

  test('§6.9.1: overflow at exactly 2^31-1 + 1 → FLOW_CONTROL_ERROR at stream scope, counted as glitch', () => {
    const glitches: GlitchCounter = { glitches: 0 };
    const w = new SendWindow(5, 65535, glitches);
    expect(w.increase(MAX_WINDOW_SIZE - 65535)).toBeUndefined();
    expect(w.available).toBe(MAX_WINDOW_SIZE);
    const err = w.increase(1)!;
    expect(err.code).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    expect(err.scope).toBe('stream');
    expect(err.streamId).toBe(5);
    expect(w.available).toBe(MAX_WINDOW_SIZE); // unchanged
    expect(glitches.glitches).toBe(1);
  });

  test('§6.9.1: overflow of the connection window → connection FLOW_CONTROL_ERROR', () => {
    const w = new SendWindow(0, 65535);
    expect(w.increase(MAX_WINDOW_SIZE - 65535 + 1)).toMatchObject({
      code: ErrorCode.FLOW_CONTROL_ERROR,
      scope: 'connection',
    });
  });

  test('§6.9: zero increment → PROTOCOL_ERROR, stream or connection scope; a glitch (SECURITY #17)', () => {
    const glitches: GlitchCounter = { glitches: 0 };
    expect(new SendWindow(7, 10, glitches).increase(0)).toMatchObject({
      code: ErrorCode.PROTOCOL_ERROR,
      scope: 'stream',
      streamId: 7,
    });
    expect(new SendWindow(0, 10, glitches).increase(0)).toMatchObject({ code: ErrorCode.PROTOCOL_ERROR, scope: 'connection' });
    expect(glitches.glitches).toBe(2);
  });

  test('§6.9.2: a setting change overflowing a stream window → connection FLOW_CONTROL_ERROR', () => {
    const w = new SendWindow(1, 65535);
    w.increase(MAX_WINDOW_SIZE - 65535 - 10);
    const err = w.applyInitialWindowDelta(11)!;
    expect(err).toMatchObject({ code: ErrorCode.FLOW_CONTROL_ERROR, scope: 'connection' });
    expect(w.applyInitialWindowDelta(10)).toBeUndefined();
    expect(w.available).toBe(MAX_WINDOW_SIZE);
  });

  test('§6.9.2: the connection window ignores SETTINGS_INITIAL_WINDOW_SIZE', () => {
    const w = new SendWindow(0, 65535);
    expect(w.applyInitialWindowDelta(-65535)).toBeUndefined();
    expect(w.available).toBe(65535);
  });
});
