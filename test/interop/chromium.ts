/**
 * Headless Chromium for the interop suite: Debian's `/usr/bin/chromium`
 * driven by `playwright-core` (which never downloads a browser of its own
 * here), launched so that it works on a closed network and trusts exactly
 * one test certificate.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's Chromium (package `chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether both the browser and its driver are installed. */
export function haveChromium(): boolean {
  if (!existsSync(CHROMIUM)) return false;
  require.resolve('playwright-core');
  return true;
}

/**
 * The pin Chromium's `--ignore-certificate-errors-spki-list` takes: base64 of
 * the sha256 of the certificate's SubjectPublicKeyInfo (DER).
 */
export function spkiPin(certPem: Buffer): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * Launches headless Chromium trusting the certificates whose keys are
 * `pins` (see {@link spkiPin}). Playwright gives it a fresh temp profile
 * (`--user-data-dir`, which the SPKI list requires) and removes it on close.
 */
export async function launchChromium(pins: string[]): Promise<Browser> {
  // Loaded here rather than imported at the top, so that a machine without
  // playwright-core skips the suite (see haveChromium) instead of failing it.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      // Root (CI) cannot use Chromium's sandbox.
      '--no-sandbox',
      '--disable-gpu',
      // Chromium must not race a QUIC attempt (nothing answers it; and this suite is about TCP + TLS + h2).
      '--disable-quic',
      // Without these Chromium phones home on start, and on this closed network
      // the refused connections disturb it; they also keep the run deterministic.
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Rather than --ignore-certificate-errors: a certificate with any other
      // key still fails, so the TLS handshake and its verification stay real.
      `--ignore-certificate-errors-spki-list=${pins.join(',')}`,
    ],
  });
}
