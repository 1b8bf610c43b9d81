import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../../src/http/ingest/fingerprint.js';
import { fixtureJson } from '../../../support/fixtures.js';

interface WebhookAlert {
  labels: Record<string, string>;
  fingerprint: string;
}

describe('fingerprintOf', () => {
  it('computes the fingerprints a real Alertmanager 0.25 sent for the same labels', () => {
    const body = fixtureJson('alertmanagerGroup') as { alerts: WebhookAlert[] };
    for (const alert of body.alerts) expect(fingerprintOf(alert.labels)).toBe(alert.fingerprint);
    expect(fingerprintOf(body.alerts[0]!.labels)).toBe('5fab0dffa4d7754b');
  });

  it('does not depend on the order labels are written in', () => {
    expect(fingerprintOf({ b: '2', a: '1' })).toBe(fingerprintOf({ a: '1', b: '2' }));
  });

  it('gives the FNV-1a offset basis for an empty label set, as Alertmanager does', () => {
    expect(fingerprintOf({})).toBe('cbf29ce484222325');
  });

  it('leaves labels with empty values out, as Alertmanager removeEmptyLabels does before hashing', () => {
    expect(fingerprintOf({ alertname: 'A', team: '' })).toBe(fingerprintOf({ alertname: 'A' }));
    expect(fingerprintOf({ team: '' })).toBe('cbf29ce484222325');
  });

  it('hashes a __proto__ label as any other', () => {
    const labels = JSON.parse('{"__proto__":"x","alertname":"A"}') as Record<string, string>;
    expect(fingerprintOf(labels)).toBe(referenceFingerprint(labels));
    expect(fingerprintOf(labels)).not.toBe(fingerprintOf({ alertname: 'A' }));
  });

  it('separates names from values, so moving a character across the boundary changes it', () => {
    expect(fingerprintOf({ ab: 'c' })).not.toBe(fingerprintOf({ a: 'bc' }));
  });

  it('hashes non-ASCII values as UTF-8 bytes', () => {
    // Reference value computed with the same algorithm over the UTF-8 bytes (BigInt version below).
    expect(fingerprintOf({ alertname: 'Überlast', team: '運用' })).toBe(referenceFingerprint({ alertname: 'Überlast', team: '運用' }));
  });
});

/** A slow, obviously-correct BigInt FNV-1a 64 to check the limb arithmetic against. */
function referenceFingerprint(labels: Record<string, string>): string {
  let hash = 0xcbf29ce484222325n;
  const write = (bytes: Uint8Array): void => {
    for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const name of Object.keys(labels).sort()) {
    write(Buffer.from(name));
    write(Uint8Array.of(0xff));
    write(Buffer.from(labels[name]!));
    write(Uint8Array.of(0xff));
  }
  return hash.toString(16).padStart(16, '0');
}
