import { defer, map, type OperatorFunction } from 'rxjs';
import { HpackEncoder, type HpackEncoderOptions } from '../protocol/hpack';

/** A header list to encode: `[name, value]` pairs in order, names lowercase (RFC 9113 §8.2.1). */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/**
 * A header list with the names whose values must never be indexed (RFC 7541
 * §6.2.3; node:http2's `headers[http2.sensitiveHeaders]`).
 */
export interface SensitiveHeaderList {
  readonly headers: HeaderList;
  readonly sensitive: ReadonlySet<string>;
}

/**
 * Encodes header lists into header blocks (RFC 7541), in order, through one
 * HPACK context.
 *
 * The context is shared across emissions: the blocks must be sent in the
 * order they are emitted (RFC 9113 §4.3). Given an {@link HpackEncoder}, that
 * encoder is used (its owner applies the peer's SETTINGS_HEADER_TABLE_SIZE);
 * given options, each subscription gets its own.
 *
 * Each emitted block is a fresh buffer. Names must already be lowercase and
 * valid; values the encoder rejects error the observable.
 */
export function hpackEncode(
  encoderOrOptions?: HpackEncoder | HpackEncoderOptions,
): OperatorFunction<HeaderList | SensitiveHeaderList, Uint8Array> {
  return (source) =>
    defer(() => {
      const encoder = encoderOrOptions instanceof HpackEncoder ? encoderOrOptions : new HpackEncoder(encoderOrOptions);
      // `map` errors the output with what `encode` throws.
      return source.pipe(map((input) => (isSensitiveList(input) ? encoder.encode(input.headers, input.sensitive) : encoder.encode(input))));
    });
}

function isSensitiveList(input: HeaderList | SensitiveHeaderList): input is SensitiveHeaderList {
  return !Array.isArray(input);
}
