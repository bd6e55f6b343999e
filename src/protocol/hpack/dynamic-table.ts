/**
 * The HPACK dynamic table (RFC 7541 §2.3.2, §4) as a ring buffer.
 * @packageDocumentation
 */

/**
 * Per-entry overhead counted in the table size (RFC 7541 §4.1), and charged
 * for each field of a header list (RFC 9113 §6.5.2), so that empty fields are
 * not free (SECURITY #5).
 */
export const ENTRY_OVERHEAD = 32;

/** Default SETTINGS_HEADER_TABLE_SIZE: the size both tables start with (RFC 9113 §6.5.2). */
export const DEFAULT_TABLE_SIZE = 4096;

/**
 * A FIFO of header fields, newest first (index 1 = most recent, §2.3.3),
 * evicting the oldest entries to keep {@link size} ≤ {@link maxSize} (§4.4).
 * Names and values are latin1 strings, so `length` is the octet count.
 *
 * Stored in two parallel arrays used as a ring whose capacity is a power of
 * two, grown on demand: insertion and eviction are O(1) and allocate nothing
 * once the ring is large enough (at most maxSize / 32 entries).
 */
export class DynamicTable {
  /** Sum of entry sizes (name + value + 32), §4.1. */
  size = 0;
  /** Number of entries. */
  count = 0;
  /** Ring slot of the newest entry. */
  private first = 0;
  private mask = 15;
  private names: string[] = new Array<string>(16).fill('');
  private values: string[] = new Array<string>(16).fill('');

  /** @param maxSize the maximum size in force (§4.2). */
  constructor(public maxSize: number = DEFAULT_TABLE_SIZE) {}

  /** Name of entry `i`, 1-based, newest first; `i` must be in 1..count. */
  name(i: number): string {
    return this.names[(this.first + i - 1) & this.mask];
  }

  /** Value of entry `i`, 1-based, newest first; `i` must be in 1..count. */
  value(i: number): string {
    return this.values[(this.first + i - 1) & this.mask];
  }

  /** Name of the oldest entry (the next to be evicted). */
  oldestName(): string {
    return this.names[(this.first + this.count - 1) & this.mask];
  }

  /** Value of the oldest entry. */
  oldestValue(): string {
    return this.values[(this.first + this.count - 1) & this.mask];
  }

  /** Removes the oldest entry. */
  dropOldest(): void {
    const slot = (this.first + this.count - 1) & this.mask;
    this.size -= this.names[slot].length + this.values[slot].length + ENTRY_OVERHEAD;
    // Drop the references so evicted strings can be collected.
    this.names[slot] = '';
    this.values[slot] = '';
    this.count--;
  }

  /**
   * Inserts a field (§4.4): evicts from the oldest end until it fits; an entry
   * larger than {@link maxSize} empties the table and is not inserted (not an
   * error).
   */
  add(name: string, value: string): void {
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    if (entrySize > this.maxSize) {
      this.clear();
      return;
    }
    while (this.size + entrySize > this.maxSize) this.dropOldest();
    if (this.count > this.mask) this.grow();
    this.first = (this.first - 1) & this.mask;
    this.names[this.first] = name;
    this.values[this.first] = value;
    this.count++;
    this.size += entrySize;
  }

  /** Sets the maximum size (a §6.3 update) and evicts down to it (§4.3). */
  setMaxSize(maxSize: number): void {
    this.maxSize = maxSize;
    while (this.size > maxSize) this.dropOldest();
  }

  /** Removes every entry. */
  clear(): void {
    while (this.count > 0) this.dropOldest();
  }

  /** The entries, newest first, as `[name, value]` (for tests and debugging). */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 1; i <= this.count; i++) out.push([this.name(i), this.value(i)]);
    return out;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const names = new Array<string>(cap).fill('');
    const values = new Array<string>(cap).fill('');
    for (let i = 0; i < this.count; i++) {
      names[i] = this.names[(this.first + i) & this.mask];
      values[i] = this.values[(this.first + i) & this.mask];
    }
    this.names = names;
    this.values = values;
    this.first = 0;
    this.mask = cap - 1;
  }
}
