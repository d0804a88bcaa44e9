import { createHash } from 'node:crypto';

export function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\0'); // separator so ("ab","c") and ("a","bc") differ
  }
  return h.digest('hex');
}
