/**
 * RFC 7541 HPACK, as the server decodes it (h2spec hpack/* and generic/5):
 * every representation is understood, and every decoding error is a
 * connection error of type COMPRESSION_ERROR (RFC 9113 §4.3). Blocks are
 * built by hand, octet by octet.
 */
import { huffmanEncode, huffmanEncodedLength } from '../../src/protocol/hpack';
import { ErrorCode, indexedLiteral, literal, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

/** A Huffman-coded string literal (RFC 7541 §5.2), short strings only. */
function huffman(s: string): number[] {
  const out = new Uint8Array(huffmanEncodedLength(s));
  huffmanEncode(s, out, 0);
  return [0x80 | out.length, ...out];
}

describeTargets('RFC 7541 HPACK', (server) => {
  const connect = () => RawPeer.connect(server().port);
  /** GET / with :method, :scheme, :path indexed (static) and `authority` as given. */
  const get = (authority: number[], ...extra: number[][]): number[] => [0x82, 0x86, 0x84, ...authority, ...extra.flat()];
  const lit = (prefix: number, value: string): number[] => [prefix, value.length, ...Buffer.from(value)];
  const ok = async (peer: RawPeer, id: number, block: number[]): Promise<void> => {
    peer.send(peer.rawHeaders(id, block, { endStream: true }));
    expect((await peer.expectResponseComplete(id)).body.toString()).toBe(SMALL_BODY);
  };
  const bad = async (block: number[], before?: (peer: RawPeer) => Promise<void>): Promise<void> => {
    const peer = await connect();
    // With `before`, stream 1 is served first: the GOAWAY must name it.
    if (before !== undefined) await before(peer);
    peer.send(peer.rawHeaders(before === undefined ? 1 : 3, block, { endStream: true }));
    await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, before === undefined ? 0 : 1);
  };

  describe('representations (generic 5)', () => {
    it('§6.1 indexed header field: static entries (generic 5.1)', async () => {
      const peer = await connect();
      await ok(peer, 1, get(lit(0x01, peer.authority)));
    });

    it('§6.2.1 literal with incremental indexing, indexed name — and the new entry is usable (generic 5.2)', async () => {
      const peer = await connect();
      await ok(peer, 1, get(lit(0x41, peer.authority)));
      await ok(peer, 3, get([0xbe]));
    });

    it('§6.2.1 literal with incremental indexing, new name — and the new entry is usable (generic 5.3)', async () => {
      const peer = await connect();
      await ok(peer, 1, get(lit(0x01, peer.authority), indexedLiteral('x-new', 'entry')));
      await ok(peer, 3, get(lit(0x01, peer.authority), [0xbe]));
    });

    it('§6.2.2 literal without indexing, indexed name and new name (generic 5.4, 5.5)', async () => {
      const peer = await connect();
      await ok(peer, 1, get(lit(0x01, peer.authority), literal('x-plain', 'value')));
      // Nothing was inserted: index 62 does not exist.
      peer.send(peer.rawHeaders(3, get(lit(0x01, peer.authority), [0xbe]), { endStream: true }));
      await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 1);
    });

    it('§6.2.3 literal never indexed, indexed name and new name (generic 5.6, 5.7)', async () => {
      const peer = await connect();
      const [, ...rest] = literal('x-secret', 'value');
      await ok(peer, 1, get(lit(0x11, peer.authority), [0x10, ...rest]));
    });

    it('§6.3 dynamic table size update at the start of a block; two in a row (smallest first) are allowed (generic 5.8, §4.2)', async () => {
      const peer = await connect();
      await ok(peer, 1, [0x20, 0x3f, 0xe1, 0x1f, ...get(lit(0x01, peer.authority))]);
      await ok(peer, 3, [0x3f, 0xe1, 0x0f, ...get(lit(0x41, peer.authority))]);
      await ok(peer, 5, get([0xbe]));
    });

    it('§5.2 Huffman-coded string literals (generic 5.9)', async () => {
      const peer = await connect();
      await ok(peer, 1, get([0x01, ...huffman(peer.authority)], [0x40, ...huffman('x-huff'), ...huffman('man')]));
      await ok(peer, 3, get([0x01, ...huffman(peer.authority)], [0xbe]));
    });

    it('§4.4 entry eviction: when the table is full the oldest entries go; the newest stay addressable', async () => {
      const peer = await connect();
      // 40 entries of 5 + 100 + 32 = 137 octets into a 4096-octet table: the 29 newest stay (indices 62..90).
      const entries = Array.from({ length: 40 }, (_, i) => indexedLiteral(`x-k${String(i).padStart(2, '0')}`, 'v'.repeat(100)));
      await ok(peer, 1, get(lit(0x01, peer.authority), ...entries));
      await ok(peer, 3, get(lit(0x01, peer.authority), [0x80 | 90]));
      peer.send(peer.rawHeaders(5, get(lit(0x01, peer.authority), [0x80 | 91]), { endStream: true }));
      await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 3);
    });
  });

  describe('decoding errors: connection error COMPRESSION_ERROR', () => {
    it('"Indices strictly greater than the sum of the lengths of both tables MUST be treated as a decoding error": an indexed field (h2spec hpack/2.3/1, 2.3.3/1)', async () => {
      const peer = await connect();
      await bad(get(lit(0x01, peer.authority), [0x80 | 70]));
    });

    it('"… MUST be treated as a decoding error": the indexed name of a literal (h2spec hpack/2.3.3/2)', () => bad([0x82, 0x86, 0x84, 0x7f, 0x07, 0x01, 0x61]));

    it('"The index value of 0 is not used. It MUST be treated as a decoding error if found in an indexed header field representation" (h2spec hpack/6.1/1)', () => bad([0x82, 0x80]));

    it('"The new maximum size MUST be lower than or equal to the limit determined by the protocol using HPACK … A value that exceeds this limit MUST be treated as a decoding error": 4097 (h2spec hpack/4.2/1)', () => bad([0x3f, 0xe2, 0x1f, 0x82, 0x86, 0x84]));

    it('"… exceeds this limit MUST be treated as a decoding error": 2^20 (h2spec hpack/6.3/1)', () => bad([0x3f, 0xe1, 0xff, 0x3f, 0x82, 0x86, 0x84]));

    it('"This dynamic table size update MUST occur at the beginning of the first header block following the change": an update after a field is a decoding error (§4.2)', () => bad([0x82, 0x20, 0x86, 0x84]));

    it('"A padding strictly longer than 7 bits MUST be treated as a decoding error" (h2spec hpack/5.2/1)', () => bad([0x82, 0x86, 0x84, 0x00, 0x03, 0x78, 0x2d, 0x61, 0x82, 0x1f, 0xff]));

    it('"A padding not corresponding to the most significant bits of the code for the EOS symbol MUST be treated as a decoding error" (h2spec hpack/5.2/2)', () => bad([0x82, 0x86, 0x84, 0x00, 0x03, 0x78, 0x2d, 0x61, 0x81, 0x18]));

    it('"A Huffman-encoded string literal containing the EOS symbol MUST be treated as a decoding error" (h2spec hpack/5.2/3)', () => bad([0x82, 0x86, 0x84, 0x00, 0x03, 0x78, 0x2d, 0x61, 0x84, 0xff, 0xff, 0xff, 0xff]));

    it('a string literal longer than the rest of the block', () => bad([0x82, 0x86, 0x84, 0x00, 0x03, 0x78, 0x2d, 0x61, 0x10, 0x61]));

    it('an integer that overflows (RFC 7541 §5.1: "Integer encodings that exceed implementation limits … MUST be treated as decoding errors")', () =>
      bad([0x82, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));

    it('a block that ends in the middle of a representation', () => bad([0x82, 0x86, 0x84, 0x41]));

    it('"… the new maximum size … causes entries to be evicted": after an update to 0, an index into the emptied table is a decoding error (§4.3)', async () => {
      const peer = await connect();
      await ok(peer, 1, get(lit(0x01, peer.authority), indexedLiteral('x-first', '1')));
      peer.send(peer.rawHeaders(3, [0x20, 0x3f, 0xe1, 0x1f, ...get(lit(0x01, peer.authority), [0xbe])], { endStream: true }));
      await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 1);
    });

    it('a decoding error after requests were served names the last of them in the GOAWAY', () =>
      bad([0x82, 0x80], async (peer) => {
        await ok(peer, 1, get(lit(0x01, peer.authority)));
      }));
  });

  describe('while the server is busy responding', () => {
    it('a bad Huffman string in a new request with responses in flight: connection COMPRESSION_ERROR naming the highest stream', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.rawHeaders(5, [0x82, 0x86, 0x84, 0x00, 0x03, 0x78, 0x2d, 0x61, 0x84, 0xff, 0xff, 0xff, 0xff], { endStream: true }));
      await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 3);
    });

    it('a trailer block with dynamic-table insertions on a stream in flight is decoded; the table serves the next request; responses complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      // GET /large without END_STREAM: a request whose trailers come later.
      peer.send(peer.rawHeaders(1, [0x82, 0x86, 0x01, peer.authority.length, ...Buffer.from(peer.authority), 0x04, 0x06, ...Buffer.from('/large')]));
      await peer.expectResponse(1);
      peer.send(peer.rawHeaders(1, indexedLiteral('x-trailer', 'kept'), { endStream: true }));
      await peer.expectHealthyNoReset();
      await ok(peer, 3, get(lit(0x01, peer.authority), [0xbe]));
      await finishBusy(peer, [1]);
    });
  });
});
