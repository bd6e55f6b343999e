/**
 * The field blocks we generate, held to the rules we hold the peer's to:
 * RFC 9113 §8.2 and §8.3 say what an endpoint MUST NOT generate. A value
 * with CR or LF that reached the wire would be a header injection on any
 * HTTP/1 hop behind the peer (request smuggling), and a peer answers a
 * malformed message with a reset: refused here, at the call that made it,
 * with a message that names the field (node:http2 throws for these too).
 * @packageDocumentation
 */
import { BlockKind, checkHeaderList, newHeaderListInfo, type HeaderListCheckOptions } from './header-list';

/** What a generated field value may contain (RFC 9110 §5.5 field-content): HTAB, SP, VCHAR, obs-text; no other control. */
const VALUE_OK = new Uint8Array(256);
VALUE_OK[0x09] = 1;
VALUE_OK.fill(1, 0x20, 0x7f);
VALUE_OK.fill(1, 0x80, 0x100);

/** Fields only HTTP/1.1 knows (§8.2.2), beyond those a received block is checked for: the h2c upgrade's. */
const HTTP1_ONLY: ReadonlySet<string> = new Set(['http2-settings']);

/** Pseudo-headers are checked by what they announce; `:protocol` only needs the peer's setting, checked by the core. */
const OPTIONS: HeaderListCheckOptions = { connectProtocolEnabled: true };

/** Reused across calls (the core is synchronous): the pseudo-headers the check reads, `:authority` among them. */
const INFO = newHeaderListInfo();

/**
 * Why `fields`, about to be sent as a block of `kind`, must not be (a
 * sentence naming the field), or `undefined` when they may.
 */
export function outgoingFieldsError(fields: ReadonlyArray<readonly [string, string]>, kind: BlockKind): string | undefined {
  let host: string | undefined;
  for (let i = 0; i < fields.length; i++) {
    const [name, value] = fields[i];
    if (HTTP1_ONLY.has(name)) return `connection-specific field ${name}`;
    if (name === 'host') host = value;
    // Pseudo-header values are held to their own grammars below (pseudo-values.ts), stricter than this.
    if (name.charCodeAt(0) === 0x3a && name !== ':protocol') continue;
    for (let j = 0; j < value.length; j++) {
      const c = value.charCodeAt(j);
      if (c > 0xff || VALUE_OK[c] === 0) return `invalid character 0x${c.toString(16)} in the value of ${name}`;
    }
  }
  const why = checkHeaderList(fields, kind, OPTIONS, INFO);
  if (why !== undefined) return why;
  // §8.3.1: "A client MUST NOT generate a request with a Host header field that differs from the ':authority'".
  const authority = INFO.authority;
  if (kind === BlockKind.Request && authority !== undefined && host !== undefined && host !== authority) return `host ${host} differs from :authority ${authority}`;
  return undefined;
}
