/**
 * The HPACK decoder (RFC 7541 §3, §6), with header list limits enforced while
 * decoding.
 * @packageDocumentation
 */

import { H2Error } from '../h2-error';
import { DEFAULT_TABLE_SIZE, DynamicTable, ENTRY_OVERHEAD } from './dynamic-table';
import { HeaderBlockError, type HeaderBlockRejection } from './errors';
import { compressionError, HpackReader, latin1 } from './primitives';
import { STATIC_NAMES, STATIC_TABLE_LENGTH, STATIC_VALUES } from './static-table';

/**
 * Default {@link HpackDecoderOptions.maxHeaderListSize}: 65535 octets, the
 * `maxHeaderListSize` node:http2 advertises by default. RFC 9113 leaves
 * SETTINGS_MAX_HEADER_LIST_SIZE unlimited; an unlimited decoder is an HPACK
 * bomb target (SECURITY #6).
 */
export const DEFAULT_MAX_HEADER_LIST_SIZE = 65535;

/** Default {@link HpackDecoderOptions.maxHeaderListPairs}: 128, node:http2's default. */
export const DEFAULT_MAX_HEADER_LIST_PAIRS = 128;

/** Construction options of {@link HpackDecoder}. */
export interface HpackDecoderOptions {
  /**
   * Dynamic table size in force at the start, taken as both the current size
   * and the acknowledged SETTINGS_HEADER_TABLE_SIZE. Default 4096, as every
   * HTTP/2 connection starts (RFC 9113 §6.5.2).
   */
  maxTableSize?: number;
  /**
   * Largest decoded header list accepted, in octets, counting each field as
   * name + value + 32 (RFC 9113 §6.5.2). Default
   * {@link DEFAULT_MAX_HEADER_LIST_SIZE}.
   */
  maxHeaderListSize?: number;
  /** Largest number of fields accepted in one block. Default {@link DEFAULT_MAX_HEADER_LIST_PAIRS}. */
  maxHeaderListPairs?: number;
}

/**
 * Decodes header blocks of one connection direction (one HPACK context).
 *
 * Errors:
 * - malformed HPACK (bad index, truncated or oversized integer, bad Huffman,
 *   misplaced or too large table size update, ...) throws an {@link H2Error}
 *   COMPRESSION_ERROR of scope `connection` (RFC 9113 §4.3); the context is
 *   then unusable, and every later call throws the same error.
 * - a list over a limit, or with an empty name, throws a
 *   {@link HeaderBlockError} (scope `stream`) *after* the whole block has been
 *   processed: once a rule fires, the rest of the block is decoded for its
 *   effect on the dynamic table only — strings of fields not inserted into the
 *   table are validated and measured but never built — so the table stays in
 *   sync with the peer (as nghttp2 does for refused streams) and memory stays
 *   bounded by the limit (HPACK bomb, SECURITY #6).
 */
export class HpackDecoder {
  /** Largest decoded header list accepted (octets, name + value + 32 per field). */
  maxHeaderListSize: number;
  /** Largest number of fields accepted per block. */
  maxHeaderListPairs: number;

  private readonly table: DynamicTable;
  private readonly reader = new HpackReader();
  /** The SETTINGS_HEADER_TABLE_SIZE we advertised and the peer acknowledged: the ceiling of §6.3 updates. */
  private acknowledgedMax: number;
  /**
   * Smallest acknowledged maximum since the last block when it is below the
   * size in use, else Infinity: the next block must start with an update to at
   * most this (RFC 7541 §4.2).
   */
  private requiredMax = Infinity;
  private broken: H2Error | undefined;

  constructor(options: HpackDecoderOptions = {}) {
    const size = options.maxTableSize ?? DEFAULT_TABLE_SIZE;
    this.table = new DynamicTable(size);
    this.acknowledgedMax = size;
    this.maxHeaderListSize = options.maxHeaderListSize ?? DEFAULT_MAX_HEADER_LIST_SIZE;
    this.maxHeaderListPairs = options.maxHeaderListPairs ?? DEFAULT_MAX_HEADER_LIST_PAIRS;
  }

  /**
   * Applies our SETTINGS_HEADER_TABLE_SIZE once the peer has acknowledged it
   * (RFC 9113 §6.5.3). It becomes the ceiling for size updates. If it is below
   * the size the peer's encoder is using, the next block must begin with a
   * size update to at most the smallest value set since the last block (RFC
   * 7541 §4.2); otherwise the encoder may keep its size (as nghttp2 accepts).
   */
  setMaxTableSize(size: number): void {
    this.acknowledgedMax = size;
    if (size < this.table.maxSize && size < this.requiredMax) this.requiredMax = size;
  }

  /** Sets {@link maxHeaderListSize}. */
  setMaxHeaderListSize(size: number): void {
    this.maxHeaderListSize = size;
  }

  /** Sets {@link maxHeaderListPairs}. */
  setMaxHeaderListPairs(pairs: number): void {
    this.maxHeaderListPairs = pairs;
  }

  /** Current dynamic table size (§4.1) in octets. */
  get tableSize(): number {
    return this.table.size;
  }

  /** Maximum dynamic table size currently in force (the last §6.3 update). */
  get maxTableSize(): number {
    return this.table.maxSize;
  }

  /** Dynamic table entries, newest first (for tests and debugging). */
  tableEntries(): Array<[string, string]> {
    return this.table.entries();
  }

  /**
   * Decodes one complete header block (the concatenated HEADERS/PUSH_PROMISE
   * and CONTINUATION fragments).
   * @param block the header block.
   * @param neverIndexed if given, receives the names of fields sent as
   *   never-indexed literals (§6.2.3), which node:http2 reports in
   *   `headers[http2.sensitiveHeaders]`. Its contents are meaningless if
   *   the call throws.
   * @returns the fields in order, names and values as latin1 strings.
   * @throws H2Error COMPRESSION_ERROR (connection) if the block is not valid HPACK.
   * @throws HeaderBlockError (stream) for a list over a limit or an empty name.
   */
  decode(block: Uint8Array, neverIndexed?: string[]): Array<[name: string, value: string]> {
    if (this.broken !== undefined) throw this.broken;
    const r = this.reader;
    r.reset(block);
    try {
      return this.run(r, block, neverIndexed);
    } catch (e) {
      if (e instanceof H2Error && e.scope === 'connection') this.broken = e;
      throw e;
    } finally {
      r.release();
    }
  }

  private run(r: HpackReader, buf: Uint8Array, neverIndexed: string[] | undefined): Array<[string, string]> {
    const table = this.table;
    const end = r.end;

    // §4.2 / §6.3: size updates are allowed only at the start of a block.
    let runMin = Infinity;
    while (r.pos < end && (buf[r.pos] & 0xe0) === 0x20) {
      const size = r.integer(5);
      if (size > this.acknowledgedMax) {
        throw compressionError(`table size update to ${size} exceeds SETTINGS_HEADER_TABLE_SIZE ${this.acknowledgedMax} (RFC 7541 §6.3)`);
      }
      table.setMaxSize(size);
      if (size < runMin) runMin = size;
    }
    if (this.requiredMax !== Infinity) {
      if (runMin > this.requiredMax) {
        throw compressionError(
          runMin === Infinity
            ? 'missing dynamic table size update after SETTINGS_HEADER_TABLE_SIZE was lowered (RFC 7541 §4.2)'
            : `table size updates do not go down to ${this.requiredMax} (RFC 7541 §4.2)`,
        );
      }
      this.requiredMax = Infinity;
    }

    const out: Array<[string, string]> = [];
    const maxListSize = this.maxHeaderListSize;
    const maxPairs = this.maxHeaderListPairs;
    let listSize = 0;
    let pairs = 0;
    let rejected: HeaderBlockRejection | undefined;
    let rejectedAt = 0;

    while (r.pos < end) {
      const b = buf[r.pos];
      let name: string;
      let value: string;
      let nameLen: number;
      let valueLen: number;
      if (b & 0x80) {
        // §6.1 indexed field: no strings built, only a table lookup — the
        // HPACK bomb's tool, so it is charged like any other field.
        const index = r.integer(7);
        if (index <= STATIC_TABLE_LENGTH) {
          if (index === 0) throw compressionError('index 0 (RFC 7541 §6.1)');
          name = STATIC_NAMES[index];
          value = STATIC_VALUES[index];
        } else {
          const d = index - STATIC_TABLE_LENGTH;
          if (d > table.count) throw compressionError(`index ${index} is past the end of the dynamic table (RFC 7541 §2.3.3)`);
          name = table.name(d);
          value = table.value(d);
        }
        nameLen = name.length;
        valueLen = value.length;
      } else if ((b & 0xe0) === 0x20) {
        throw compressionError('dynamic table size update after the start of the block (RFC 7541 §4.2)');
      } else {
        // §6.2.1 (01, 6-bit index, inserted), §6.2.2 (0000, 4-bit), §6.2.3 (0001, 4-bit, never indexed).
        const incremental = (b & 0x40) !== 0;
        const index = r.integer(incremental ? 6 : 4);
        let nameHuffman = false;
        let nameAt = 0;
        if (index === 0) {
          nameLen = r.stringBytes(0);
          nameHuffman = r.huffman;
          nameAt = nameHuffman ? 0 : r.pos - nameLen;
          name = '';
        } else if (index <= STATIC_TABLE_LENGTH) {
          name = STATIC_NAMES[index];
          nameLen = name.length;
        } else {
          const d = index - STATIC_TABLE_LENGTH;
          if (d > table.count) throw compressionError(`index ${index} is past the end of the dynamic table (RFC 7541 §2.3.3)`);
          name = table.name(d);
          nameLen = name.length;
        }
        const valueScratch = nameHuffman ? nameLen : 0;
        valueLen = r.stringBytes(valueScratch);
        const valueHuffman = r.huffman;
        const valueAt = valueHuffman ? valueScratch : r.pos - valueLen;
        const entrySize = nameLen + valueLen + ENTRY_OVERHEAD;
        // Build the strings only if they are returned or stored (§4.4: an
        // entry larger than the table just empties it).
        const keep = rejected === undefined && listSize + entrySize <= maxListSize && pairs < maxPairs && nameLen > 0;
        if (keep || (incremental && entrySize <= table.maxSize)) {
          if (index === 0) name = latin1(nameHuffman ? r.scratch : buf, nameAt, nameAt + nameLen);
          value = latin1(valueHuffman ? r.scratch : buf, valueAt, valueAt + valueLen);
        } else {
          value = '';
        }
        if (incremental) {
          if (entrySize <= table.maxSize) table.add(name, value);
          else table.clear();
        } else if (b & 0x10 && keep && neverIndexed !== undefined) {
          neverIndexed.push(name);
        }
      }

      // RFC 9113 §6.5.2 accounting, while decoding.
      listSize += nameLen + valueLen + ENTRY_OVERHEAD;
      pairs++;
      if (rejected === undefined || rejected === 'emptyName') {
        if (listSize > maxListSize) {
          rejected = 'maxHeaderListSize';
          rejectedAt = pairs - 1;
        } else if (pairs > maxPairs) {
          rejected = 'maxHeaderListPairs';
          rejectedAt = pairs - 1;
        } else if (nameLen === 0 && rejected === undefined) {
          rejected = 'emptyName';
          rejectedAt = pairs - 1;
        }
      }
      if (rejected === undefined) out.push([name, value]);
    }

    if (rejected !== undefined) throw rejection(rejected, rejectedAt, this);
    return out;
  }
}

function rejection(reason: HeaderBlockRejection, at: number, d: HpackDecoder): HeaderBlockError {
  switch (reason) {
    case 'maxHeaderListSize':
      return new HeaderBlockError(reason, at, `header list larger than maxHeaderListSize (${d.maxHeaderListSize} octets) at field ${at}`);
    case 'maxHeaderListPairs':
      return new HeaderBlockError(reason, at, `header list has more than maxHeaderListPairs (${d.maxHeaderListPairs}) fields`);
    default:
      return new HeaderBlockError(reason, at, `empty header field name at field ${at} (RFC 9113 §8.2.1)`);
  }
}
