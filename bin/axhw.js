#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ by `npm install` (the prepare script).
import { existsSync, readFileSync } from 'node:fs';
// `axhw --version` alone answers from package.json without loading the command tree (what commander
// prints for it: the version and a newline), so scripts that ask it pay only Node's start.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('axhw: dist/ is missing. Build it with `npm run build` (or run scripts/setup.sh).\n');
  process.exit(2);
}
await import(entry.href);
