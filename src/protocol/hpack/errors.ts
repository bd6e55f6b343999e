/**
 * The error a decoded header block is rejected with when it is valid HPACK but
 * not acceptable as a header list.
 * @packageDocumentation
 */

import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';

/**
 * Why a header block was rejected while the HPACK context stayed valid:
 * - `maxHeaderListSize`: the decoded list (Σ name + value + 32, RFC 9113
 *   §6.5.2) exceeded the limit;
 * - `maxHeaderListPairs`: more fields than the limit;
 * - `emptyName`: a field has an empty name, which is malformed (RFC 9113
 *   §8.2.1: names are tokens, at least one character).
 */
export type HeaderBlockRejection = 'maxHeaderListSize' | 'maxHeaderListPairs' | 'emptyName';

/**
 * A header block rejected for a limit or an empty name. Unlike a
 * COMPRESSION_ERROR, the decoder has fully processed the block, so its dynamic
 * table is still in sync with the peer's encoder and the connection can go on:
 * only the stream is affected.
 *
 * It is an {@link H2Error} of scope `stream`, with `streamId` 0 because HPACK
 * does not know the stream: the connection core catches it and answers on the
 * stream the block belonged to. Codes:
 * - limits: ENHANCE_YOUR_CALM, with `limit` naming the limit — what node:http2
 *   sends (RST_STREAM) when `maxHeaderListPairs` or `maxHeaderListSize` is
 *   exceeded. A server may instead answer 431 (RFC 6585) before resetting;
 *   that choice is the caller's.
 * - `emptyName`: PROTOCOL_ERROR (a malformed request or response, RFC 9113
 *   §8.1.1), `limit` undefined.
 */
export class HeaderBlockError extends H2Error {
  /** Which rule fired. When a limit and an empty name both occur, the limit is reported. */
  readonly reason: HeaderBlockRejection;
  /** 0-based position, in the block, of the field at which the rule fired. */
  readonly fieldIndex: number;

  constructor(reason: HeaderBlockRejection, fieldIndex: number, message: string) {
    const isLimit = reason !== 'emptyName';
    super(message, {
      kind: 'protocol',
      code: isLimit ? ErrorCode.ENHANCE_YOUR_CALM : ErrorCode.PROTOCOL_ERROR,
      scope: 'stream',
      streamId: 0,
      limit: isLimit ? reason : undefined,
    });
    this.name = 'HeaderBlockError';
    this.reason = reason;
    this.fieldIndex = fieldIndex;
  }
}
