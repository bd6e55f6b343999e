import { constants as http2Constants } from 'node:http2';
import fc from 'fast-check';
import { paddingFor, PaddingStrategy } from '../../../src/protocol/frames';

const { NONE, ALIGNED, MAX } = PaddingStrategy;
/** @types/node omits some of these constants. */
const constants = http2Constants as unknown as Record<string, number>;
/** Whole frame size: header + payload + Pad Length octet and padding when padded. */
const total = (payload: number, p: number | undefined) => 9 + payload + (p === undefined ? 0 : p + 1);

describe('paddingFor (Node paddingStrategy)', () => {
  test('constants are Node’s', () => {
    expect(PaddingStrategy.NONE).toBe(constants.PADDING_STRATEGY_NONE);
    expect(PaddingStrategy.ALIGNED).toBe(constants.PADDING_STRATEGY_ALIGNED);
    expect(PaddingStrategy.MAX).toBe(constants.PADDING_STRATEGY_MAX);
    expect(PaddingStrategy.CALLBACK).toBe(constants.PADDING_STRATEGY_CALLBACK);
  });

  test('NONE and unknown strategies never pad', () => {
    expect(paddingFor(NONE, 100, 16384)).toBeUndefined();
    expect(paddingFor(42, 100, 16384)).toBeUndefined();
  });

  test.each([
    [100, 16384, 255],
    [16384 - 256, 16384, 255],
    [16300, 16384, 83],
    [16383, 16384, 0],
    [16384, 16384, undefined],
  ])('MAX, payload %i, max frame %i → %p', (payload, max, expected) => {
    expect(paddingFor(MAX, payload, max)).toBe(expected);
  });

  test.each([
    [0, 16384, 6], // 9 + 0 + 1 + 6 = 16
    [6, 16384, 0], // 9 + 6 + 1 = 16: the Pad Length octet alone aligns it
    [7, 16384, undefined], // 16: already aligned
    [16382, 16384, 0],
    [16380, 16384, 2],
    [16384, 16385, 0], // needs 7, room for 1: pads what fits, not aligned
    [16384, 16384, undefined], // no room even for Pad Length
  ])('ALIGNED, payload %i, max frame %i → %p', (payload, max, expected) => {
    expect(paddingFor(ALIGNED, payload, max)).toBe(expected);
  });

  test('ALIGNED aligns whenever there is room, and never exceeds the max frame size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16384, max: 65536 }), fc.nat(), (max, n) => {
        const payload = n % (max + 1);
        const p = paddingFor(ALIGNED, payload, max);
        expect(payload + (p === undefined ? 0 : p + 1)).toBeLessThanOrEqual(max);
        if (max - payload >= 8) expect(total(payload, p) % 8).toBe(0);
        if (p !== undefined) expect(p).toBeLessThanOrEqual(6);
      }),
    );
  });

  test('MAX never exceeds 255 nor the max frame size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16384, max: 65536 }), fc.nat(), (max, n) => {
        const payload = n % (max + 1);
        const p = paddingFor(MAX, payload, max);
        expect(payload + (p === undefined ? 0 : p + 1)).toBeLessThanOrEqual(max);
        if (p !== undefined) expect(p).toBeLessThanOrEqual(255);
        if (max - payload >= 256) expect(p).toBe(255);
      }),
    );
  });
});
