import * as crypto from 'node:crypto';
import * as tls from 'node:tls';
import { selfSignedCertificate } from '../../src/cli/self-signed';

describe('selfSignedCertificate (hand-written DER, no openssl)', () => {
  const now = new Date('2030-01-02T03:04:05Z');
  const made = selfSignedCertificate({ now, days: 10 });
  const x509 = new crypto.X509Certificate(made.cert);

  it('is a v3 certificate for localhost, 127.0.0.1 and ::1, self-signed with its EC P-256 key', () => {
    expect(x509.subject).toBe('CN=localhost');
    expect(x509.issuer).toBe('CN=localhost');
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.ca).toBe(false);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(x509.checkPrivateKey(crypto.createPrivateKey(made.key))).toBe(true);
    expect(made.fingerprint256).toBe(x509.fingerprint256);
  });

  it('is valid from an hour before now for the given days', () => {
    expect(new Date(x509.validFrom).toISOString()).toBe('2030-01-02T02:04:05.000Z');
    expect(new Date(x509.validTo).toISOString()).toBe('2030-01-12T03:04:05.000Z');
  });

  it('uses GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    const later = new crypto.X509Certificate(selfSignedCertificate({ now: new Date('2060-06-01T00:00:00Z'), days: 1 }).cert);
    expect(new Date(later.validTo).toISOString()).toBe('2060-06-02T00:00:00.000Z');
  });

  it('is accepted by TLS as a server certificate and, given as ca, verifies', async () => {
    const fresh = selfSignedCertificate();
    const server = tls.createServer({ key: fresh.key, cert: fresh.cert }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tls.connect({ port, host: '127.0.0.1', ca: fresh.cert, servername: 'localhost' }, () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(authorized).toBe(true);
    await new Promise((r) => server.close(r));
  });
});
