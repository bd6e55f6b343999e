/**
 * A self-signed certificate for `rx-http2 serve --tls`, made with node:crypto
 * alone. Node 20 can parse X.509 (`crypto.X509Certificate`) but not build
 * it, so the certificate's DER is written here by hand: a v3 certificate for
 * `localhost` (CN and SAN `DNS:localhost`, `IP:127.0.0.1`, `IP:::1`) over a
 * fresh EC P-256 key, signed ECDSA-with-SHA256 (RFC 5280, RFC 5480, RFC 5758).
 * No `openssl` binary is needed at run time.
 * @packageDocumentation
 */
import * as crypto from 'node:crypto';

/** A key and certificate, PEM-encoded, ready for `tls.createServer`. */
export interface SelfSignedCertificate {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 fingerprint of the certificate, `AB:CD:…` as browsers show it. */
  readonly fingerprint256: string;
}

/** Options of {@link selfSignedCertificate}. */
export interface SelfSignedOptions {
  /** Subject and issuer common name, and the DNS name in subjectAltName. Default `localhost`. */
  commonName?: string;
  /** Validity from now, in days. Default 30: it is made anew at every start. */
  days?: number;
  /** The clock (for tests). */
  now?: Date;
}

// --- DER (ITU-T X.690) — just what a certificate needs.

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Tag-length-value. */
function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const bitString = (bytes: Buffer): Buffer => tlv(0x03, Buffer.from([0]), bytes); // no unused bits
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);

/** A non-negative INTEGER from big-endian bytes (a leading 0 keeps it positive). */
function integer(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return tlv(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(0x80 | (v & 0x7f));
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), tlv(0x01, Buffer.from([0xff])), octetString(value)) : sequence(oid(id), octetString(value));
}

const OID = {
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;

/**
 * Makes a fresh EC P-256 key and a self-signed certificate for it, valid for
 * `localhost`, 127.0.0.1 and ::1 (subjectAltName: what clients check, RFC
 * 6125), from one hour ago (clock skew) for `days` days.
 *
 * Extensions: basicConstraints (critical, not a CA), extKeyUsage serverAuth,
 * subjectAltName, subjectKeyIdentifier. There is no keyUsage: with one,
 * OpenSSL would want `keyCertSign` before it accepts the certificate as its
 * own issuer when it is given as a trust anchor (`--ca`).
 */
export function selfSignedCertificate(options: SelfSignedOptions = {}): SelfSignedCertificate {
  const commonName = options.commonName ?? 'localhost';
  const now = options.now ?? new Date();
  const days = options.days ?? 30;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const point = spki.subarray(spki.length - 65); // the uncompressed P-256 point ends the SPKI
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01; // positive, non-zero, 16 octets (RFC 5280 §4.1.2.2 allows up to 20)
  const name = sequence(set(sequence(oid(OID.commonName), utf8String(commonName))));
  const algorithm = sequence(oid(OID.ecdsaWithSHA256)); // parameters absent (RFC 5758 §3.2)
  const san = sequence(
    tlv(0x82, Buffer.from(commonName, 'ascii')), // [2] dNSName
    tlv(0x87, Buffer.from([127, 0, 0, 1])), // [7] iPAddress
    tlv(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
  );
  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, san),
    extension(OID.subjectKeyIdentifier, false, octetString(crypto.createHash('sha1').update(point).digest())),
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    name,
    sequence(time(new Date(now.getTime() - 3600_000)), time(new Date(now.getTime() + days * 86400_000))),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = crypto.sign('sha256', tbs, privateKey); // DER Ecdsa-Sig-Value, as X.509 wants
  const der = sequence(tbs, algorithm, bitString(signature));
  const cert = pem('CERTIFICATE', der);
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert,
    fingerprint256: new crypto.X509Certificate(der).fingerprint256,
  };
}
