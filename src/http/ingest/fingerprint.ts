import type { LabelSet } from '../../model/model.js';

/**
 * Alertmanager's fingerprint of a label set (prometheus/common `model.LabelSet.Fingerprint`):
 * FNV-1a 64-bit over the label names in byte order, each name and each value followed by 0xff,
 * printed as 16 lower-case hex digits. Computing the same value lets a resolved notification find
 * what its firing one started, even when the sender left `fingerprint` out.
 *
 * Labels with an empty value are left out, as Alertmanager's API removes them before it hashes
 * (`removeEmptyLabels`): in Prometheus an empty label is no label, and a resolve sent without
 * it must find the alert that fired with it.
 */
export function fingerprintOf(labels: LabelSet): string {
  const names = Object.keys(labels);
  if (names.every(isAscii)) names.sort();
  else names.sort(compareUtf8);
  // FNV-1a 64-bit, the state in four 16-bit limbs (low first) held in locals: every step stays in
  // small integers, which is several times faster than BigInt and than 32-bit halves.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const name of names) {
    const value = labels[name];
    if (value === undefined || value === '') continue;
    for (let part = 0; part < 2; part++) {
      const text = part === 0 ? name : value;
      // Go hashes UTF-8 bytes; ASCII text is its own bytes.
      const bytes = isAscii(text) ? undefined : Buffer.from(text, 'utf8');
      const length = bytes === undefined ? text.length : bytes.length;
      for (let i = 0; i <= length; i++) {
        // Each name and each value is followed by 0xff. Then multiply by the prime 0x100000001b3.
        const byte = i === length ? 0xff : bytes === undefined ? text.charCodeAt(i) : (bytes[i] as number);
        const x0 = h0 ^ byte;
        const t0 = x0 * 0x1b3;
        const t1 = h1 * 0x1b3 + (t0 >>> 16);
        const t2 = h2 * 0x1b3 + x0 * 0x100 + (t1 >>> 16);
        const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
        h0 = t0 & 0xffff;
        h1 = t1 & 0xffff;
        h2 = t2 & 0xffff;
        h3 = t3 & 0xffff;
      }
    }
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(limb: number): string {
  return limb.toString(16).padStart(4, '0');
}

/** Go sorts strings by their UTF-8 bytes; JavaScript by UTF-16 units. They differ only outside ASCII. */
function compareUtf8(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}
