import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { AxhwError } from '../errors.js';

/** A result file read and validated against its schema; bad JSON or a mismatch is bad input (exit 2) naming the file. */
export function readValidated<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AxhwError(
      `${path} is not readable JSON: ${(e as Error).message}.`,
      'Run again the command that wrote it (its folder holds provenance.json with the command).',
    );
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      .join('; ');
    throw new AxhwError(
      `${path} does not match its schema (${issues}).`,
      'It was edited or written by another version of axhw: run again the command that wrote it, or leave the folder out.',
    );
  }
  return r.data;
}
