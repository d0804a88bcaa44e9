#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('axhw: dist/ is missing. Build it with `npm run build` (or run scripts/setup.sh).\n');
  process.exit(2);
}
await import(entry.href);
