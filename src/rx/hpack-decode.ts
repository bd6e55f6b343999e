import { defer, map, type OperatorFunction } from 'rxjs';
import { HpackDecoder, type HpackDecoderOptions } from '../protocol/hpack';
// Type-only, for the {@link} references in the TSDoc.
import type { H2Error } from '../protocol/h2-error';
import type { HeaderBlockError } from '../protocol/hpack';

/**
 * Decodes complete header blocks (RFC 7541; the concatenated field block
 * fragments of one HEADERS/PUSH_PROMISE + CONTINUATION sequence) into header
 * lists, in order, through one HPACK context.
 *
 * The context is shared across emissions: blocks must arrive in the order the
 * peer encoded them (RFC 9113 §4.3). Given an {@link HpackDecoder}, that
 * decoder is used (its owner can apply SETTINGS_HEADER_TABLE_SIZE changes and
 * inspect the table); given options, each subscription gets its own.
 *
 * Errors error the observable, the only way not to drop them with a plain
 * header-list output:
 * - invalid HPACK: {@link H2Error} COMPRESSION_ERROR, connection scope;
 * - a list over a limit or with an empty name: {@link HeaderBlockError},
 *   stream scope. The decoder's table is still in sync then; a caller that
 *   must go on after it (a connection) uses `HpackDecoder` directly, as the
 *   core does, since only it knows which stream the block belongs to.
 *
 * Field names the peer sent as never-indexed (§6.2.3) are not reported here.
 */
export function hpackDecode(decoderOrOptions?: HpackDecoder | HpackDecoderOptions): OperatorFunction<Uint8Array, Array<[string, string]>> {
  return (source) =>
    defer(() => {
      const decoder = decoderOrOptions instanceof HpackDecoder ? decoderOrOptions : new HpackDecoder(decoderOrOptions);
      // `map` errors the output with what `decode` throws.
      return source.pipe(map((block) => decoder.decode(block)));
    });
}
