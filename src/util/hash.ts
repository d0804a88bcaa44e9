import { createHash } from 'node:crypto';

/** sha256 of several parts, each followed by a NUL so ("ab","c") and ("a","bc") differ: cache keys. */
export function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\0'); // separator so ("ab","c") and ("a","bc") differ
  }
  return h.digest('hex');
}

/** The plain sha256 of some bytes, as `sha256sum` and Python's hashlib give it: provenance users can check. */
export function sha256Plain(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a JSON value with its object keys sorted, so the hash does not depend on key order. */
export function sha256Json(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return sha256Plain(JSON.stringify(canonical(value)));
}
