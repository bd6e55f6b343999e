import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ErrorCode } from '../../../src/protocol/error-code';
import { H2Error } from '../../../src/protocol/h2-error';
import { HeaderBlockError, HpackEncoder, HpackReader } from '../../../src/protocol/hpack';

/** Where the hpack-test-case corpus lives (https://github.com/http2jp/hpack-test-case). */
// shared/ sits beside the checkout (here and in CI's fresh clone).
export const TEST_CASE_DIR =
  process.env.HPACK_TEST_CASE ?? path.join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'hpack-test-case');

/** Bytes from a hex string, ignoring whitespace. */
export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

/** Lowercase hex of bytes. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** One case of a story file. */
export interface StoryCase {
  seqno?: number;
  header_table_size?: number | null;
  wire?: string;
  headers: Array<Record<string, string>>;
}

/** A story: a sequence of header blocks sharing one compression context. */
export interface Story {
  file: string;
  cases: StoryCase[];
}

/** The implementation directories of the corpus (all but raw-data). */
export function implementations(): string[] {
  return fs
    .readdirSync(TEST_CASE_DIR)
    .filter((d) => d !== 'raw-data' && fs.statSync(path.join(TEST_CASE_DIR, d)).isDirectory())
    .sort();
}

/** The stories of one directory, in file order. */
export function loadStories(dir: string): Story[] {
  return fs
    .readdirSync(path.join(TEST_CASE_DIR, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(fs.readFileSync(path.join(TEST_CASE_DIR, dir, file), 'utf8')) as { cases: StoryCase[] }) }));
}

/** A case's headers as `[name, value]` pairs. */
export function pairs(c: StoryCase): Array<[string, string]> {
  return c.headers.map((h) => Object.entries(h)[0] as [string, string]);
}

/** Debian's Python with python3-hpack (the `python3` first on PATH is another interpreter). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Whether `/usr/bin/python3 -c 'import hpack'` works. */
export function pythonHpackAvailable(): boolean {
  if (!fs.existsSync(SYSTEM_PYTHON)) return false;
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import hpack'], { stdio: 'ignore' }).status === 0;
}

const PY_DECODE = `
import sys, json, hpack
out = []
for story in json.load(sys.stdin):
    d = hpack.Decoder(max_header_list_size=1 << 30)
    blocks = []
    for wire in story:
        blocks.append([[n.decode('latin1'), v.decode('latin1')] for n, v in d.decode(bytes.fromhex(wire), raw=True)])
    out.append(blocks)
json.dump(out, sys.stdout)
`;

/**
 * Decodes stories of header blocks with python3-hpack, one Decoder per story,
 * in a single subprocess.
 */
export function pythonDecode(stories: Uint8Array[][]): Array<Array<Array<[string, string]>>> {
  const input = JSON.stringify(stories.map((s) => s.map(toHex)));
  const r = spawnSync(SYSTEM_PYTHON, ['-c', PY_DECODE], { input, maxBuffer: 1 << 28, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3-hpack failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<Array<Array<[string, string]>>>;
}

export type Kind = 'indexed' | 'incremental' | 'without' | 'never' | 'update';
export interface Rep {
  kind: Kind;
  /** Index for `indexed`, name index for literals (0 = literal name), size for `update`. */
  index: number;
}

/** The representations of a block, in order (§6). */
export function representations(block: Uint8Array): Rep[] {
  const r = new HpackReader();
  r.reset(block);
  const out: Rep[] = [];
  while (r.pos < r.end) {
    const b = block[r.pos];
    if (b & 0x80) out.push({ kind: 'indexed', index: r.integer(7) });
    else if (b & 0x40) out.push(literal(r, 'incremental', 6));
    else if (b & 0x20) out.push({ kind: 'update', index: r.integer(5) });
    else out.push(literal(r, b & 0x10 ? 'never' : 'without', 4));
  }
  return out;
}
function literal(r: HpackReader, kind: Kind, prefix: number): Rep {
  const index = r.integer(prefix);
  if (index === 0) r.string();
  r.string();
  return { kind, index };
}

export function kinds(e: HpackEncoder, headers: Array<[string, string]>, sensitive?: ReadonlySet<string>): Kind[] {
  return representations(e.encode(headers, sensitive)).map((x) => x.kind);
}


/** What `fn` throws (`undefined` if it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The error `fn` throws, which must be a connection COMPRESSION_ERROR (RFC 7541 §2.1, RFC 9113 §4.3). */
export function compressionError(fn: () => unknown): H2Error {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(H2Error);
  expect((err as H2Error).code).toBe(ErrorCode.COMPRESSION_ERROR);
  expect((err as H2Error).scope).toBe('connection');
  return err as H2Error;
}

/** The error `fn` throws, which must be a {@link HeaderBlockError} (a list over a limit, an empty name). */
export function rejection(fn: () => unknown): HeaderBlockError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(HeaderBlockError);
  return err as HeaderBlockError;
}
