/**
 * HPACK (RFC 7541): header compression for HTTP/2.
 *
 * - {@link HpackDecoder}: decodes header blocks, enforcing header list limits
 *   while decoding.
 * - {@link HpackEncoder}: encodes header lists, never indexing sensitive fields.
 * - the primitives, tables and Huffman code they are built from, for tests
 *   and tools.
 * @packageDocumentation
 */
export { HpackDecoder, DEFAULT_MAX_HEADER_LIST_PAIRS, DEFAULT_MAX_HEADER_LIST_SIZE } from './decoder';
export type { HpackDecoderOptions } from './decoder';
export { HpackEncoder, DEFAULT_MAX_DEFLATE_TABLE_SIZE } from './encoder';
export type { HpackEncoderOptions } from './encoder';
export { HeaderBlockError } from './errors';
export type { HeaderBlockRejection } from './errors';
export { DynamicTable, ENTRY_OVERHEAD, DEFAULT_TABLE_SIZE } from './dynamic-table';
export { STATIC_TABLE, STATIC_TABLE_LENGTH } from './static-table';
export { HpackReader, HpackWriter, MAX_HPACK_INTEGER } from './primitives';
export {
  HUFFMAN_CODES,
  HUFFMAN_CODE_LENGTHS,
  HUFFMAN_EOS,
  huffmanDecode,
  huffmanDecodedLength,
  huffmanEncode,
  huffmanEncodedLength,
  huffmanMaxDecodedLength,
} from './huffman';
