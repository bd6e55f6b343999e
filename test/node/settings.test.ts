import * as http2 from 'node:http2';
import * as vm from 'node:vm';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import {
  assertIsArray,
  assertIsObject,
  getDefaultSettings,
  getPackedSettings,
  getUnpackedSettings,
  invalidSettingsEntry,
  MAX_ADDITIONAL_SETTINGS,
  settingsFromEntries,
  settingsToEntries,
  validateRemoteCustomSettings,
  validateSettings,
  type Settings,
  type SettingsEntry,
} from '../../src/node/settings';
import { errorShape, internalOutcomes, outcome as outcomeWithStack, type Outcome } from './outcome';

/** Outcomes compared with Node's in-process errors: without the stack header (see outcome.ts). */
const outcome = (fn: () => unknown): Outcome => outcomeWithStack(fn, false);

/*
 * Differential tests: the same input to Node 20's node:http2 and to ours must
 * give the same bytes / object (key order and prototype included) / error
 * (class, code, message, own properties) / process warnings. The spec (v23.5)
 * differences are tested on their own at the end.
 */

// Node's internals warn on the real `process`, ours on jest's copy: watch both.
const realProcess = vm.runInThisContext('process') as NodeJS.Process;
let nodeWarnings: unknown[] = [];
let ourWarnings: unknown[] = [];
beforeEach(() => {
  nodeWarnings = [];
  ourWarnings = [];
  jest.spyOn(realProcess, 'emitWarning').mockImplementation((w) => { nodeWarnings.push(w); });
  jest.spyOn(process, 'emitWarning').mockImplementation((w) => { ourWarnings.push(w); });
});
afterEach(() => jest.restoreAllMocks());

/** Packs with both and expects the same outcome and warnings; returns ours. */
function packBoth(settings: unknown): Outcome {
  nodeWarnings = [];
  ourWarnings = [];
  const node = outcome(() => http2.getPackedSettings(settings as http2.Settings));
  const ours = outcome(() => getPackedSettings(settings as Settings));
  expect(ours).toEqual(node);
  expect(ourWarnings).toEqual(nodeWarnings);
  return ours;
}

function unpackBoth(buf: unknown, options?: unknown): Outcome {
  const unpack = http2.getUnpackedSettings as (b: unknown, o?: unknown) => http2.Settings;
  const node = outcome(() => unpack(buf, options));
  const ours = outcome(() => (getUnpackedSettings as (b: unknown, o?: unknown) => Settings)(buf, options));
  expect(ours).toEqual(node);
  return ours;
}

const hex = (o: Outcome): string | undefined =>
  !o.threw && o.value !== undefined ? (o.value as { buffer: string }).buffer : undefined;

const tenCustom = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i + 10, i + 1]));
const elevenCustom = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [i + 10, i + 1]));

describe('getDefaultSettings', () => {
  test('deep-equals Node 20, null prototype and key order included', () => {
    expect(outcome(getDefaultSettings)).toEqual(outcome(http2.getDefaultSettings));
  });

  test('returns a new object each time', () => {
    const a = getDefaultSettings();
    a.headerTableSize = 1;
    expect(getDefaultSettings().headerTableSize).toBe(4096);
  });

  test('agrees with the spec\'s documented defaults', () => {
    expect({ ...getDefaultSettings() }).toEqual({
      headerTableSize: 4096,
      enablePush: true,
      initialWindowSize: 65535,
      maxFrameSize: 16384,
      maxConcurrentStreams: 4294967295,
      maxHeaderListSize: 65535,
      maxHeaderSize: 65535,
      enableConnectProtocol: false,
    });
  });
});

describe('getPackedSettings: valid input, byte for byte', () => {
  test('the spec example', () => {
    expect(getPackedSettings({ enablePush: false }).toString('base64')).toBe('AAIAAAAA');
  });

  const all = {
    headerTableSize: 1, enablePush: true, initialWindowSize: 3, maxFrameSize: 16385,
    maxConcurrentStreams: 5, maxHeaderListSize: 6, enableConnectProtocol: true,
  };
  const proto = Object.create({ headerTableSize: 5, customSettings: { 10: 1 } }) as object;

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['empty', {}],
    ['every setting', all],
    ['every setting, reverse key order', Object.fromEntries(Object.entries(all).reverse())],
    ['false booleans', { enablePush: false, enableConnectProtocol: false }],
    ['lower bounds', { headerTableSize: 0, initialWindowSize: 0, maxFrameSize: 16384, maxConcurrentStreams: 0, maxHeaderListSize: 0 }],
    ['upper bounds', {
      headerTableSize: 2 ** 32 - 1, initialWindowSize: 2 ** 31 - 1, maxFrameSize: 2 ** 24 - 1,
      maxConcurrentStreams: 2 ** 32 - 1, maxHeaderListSize: 2 ** 32 - 1,
    }],
    ['maxHeaderSize alone (warns)', { maxHeaderSize: 7 }],
    ['maxHeaderSize equal to maxHeaderListSize', { maxHeaderSize: 7, maxHeaderListSize: 7 }],
    ['maxHeaderSize wins (warns)', { maxHeaderSize: 7, maxHeaderListSize: 8 }],
    ['maxHeaderSize undefined', { maxHeaderSize: undefined, maxHeaderListSize: 8 }],
    ['maxHeaderSize with NaN maxHeaderListSize', { maxHeaderSize: 5, maxHeaderListSize: NaN }],
    ['both NaN (warns)', { maxHeaderSize: NaN, maxHeaderListSize: NaN }],
    ['fractions are truncated', { headerTableSize: 1.7, initialWindowSize: 2 ** 31 - 1.5, maxFrameSize: 16384.9 }],
    ['NaN passes and packs as 0', { headerTableSize: NaN, initialWindowSize: NaN, maxConcurrentStreams: NaN }],
    ['-0', { headerTableSize: -0 }],
    ['maxFrameSize NaN: nghttp2 refuses, undefined', { maxFrameSize: NaN }],
    ['unknown properties are ignored', { foo: 1, headerTableSize: 3 }],
    ['inherited settings are validated but not packed', proto],
    ['class instance', new (class { headerTableSize = 9; })()],
    ['a Date', new Date(0)],
    ['custom settings, in for…in order', { customSettings: { 100: 1, 10: 2, 65535: 3 } }],
    ['custom settings after the standard ones', { customSettings: { 10: 2 }, headerTableSize: 1 }],
    ['custom max value', { customSettings: { 10: 2 ** 32 - 1 } }],
    ['ten custom settings', { customSettings: tenCustom }],
    ['custom id 7', { customSettings: { 7: 1 } }],
    ['custom id 8 stays a custom entry', { customSettings: { 8: 1 }, enableConnectProtocol: false }],
    ['custom 8 refused by nghttp2', { customSettings: { 8: 2 } }],
    ['custom 9 (NO_RFC7540_PRIORITIES) 1', { customSettings: { 9: 1 } }],
    ['custom 9 refused by nghttp2', { customSettings: { 9: 2 } }],
    ['custom ids given as strings', { customSettings: { '0x10': 2, ' 11 ': 3, '12.5': 1 } }],
    ['custom id that truncates to 0', { customSettings: { '0.5': 1 } }],
    ['custom id NaN passes with a non-number value', { customSettings: { abc: '1' } }],
    ['duplicate ids after Number()', { customSettings: { 9: 1, '9.0': 1 } }],
    ['custom fraction value', { customSettings: { 10: 1.5, 11: 0.5 } }],
    ['non-number custom values are skipped', { customSettings: { 10: '5', 11: 'x', 12: true, 13: null, 14: 5n } }],
    ['inherited custom keys are packed', { customSettings: Object.create({ 10: 1 }) as object }],
    ['symbol custom keys are ignored', { customSettings: { [Symbol('x')]: 1 } }],
    ['custom settings as a Map, a Date, a Number object', { customSettings: new Map([[10, 1]]) }],
    ['custom settings Date', { customSettings: new Date(0) }],
    ['custom settings Number object', { customSettings: Object(5) as object }],
  ])('%s', (_label, settings) => {
    const result = packBoth(settings);
    expect(result.threw).toBe(false);
  });

  test('maxHeaderSize overriding maxHeaderListSize warns like Node', () => {
    packBoth({ maxHeaderSize: 7, maxHeaderListSize: 8 });
    expect(nodeWarnings).toEqual(['settings.maxHeaderSize overwrite settings.maxHeaderListSize']);
    expect(ourWarnings).toEqual(nodeWarnings);
  });

  test('a getter is read as often as Node reads it', () => {
    let nodeReads = 0;
    let ourReads = 0;
    http2.getPackedSettings({ get customSettings() { nodeReads++; return { 10: 1 }; } });
    getPackedSettings({ get customSettings() { ourReads++; return { 10: 1 }; } });
    expect(ourReads).toBe(nodeReads);
  });
});

describe('getPackedSettings: invalid input, same error', () => {
  const bad = [-1, 2 ** 32, 2 ** 40, 1.5e300, Infinity, -Infinity, '5', 'x', null, true, false, 5n, {}, [], () => 1];
  const names = ['headerTableSize', 'initialWindowSize', 'maxFrameSize', 'maxConcurrentStreams', 'maxHeaderListSize', 'maxHeaderSize'];

  test.each(names.flatMap((name) => bad.map((value) => [name, value] as const)))('%s: %p', (name, value) => {
    expect(packBoth({ [name]: value }).threw).toBe(true);
  });

  test.each<[string, unknown]>([
    ['initialWindowSize 2^31', { initialWindowSize: 2 ** 31 }],
    ['maxFrameSize 16383', { maxFrameSize: 16383 }],
    ['maxFrameSize 2^24', { maxFrameSize: 2 ** 24 }],
    ['maxFrameSize 0', { maxFrameSize: 0 }],
    ['symbol value (message itself throws)', { headerTableSize: Symbol('x') }],
    ['long string', { headerTableSize: 'a'.repeat(200) }],
    ['enablePush 1', { enablePush: 1 }],
    ['enablePush null', { enablePush: null }],
    ['enablePush "true"', { enablePush: 'true' }],
    ['enableConnectProtocol 0', { enableConnectProtocol: 0 }],
    ['enableConnectProtocol "x"', { enableConnectProtocol: 'x' }],
    ['settings null', null],
    ['settings number', 5],
    ['settings string', 'x'],
    ['settings boolean', true],
    ['settings array', []],
    ['settings function', () => 1],
    ['settings symbol', Symbol('s')],
    ['customSettings null', { customSettings: null }],
    ['customSettings array', { customSettings: [] }],
    ['customSettings number', { customSettings: 5 }],
    ['customSettings string', { customSettings: 'x' }],
    ['customSettings function', { customSettings: () => 1 }],
    ['eleven custom settings', { customSettings: elevenCustom }],
    ['eleven invalid custom settings: the count is checked first', {
      customSettings: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [i + 10, -1])),
    }],
    ['eleven only with inherited keys: caught while packing', {
      customSettings: Object.assign(Object.create({ 99: 1 }) as object, tenCustom),
    }],
    ['custom id 0', { customSettings: { 0: 1 } }],
    ['custom id ""', { customSettings: { '': 1 } }],
    ['custom id negative', { customSettings: { '-1': 1 } }],
    ['custom id 65536', { customSettings: { 65536: 1 } }],
    ['custom id NaN', { customSettings: { abc: 1 } }],
    ['custom value NaN', { customSettings: { 10: NaN } }],
    ['custom value negative', { customSettings: { 10: -1 } }],
    ['custom value -0.5', { customSettings: { 10: -0.5 } }],
    ['custom value Infinity', { customSettings: { 10: Infinity } }],
    ['custom value 2^32', { customSettings: { 10: 2 ** 32 } }],
    ['custom value bad string', { customSettings: { 10: '-5' } }],
    ['custom value symbol', { customSettings: { 10: Symbol('x') } }],
    ['order: custom before headerTableSize', { headerTableSize: -1, customSettings: { 10: -1 } }],
    ['order: headerTableSize before initialWindowSize', { initialWindowSize: -1, headerTableSize: -1 }],
    ['order: ranges before enablePush', { enablePush: 1, maxHeaderSize: -1 }],
    ['order: maxHeaderListSize before maxHeaderSize', { maxHeaderSize: -2, maxHeaderListSize: -1 }],
    ['order: enablePush before enableConnectProtocol', { enableConnectProtocol: 1, enablePush: 1 }],
    ['order: settings type before anything', null],
  ])('%s', (_label, settings) => {
    expect(packBoth(settings).threw).toBe(true);
  });
});

/** Keys and values where ours and Node 20 agree: custom ids above 6, values above 0 (see the spec tests). */
const customKey = fc.oneof(
  fc.integer({ min: 7, max: 0xffff }).map(String),
  fc.constantFrom('0x20', ' 30', '1e2', '12.5', '0.5', 'abc', '-1', '70000', ''),
);
const customValue = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  fc.constantFrom(0.5, 1.5, NaN, Infinity, -1, 2 ** 32, '5', null, true),
);
const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 2 ** 32 + 5 }),
  fc.double(),
  fc.constantFrom(NaN, -0, Infinity, null, undefined, true, false, '5', 'x', 3n, [], {}),
);
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

/** Valid settings objects, in any key order. */
const validSettings: fc.Arbitrary<Settings> = fc.record(
  {
    headerTableSize: fc.oneof(u32, fc.double({ min: 0, max: 2 ** 32 - 1, noNaN: true })),
    enablePush: fc.boolean(),
    initialWindowSize: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    maxFrameSize: fc.integer({ min: 2 ** 14, max: 2 ** 24 - 1 }),
    maxConcurrentStreams: u32,
    maxHeaderListSize: u32,
    maxHeaderSize: u32,
    enableConnectProtocol: fc.boolean(),
    customSettings: fc.dictionary(
      fc.integer({ min: 7, max: 0xffff }).filter((id) => id !== 8 && id !== 9).map(String),
      fc.integer({ min: 1, max: 2 ** 32 - 1 }),
      { maxKeys: MAX_ADDITIONAL_SETTINGS },
    ),
  },
  { requiredKeys: [] },
);

describe('getPackedSettings: properties', () => {
  test('valid settings objects pack to Node\'s bytes', () => {
    fc.assert(fc.property(validSettings, (settings) => {
      const result = packBoth(settings);
      expect(hex(result)).toBeDefined();
    }), { numRuns: 500 });
  });

  test('any settings object: same bytes or same error', () => {
    const arbitrarySettings = fc.record(
      {
        headerTableSize: anyValue,
        enablePush: fc.oneof(fc.boolean(), anyValue),
        initialWindowSize: anyValue,
        maxFrameSize: fc.oneof(fc.integer({ min: 2 ** 14 - 2, max: 2 ** 24 + 2 }), anyValue),
        maxConcurrentStreams: anyValue,
        maxHeaderListSize: anyValue,
        maxHeaderSize: anyValue,
        enableConnectProtocol: fc.oneof(fc.boolean(), anyValue),
        customSettings: fc.oneof(
          fc.dictionary(customKey, customValue, { maxKeys: 12 }),
          fc.constantFrom(null, 5, [], 'x'),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(arbitrarySettings, (settings) => {
      packBoth(settings);
    }), { numRuns: 1000 });
  });

  test('settingsToEntries gives the entries Node packs', () => {
    fc.assert(fc.property(validSettings, (settings) => {
      const packed = http2.getPackedSettings(settings as http2.Settings);
      const fromNode: SettingsEntry[] = [];
      for (let i = 0; i < packed.length; i += 6) fromNode.push([packed.readUInt16BE(i), packed.readUInt32BE(i + 2)]);
      validateSettings(settings);
      expect(settingsToEntries({ ...settings })).toEqual(fromNode);
    }), { numRuns: 200 });
  });
});

describe('getUnpackedSettings', () => {
  const b = (h: string): Buffer => Buffer.from(h.replace(/\s/g, ''), 'hex');

  test.each<[string, unknown]>([
    ['empty', Buffer.alloc(0)],
    ['every setting', b('000100000001 000200000001 000300000005 000400000003 000500004001 000600000006 000800000001')],
    ['reverse order', b('000800000000 000600000006 000100000009')],
    ['custom ids, incl. 0 and 65535', b('000a00000002 000900000003 000000000007 ffffffffffff')],
    ['enablePush 5 is true', b('000200000005')],
    ['enableConnectProtocol 0 is false', b('000800000000')],
    ['a repeated id keeps the last value', b('000100000001 000100000002')],
    ['out-of-range values are kept', b('000500000001 000400ffffffff')],
    ['Uint8Array', new Uint8Array([0, 1, 0, 0, 0, 1])],
    ['Int8Array', new Int8Array([0, 1, -1, 0, 0, 1])],
    ['Uint16Array: reads elements, not bytes', new Uint16Array([1, 2, 3, 4, 5, 6])],
    ['Float64Array', new Float64Array([0, 1.5, 0, 0, 0, 1])],
    ['BigInt64Array (Node\'s arithmetic throws)', new BigInt64Array(6)],
    ['a Buffer slice', b('ffff 000100000009 ffff').subarray(2, 8)],
  ])('valid: %s', (_label, buf) => {
    unpackBoth(buf);
  });

  test.each<[string, unknown]>([
    ['length 5', Buffer.alloc(5)],
    ['length 7', Buffer.alloc(7)],
    ['Uint16Array of 3 elements (6 bytes)', new Uint16Array(3)],
    ['string', 'abc'],
    ['null', null],
    ['undefined', undefined],
    ['array', [0, 1, 0, 0, 0, 1]],
    ['ArrayBuffer', new ArrayBuffer(6)],
    ['DataView', new DataView(new ArrayBuffer(6))],
    ['number', 5],
    ['object', {}],
  ])('invalid: %s', (_label, buf) => {
    expect(unpackBoth(buf).threw).toBe(true);
  });

  test.each<[string, string, unknown]>([
    ['validate: bad maxFrameSize', '000500000001', { validate: true }],
    ['validate: good', '000500004000', { validate: true }],
    ['validate: enablePush is a boolean anyway', '000200000005', { validate: true }],
    ['validate: too many custom settings', Array.from({ length: 11 }, (_, i) => `00${(i + 16).toString(16)}00000001`).join(''), { validate: true }],
    ['validate false', '000500000001', { validate: false }],
    ['options null', '000500000001', null],
  ])('options: %s', (_label, h, options) => {
    unpackBoth(b(h), options);
  });

  test('random payloads unpack like Node\'s', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 0xffff })), u32), { maxLength: 12 }),
      (entries) => {
        const buf = Buffer.alloc(entries.length * 6);
        entries.forEach(([id, value], i) => { buf.writeUInt16BE(id, i * 6); buf.writeUInt32BE(value, i * 6 + 2); });
        unpackBoth(buf);
      },
    ), { numRuns: 500 });
  });

  test('round trip: unpack(pack(s)) is s, up to Node\'s normalisation', () => {
    fc.assert(fc.property(validSettings, (settings) => {
      const back = getUnpackedSettings(getPackedSettings(settings));
      const expected: Settings = {};
      if (settings.headerTableSize !== undefined) expected.headerTableSize = Math.trunc(settings.headerTableSize);
      if (settings.enablePush !== undefined) expected.enablePush = settings.enablePush;
      if (settings.initialWindowSize !== undefined) expected.initialWindowSize = settings.initialWindowSize;
      if (settings.maxFrameSize !== undefined) expected.maxFrameSize = settings.maxFrameSize;
      if (settings.maxConcurrentStreams !== undefined) expected.maxConcurrentStreams = settings.maxConcurrentStreams;
      const mhls = settings.maxHeaderSize ?? settings.maxHeaderListSize;
      if (mhls !== undefined) expected.maxHeaderListSize = expected.maxHeaderSize = mhls;
      if (settings.enableConnectProtocol !== undefined) expected.enableConnectProtocol = settings.enableConnectProtocol;
      if (settings.customSettings && Object.keys(settings.customSettings).length > 0) {
        expected.customSettings = settings.customSettings;
      }
      expect(back).toEqual(expected);
      // …and packing the result again gives the same bytes.
      expect(getPackedSettings(back).equals(getPackedSettings(settings))).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('spec v23.5 over Node 20', () => {
  test('a custom value may be 0 (spec: 0 … 2^32-1); Node 20 throws', () => {
    expect(getPackedSettings({ customSettings: { 10: 0 } }).toString('hex')).toBe('000a00000000');
    expect(getPackedSettings({ customSettings: { 10: -0 } }).toString('hex')).toBe('000a00000000');
    expect(outcome(() => http2.getPackedSettings({ customSettings: { 10: 0 } }))).toMatchObject({
      code: 'ERR_HTTP2_INVALID_SETTING_VALUE',
      message: 'Invalid value for setting "Range Error": 0',
    });
  });

  test('custom keys are wire ids: 1–6 fill the standard slots (Node 20 uses buffer indices)', () => {
    expect(getPackedSettings({ customSettings: { 1: 1 } }).toString('hex')).toBe('000100000001');
    expect(http2.getPackedSettings({ customSettings: { 1: 1 } }).toString('hex')).toBe('000200000001');
    expect(getPackedSettings({ customSettings: { 3: 7, 6: 8 } }).toString('hex')).toBe('000300000007000600000008');
    expect(getPackedSettings({ customSettings: { 4: 7, 10: 1 } }).toString('hex')).toBe('000400000007000a00000001');
    // The named property overrides the custom key.
    expect(getPackedSettings({ customSettings: { 4: 7 }, initialWindowSize: 5 }).toString('hex')).toBe('000400000005');
    // nghttp2's checks still apply: ENABLE_PUSH must be 0 or 1.
    expect(getPackedSettings({ customSettings: { 2: 5 } })).toBeUndefined();
  });
});

describe('settingsToEntries', () => {
  test('where Node 20 would abort the process, throws a RangeError naming the setting', () => {
    expect(() => settingsToEntries({ customSettings: { 9: 2 } })).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP2_INVALID_SETTING_VALUE', message: 'Invalid value for setting "customSettings:value": 2' }),
    );
    const err = outcome(() => settingsToEntries({ maxFrameSize: NaN }));
    expect(err).toMatchObject({ ctor: 'RangeError', message: 'Invalid value for setting "maxFrameSize": 0' });
  });

  test('throws Node\'s packing-stage errors', () => {
    expect(outcome(() => settingsToEntries({ customSettings: { 0: 1 } }))).toEqual(
      outcome(() => http2.getPackedSettings({ customSettings: { 0: 1 } })),
    );
  });

  test('invalidSettingsEntry follows nghttp2_iv_check', () => {
    expect(invalidSettingsEntry([[1, 2 ** 32 - 1], [3, 0], [6, 0], [9, 1], [100, 7]])).toBeUndefined();
    for (const bad of [[2, 2], [8, 2], [9, 2], [4, 2 ** 31], [5, 16383], [5, 2 ** 24]] as const) {
      expect(invalidSettingsEntry([[1, 1], bad])).toEqual(bad);
    }
  });
});

describe('settingsFromEntries', () => {
  test('defaults as Node reports them', () => {
    expect(settingsFromEntries([])).toEqual({
      headerTableSize: 4096,
      enablePush: true,
      initialWindowSize: 65535,
      maxFrameSize: 16384,
      maxConcurrentStreams: 4294967295,
      maxHeaderListSize: 4294967295,
      maxHeaderSize: 4294967295,
      enableConnectProtocol: false,
    });
  });

  test('later entries win; custom ids are filtered by customIds', () => {
    const s = settingsFromEntries([[1, 5], [1, 6], [2, 0], [8, 1], [20, 1], [21, 2]], { customIds: [21, 22] });
    expect(s).toMatchObject({ headerTableSize: 6, enablePush: false, enableConnectProtocol: true, customSettings: { 21: 2 } });
    expect(settingsFromEntries([[20, 1]], { customIds: [] }).customSettings).toBeUndefined();
  });

  test('matches session.remoteSettings and localSettings of a live Node session', async () => {
    const serverSettings: Settings = {
      maxConcurrentStreams: 50, initialWindowSize: 100000, maxHeaderListSize: 1000,
      enableConnectProtocol: true, customSettings: { 20: 7, 21: 8 },
    };
    const clientSettings: Settings = { headerTableSize: 100, enablePush: false, customSettings: { 30: 5, 40: 6 } };
    const server = http2.createServer({ settings: serverSettings as http2.Settings, remoteCustomSettings: [30, 31] });
    const serverRemote = new Promise<http2.Settings>((resolve) => {
      server.on('session', (session) => session.on('remoteSettings', resolve));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      settings: clientSettings as http2.Settings,
      remoteCustomSettings: [20],
    });
    try {
      const [clientRemote, clientLocal, fromServer] = await Promise.all([
        new Promise<http2.Settings>((resolve) => client.once('remoteSettings', resolve)),
        new Promise<http2.Settings>((resolve) => client.once('localSettings', resolve)),
        serverRemote,
      ]);
      expect(outcome(() => settingsFromEntries(settingsToEntries(serverSettings), { customIds: [20] })))
        .toEqual(outcome(() => clientRemote));
      expect(outcome(() => settingsFromEntries(settingsToEntries(clientSettings), { customIds: [30, 31] })))
        .toEqual(outcome(() => fromServer));
      expect(outcome(() => settingsFromEntries(settingsToEntries(clientSettings))))
        .toEqual(outcome(() => clientLocal));
    } finally {
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('argument checks', () => {
  test('validateRemoteCustomSettings throws what Node\'s remoteCustomSettingsToBuffer throws', () => {
    const inputs = ['[70000]', '[-1]', "['x']", '[1.5, NaN]', `[${Array.from({ length: 11 }, (_, i) => i).join(',')}]`, '[0, 65535]'];
    const oracle = internalOutcomes(inputs.map((src) => `remoteCustomSettingsToBuffer(${src})`));
    inputs.forEach((src, i) => {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const ids = new Function(`return ${src}`)() as unknown[];
      const ours = outcomeWithStack(() => validateRemoteCustomSettings(ids));
      if (oracle[i]!.threw) expect(ours).toEqual(oracle[i]);
      else expect(ours).toEqual({ threw: false, value: { proto: 'object', entries: ids.map((id, j) => [String(j), id]) } });
    });
  });

  test('assertIsObject and assertIsArray messages', () => {
    expect(errorShape(catchError(() => assertIsObject(null, 'options')))).toMatchObject({
      message: 'The "options" argument must be of type object. Received null',
    });
    expect(errorShape(catchError(() => assertIsArray({}, 'options.remoteCustomSettings')))).toMatchObject({
      message: 'The "options.remoteCustomSettings" property must be an instance of Array. Received an instance of Object',
    });
    expect(() => assertIsObject(undefined, 'x')).not.toThrow();
    expect(() => assertIsArray(undefined, 'x')).not.toThrow();
  });
});

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}
