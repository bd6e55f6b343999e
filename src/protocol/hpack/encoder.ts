/**
 * The HPACK encoder (RFC 7541 §6): indexing decisions, sensitive fields,
 * table size updates.
 * @packageDocumentation
 */

import { DEFAULT_TABLE_SIZE, DynamicTable, ENTRY_OVERHEAD } from './dynamic-table';
import { HpackWriter } from './primitives';
import { STATIC_NAME_MAP, STATIC_TABLE_LENGTH, STATIC_VALUES, type StaticName } from './static-table';

/**
 * Default {@link HpackEncoderOptions.maxDeflateDynamicTableSize}: 4096 octets,
 * node:http2's `maxDeflateDynamicTableSize` and nghttp2's
 * `deflate_hd_table_bufsize_max`. A peer advertising a huge
 * SETTINGS_HEADER_TABLE_SIZE does not make us keep more than this per
 * connection; using less than the peer allows is always legal (§4.2), and
 * 4 KiB already captures most of the gain.
 */
export const DEFAULT_MAX_DEFLATE_TABLE_SIZE = 4096;

/** Construction options of {@link HpackEncoder}. */
export interface HpackEncoderOptions {
  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE at the start; both ends start with
   * this table size without signalling it. Default 4096 (RFC 9113 §6.5.2).
   */
  maxTableSize?: number;
  /**
   * Cap on the table size we actually use, whatever the peer allows
   * (memory bound). Default {@link DEFAULT_MAX_DEFLATE_TABLE_SIZE}. When it
   * is below {@link maxTableSize}, the first block starts with a size update.
   */
  maxDeflateDynamicTableSize?: number;
}

/*
 * Per-name policy, by static index. Names not in the static table are indexed
 * (subject to the size rule).
 */
/** Never insert: the value changes on almost every message (nghttp2's list plus date/last-modified/expires). */
const VOLATILE = 1;
/** Always a never-indexed literal: node:http2 marks `authorization` sensitive by itself. */
const SENSITIVE = 2;
/** Never-indexed literal when the value is shorter than 20 octets: node:http2's rule for `cookie` (short values are guessable). */
const SENSITIVE_IF_SHORT = 4;
/** `:path`: inserted only when short and without a query (repeated API paths), see {@link PATH_INDEX_MAX}. */
const PATH = 8;

const POLICY = new Uint8Array(STATIC_TABLE_LENGTH + 1);
for (const [name, flags] of [
  [':path', PATH],
  ['age', VOLATILE],
  ['content-length', VOLATILE],
  ['etag', VOLATILE],
  ['if-modified-since', VOLATILE],
  ['if-none-match', VOLATILE],
  ['location', VOLATILE],
  ['set-cookie', VOLATILE],
  ['authorization', SENSITIVE],
  ['cookie', SENSITIVE_IF_SHORT],
] as const) {
  POLICY[STATIC_NAME_MAP.get(name)!.index] = flags;
}

/** node:http2 (nghttp2) makes `cookie` values shorter than this never-indexed. */
const SHORT_COOKIE = 20;
/** Longest `:path` value inserted into the table. */
const PATH_INDEX_MAX = 32;

/** What the encoder's index knows about one name in its dynamic table. */
interface DynamicName {
  /** Insertion number of the newest entry with this name. */
  latest: number;
  /** value → insertion number of an entry with this name and value. */
  values: Map<string, number>;
}

/**
 * Encodes header lists into header blocks for one connection direction (one
 * HPACK context).
 *
 * Representation choices, per field:
 * 1. sensitive fields → literal never indexed (§6.2.3), name by index when
 *    possible; never an index reference to a full field, never inserted.
 *    Sensitive = in the `sensitive` set passed to {@link encode}, or
 *    `authorization`, or a `cookie` value shorter than 20 octets (node:http2's
 *    automatic marking, per its "sensitive headers" documentation).
 * 2. name and value in the static or dynamic table → indexed field (§6.1);
 * 3. otherwise a literal (name by index when possible) with incremental
 *    indexing (§6.2.1), unless the field is not worth a table slot: then a
 *    literal without indexing (§6.2.2). Not worth it: an entry larger than
 *    3/4 of the table (it would flush everything, nghttp2's rule); volatile
 *    names (`content-length`, `date`, `etag`, `set-cookie`, ...); `:path`
 *    values longer than 32 octets or with a query string.
 *
 * Strings are Huffman-coded only when strictly shorter.
 *
 * Names must already be lowercase (RFC 9113 §8.2.1); that, and field
 * validation, is the caller's job. Strings are latin1: each UTF-16 code unit is
 * sent as its low byte, as node:http2 does.
 */
export class HpackEncoder {
  private readonly table: DynamicTable;
  private readonly writer = new HpackWriter();
  private readonly names = new Map<string, DynamicName>();
  /** Number of entries ever inserted; the newest entry has number `inserted - 1`. */
  private inserted = 0;
  /** Our cap on the table size (memory bound). */
  private readonly deflateMax: number;
  /** Table size the next block will switch to (min(peer's setting, our cap)). */
  private nextMax: number;
  /** Smallest size in force since the last block, when it is below the size in use (§4.2). */
  private lowestMax: number;

  constructor(options: HpackEncoderOptions = {}) {
    const size = options.maxTableSize ?? DEFAULT_TABLE_SIZE;
    this.deflateMax = options.maxDeflateDynamicTableSize ?? DEFAULT_MAX_DEFLATE_TABLE_SIZE;
    this.table = new DynamicTable(size);
    this.nextMax = size;
    this.lowestMax = size;
    this.setMaxTableSize(size);
  }

  /**
   * Applies the peer's SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2), to take
   * effect at the next block, which will start with the size update(s) §4.2
   * requires: the smallest size in force since the last block, then the final
   * one. We use min(size, maxDeflateDynamicTableSize).
   */
  setMaxTableSize(size: number): void {
    this.nextMax = Math.min(size, this.deflateMax);
    if (this.nextMax < this.lowestMax) this.lowestMax = this.nextMax;
  }

  /** Current dynamic table size (§4.1) in octets. */
  get tableSize(): number {
    return this.table.size;
  }

  /** Maximum dynamic table size in force (as last signalled). */
  get maxTableSize(): number {
    return this.table.maxSize;
  }

  /** Dynamic table entries, newest first (for tests and debugging). */
  tableEntries(): Array<[string, string]> {
    return this.table.entries();
  }

  /**
   * Encodes one header list into a header block.
   * @param headers `[name, value]` pairs in order; names lowercase.
   * @param sensitive names whose values must never be indexed (what
   *   node:http2's `headers[http2.sensitiveHeaders]` lists), in addition to the
   *   automatic `authorization` / short `cookie`.
   * @returns a fresh copy of the block.
   */
  encode(headers: ReadonlyArray<readonly [string, string]>, sensitive?: ReadonlySet<string>): Uint8Array {
    const w = this.writer;
    const table = this.table;
    if (this.nextMax !== table.maxSize || this.lowestMax < table.maxSize) this.emitSizeUpdates(w);

    for (let i = 0; i < headers.length; i++) {
      const field = headers[i];
      const name = field[0];
      const value = field[1];
      // Index ≤ 6 octets, two string lengths ≤ 6 each, strings ≤ their length.
      w.ensure(name.length + value.length + 24);

      const st: StaticName | undefined = STATIC_NAME_MAP.get(name);
      const policy = st === undefined ? 0 : POLICY[st.index];
      const isSensitive =
        (policy & SENSITIVE) !== 0 ||
        ((policy & SENSITIVE_IF_SHORT) !== 0 && value.length < SHORT_COOKIE) ||
        (sensitive !== undefined && sensitive.has(name));

      // §6.1: a full match, static first (smaller indices). Sensitive fields
      // are never matched: one sent earlier without the flag may be in the table.
      if (!isSensitive && st !== undefined) {
        const vs = st.values;
        const index = vs === undefined ? (value === '' && STATIC_VALUES[st.index] === '' ? st.index : 0) : (vs.get(value) ?? 0);
        if (index !== 0) {
          w.integer(0x80, 7, index);
          continue;
        }
      }
      const dyn = this.names.get(name);
      if (!isSensitive && dyn !== undefined) {
        const seq = dyn.values.get(value);
        if (seq !== undefined) {
          w.integer(0x80, 7, this.indexOf(seq));
          continue;
        }
      }

      const nameIndex = st !== undefined ? st.index : dyn !== undefined ? this.indexOf(dyn.latest) : 0;
      const entrySize = name.length + value.length + ENTRY_OVERHEAD;
      if (isSensitive) {
        w.integer(0x10, 4, nameIndex); // §6.2.3
      } else if (
        entrySize * 4 > table.maxSize * 3 ||
        (policy & VOLATILE) !== 0 ||
        ((policy & PATH) !== 0 && (value.length > PATH_INDEX_MAX || value.includes('?')))
      ) {
        w.integer(0x00, 4, nameIndex); // §6.2.2
      } else {
        w.integer(0x40, 6, nameIndex); // §6.2.1
        if (nameIndex === 0) w.string(name);
        w.string(value);
        this.insert(name, value, entrySize, dyn);
        continue;
      }
      if (nameIndex === 0) w.string(name);
      w.string(value);
    }
    return w.take();
  }

  /** Absolute index (§2.3.3) of the entry with insertion number `seq`. */
  private indexOf(seq: number): number {
    return STATIC_TABLE_LENGTH + this.inserted - seq;
  }

  /** §6.3 updates at the start of a block: the lowest size in the interval, then the final one (§4.2). */
  private emitSizeUpdates(w: HpackWriter): void {
    w.ensure(12);
    if (this.lowestMax < this.nextMax) {
      w.integer(0x20, 5, this.lowestMax);
      this.resize(this.lowestMax);
    }
    w.integer(0x20, 5, this.nextMax);
    this.resize(this.nextMax);
    this.lowestMax = this.nextMax;
  }

  private resize(maxSize: number): void {
    while (this.table.size > maxSize) this.evictOldest();
    this.table.maxSize = maxSize;
  }

  /** Inserts into the table (§4.4), keeping the name/value index in step. */
  private insert(name: string, value: string, entrySize: number, dyn: DynamicName | undefined): void {
    const table = this.table;
    if (table.size + entrySize > table.maxSize) {
      do this.evictOldest();
      while (table.size + entrySize > table.maxSize);
      // The evicted entries may have included the last one with this name.
      dyn = this.names.get(name);
    }
    table.add(name, value);
    const seq = this.inserted++;
    if (dyn === undefined) {
      dyn = { latest: seq, values: new Map() };
      this.names.set(name, dyn);
    }
    dyn.latest = seq;
    dyn.values.set(value, seq);
  }

  private evictOldest(): void {
    const table = this.table;
    const seq = this.inserted - table.count;
    const name = table.oldestName();
    const dyn = this.names.get(name)!;
    if (dyn.latest === seq) {
      // Entries leave in insertion order: no other entry has this name.
      this.names.delete(name);
    } else if (dyn.values.get(table.oldestValue()) === seq) {
      dyn.values.delete(table.oldestValue());
    }
    table.dropOldest();
  }
}
