/**
 * RFC 7541 Appendix C.2–C.6: decoded headers and the dynamic table (entries
 * and size) after each block.
 */
import { HpackDecoder, HpackEncoder } from '../../../src/protocol/hpack';
import { hex } from './helpers';

type Pairs = Array<[string, string]>;
interface Step {
  wire: string;
  headers: Pairs;
  /** Dynamic table after the block, newest first. */
  table: Pairs;
  size: number;
}

function run(steps: Step[], tableSize = 4096): void {
  const d = new HpackDecoder({ maxTableSize: tableSize });
  for (const step of steps) {
    expect(d.decode(hex(step.wire))).toEqual(step.headers);
    expect(d.tableEntries()).toEqual(step.table);
    expect(d.tableSize).toBe(step.size);
  }
  // Our encoder's choices differ from the RFC's (it does not index `date` or
  // `location` the same way), so check it round-trips the same lists.
  const e = new HpackEncoder({ maxTableSize: tableSize });
  const d2 = new HpackDecoder({ maxTableSize: tableSize });
  for (const step of steps) expect(d2.decode(e.encode(step.headers))).toEqual(step.headers);
  expect(d2.tableEntries()).toEqual(e.tableEntries());
}

describe('C.2 header field representations', () => {
  it('C.2.1 literal with indexing', () => {
    run([
      {
        wire: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572',
        headers: [['custom-key', 'custom-header']],
        table: [['custom-key', 'custom-header']],
        size: 55,
      },
    ]);
  });

  it('C.2.2 literal without indexing', () => {
    run([{ wire: '040c 2f73 616d 706c 652f 7061 7468', headers: [[':path', '/sample/path']], table: [], size: 0 }]);
  });

  it('C.2.3 literal never indexed', () => {
    const d = new HpackDecoder();
    const never: string[] = [];
    expect(d.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'), never)).toEqual([['password', 'secret']]);
    expect(never).toEqual(['password']);
    expect(d.tableSize).toBe(0);
  });

  it('C.2.4 indexed field', () => {
    run([{ wire: '82', headers: [[':method', 'GET']], table: [], size: 0 }]);
  });
});

const requests: Array<Omit<Step, 'wire'>> = [
  {
    headers: [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ],
    table: [[':authority', 'www.example.com']],
    size: 57,
  },
  {
    headers: [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ],
    table: [
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    size: 110,
  },
  {
    headers: [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ],
    table: [
      ['custom-key', 'custom-value'],
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    size: 164,
  },
];

it('C.3 requests without Huffman coding', () => {
  const wires = [
    '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    '8286 84be 5808 6e6f 2d63 6163 6865',
    '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
  ];
  run(requests.map((r, i) => ({ ...r, wire: wires[i] })));
});

it('C.4 requests with Huffman coding', () => {
  const wires = [
    '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
    '8286 84be 5886 a8eb 1064 9cbf',
    '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
  ];
  run(requests.map((r, i) => ({ ...r, wire: wires[i] })));
});

const date1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const date2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const loc = 'https://www.example.com';
const cookie = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const responses: Array<Omit<Step, 'wire'>> = [
  {
    headers: [
      [':status', '302'],
      ['cache-control', 'private'],
      ['date', date1],
      ['location', loc],
    ],
    table: [
      ['location', loc],
      ['date', date1],
      ['cache-control', 'private'],
      [':status', '302'],
    ],
    size: 222,
  },
  {
    // ':status: 302' is evicted to make room for ':status: 307'.
    headers: [
      [':status', '307'],
      ['cache-control', 'private'],
      ['date', date1],
      ['location', loc],
    ],
    table: [
      [':status', '307'],
      ['location', loc],
      ['date', date1],
      ['cache-control', 'private'],
    ],
    size: 222,
  },
  {
    // Several evictions, down to three entries.
    headers: [
      [':status', '200'],
      ['cache-control', 'private'],
      ['date', date2],
      ['location', loc],
      ['content-encoding', 'gzip'],
      ['set-cookie', cookie],
    ],
    table: [
      ['set-cookie', cookie],
      ['content-encoding', 'gzip'],
      ['date', date2],
    ],
    size: 215,
  },
];

it('C.5 responses without Huffman coding, 256-octet table with evictions', () => {
  const wires = [
    '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    '4803 3330 37c1 c0bf',
    '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
  ];
  run(
    responses.map((r, i) => ({ ...r, wire: wires[i] })),
    256,
  );
});

it('C.6 responses with Huffman coding, 256-octet table with evictions', () => {
  const wires = [
    '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
    '4883 640e ffc1 c0bf',
    '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
  ];
  run(
    responses.map((r, i) => ({ ...r, wire: wires[i] })),
    256,
  );
});
