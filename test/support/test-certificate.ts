import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { findBinary } from './binaries.js';

/** Whether a test certificate can be made here (openssl on PATH). */
export const canMakeCertificates = findBinary('openssl') !== undefined;

/**
 * A self-signed certificate for 127.0.0.1, valid for a day, written to `dir` as `key.pem` and
 * `cert.pem` (the certificate is its own CA). For loopback TLS servers in tests.
 */
export function makeTestCertificate(dir: string): { keyFile: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { keyFile, certFile };
}
