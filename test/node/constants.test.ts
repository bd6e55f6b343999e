import * as http2 from 'node:http2';
import { constants, nameForErrorCode, sensitiveHeaders } from '../../src/node/constants';
import { ErrorCode } from '../../src/protocol/error-code';
import { SettingId } from '../../src/protocol/settings';

/**
 * Keys the spec (v23.5) documents beyond Node 20's `http2.constants`. Its
 * "http2.constants" section lists only the RST_STREAM / GOAWAY error codes,
 * all present in Node 20, so there are none.
 */
const specOnlyKeys: readonly string[] = [];

const nodeConstants = http2.constants as unknown as Record<string, number | string>;
const ourConstants = constants as unknown as Record<string, number | string>;

describe('constants', () => {
  test('no key of Node 20 is missing, with the same value', () => {
    for (const key of Object.keys(nodeConstants)) {
      expect([key, ourConstants[key]]).toEqual([key, nodeConstants[key]]);
    }
  });

  test('no extra key unless the spec documents it', () => {
    const extra = Object.keys(ourConstants).filter((key) => !(key in nodeConstants));
    expect(extra).toEqual(specOnlyKeys);
  });

  test('same key order as Node', () => {
    expect(Object.keys(ourConstants).filter((k) => !specOnlyKeys.includes(k))).toEqual(Object.keys(nodeConstants));
  });

  test('properties are read-only and non-configurable like Node\'s; the object stays extensible', () => {
    for (const key of Object.keys(nodeConstants)) {
      const { writable, configurable, enumerable } = Object.getOwnPropertyDescriptor(ourConstants, key)!;
      expect({ key, writable, configurable, enumerable }).toEqual({
        key,
        ...pick(Object.getOwnPropertyDescriptor(nodeConstants, key)!),
      });
    }
    expect(Object.isExtensible(constants)).toBe(Object.isExtensible(http2.constants));
    expect(() => {
      'use strict';
      (ourConstants as { NGHTTP2_CANCEL: number }).NGHTTP2_CANCEL = 1;
    }).toThrow(TypeError);
  });

  test('the spec\'s error code table (0x00 … 0x0d) agrees with the protocol layer', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      expect([name, ourConstants[`NGHTTP2_${name}`]]).toEqual([name, code]);
      expect(nameForErrorCode[code]).toBe(`NGHTTP2_${name}`);
    }
    expect(nameForErrorCode).toHaveLength(Object.keys(ErrorCode).length);
  });

  test('settings ids agree with the protocol layer', () => {
    for (const [name, id] of Object.entries(SettingId)) {
      expect([name, ourConstants[`NGHTTP2_SETTINGS_${name}`]]).toEqual([name, id]);
    }
  });
});

describe('sensitiveHeaders', () => {
  test('is a local symbol with Node 20\'s description', () => {
    expect(typeof sensitiveHeaders).toBe('symbol');
    expect(sensitiveHeaders.description).toBe(http2.sensitiveHeaders.description);
    expect(Symbol.keyFor(sensitiveHeaders)).toBeUndefined();
    expect(Symbol.keyFor(http2.sensitiveHeaders)).toBeUndefined();
  });
});

function pick(d: PropertyDescriptor): Pick<PropertyDescriptor, 'writable' | 'configurable' | 'enumerable'> {
  return { writable: d.writable, configurable: d.configurable, enumerable: d.enumerable };
}
