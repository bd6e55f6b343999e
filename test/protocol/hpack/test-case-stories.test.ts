/**
 * hpack-test-case (http2jp): every implementation's wire encoding of every
 * story, decoded in order with one decoder context per story, honouring
 * `header_table_size` (a SETTINGS_HEADER_TABLE_SIZE acknowledged just before
 * the case; `null` or absent = unchanged).
 */
import { HpackDecoder } from '../../../src/protocol/hpack';
import { hex, implementations, loadStories, pairs } from './helpers';

const impls = implementations();

it('finds the corpus', () => {
  expect(impls).toEqual(
    expect.arrayContaining([
      'go-hpack',
      'haskell-http2-linear-huffman',
      'nghttp2',
      'nghttp2-16384-4096',
      'nghttp2-change-table-size',
      'python-hpack',
      'swift-nio-hpack-plain-text',
    ]),
  );
});

describe.each(impls)('%s', (impl) => {
  it('decodes every story', () => {
    const stories = loadStories(impl);
    expect(stories.length).toBeGreaterThan(0);
    let blocks = 0;
    for (const story of stories) {
      // The corpus has no limits in mind (some blocks are large).
      const d = new HpackDecoder({ maxHeaderListSize: Infinity, maxHeaderListPairs: Infinity });
      for (const c of story.cases) {
        if (c.header_table_size != null) d.setMaxTableSize(c.header_table_size);
        const got = d.decode(hex(c.wire!));
        // Compare without a per-case expect() (20 000+ cases): report the first mismatch.
        const want = pairs(c);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          expect({ story: story.file, seqno: c.seqno, got }).toEqual({ story: story.file, seqno: c.seqno, got: want });
        }
        if (d.tableSize > d.maxTableSize) expect(d.tableSize).toBeLessThanOrEqual(d.maxTableSize);
        blocks++;
      }
    }
    expect(blocks).toBeGreaterThan(0);
  });
});
