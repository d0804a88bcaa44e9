import { CommanderError } from 'commander';
import { AxhwError } from '../errors.js';
import { buildProgram, commandOf } from './program.js';

const program = await buildProgram(commandOf(process.argv));

// Ctrl-C and kill end the run in order, so exit handlers remove temp folders (the simulators and tools,
// in the same process group, receive the signal too).
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`\naxhw: interrupted (${signal})\n`);
    process.exit(code);
  });
}

// A reader that stops early (`axhw units | head -3`) closes the pipe: the output is no longer wanted, so
// end quietly, as other Unix tools do, instead of failing with an unhandled EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it already exists',
  ENOENT: 'no such file or folder',
};

function isFileSystemError(e: unknown): e is NodeJS.ErrnoException {
  const x = e as NodeJS.ErrnoException;
  return x instanceof Error && typeof x.code === 'string' && x.code in FS_REASONS && typeof x.path === 'string';
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here with code 0; parse errors were already printed by commander.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof AxhwError) {
    process.stderr.write(`axhw: error: ${e.message}\n${e.fix ? `  fix: ${e.fix}\n` : ''}`);
    process.exitCode = e.exitCode;
  } else if (isFileSystemError(e)) {
    // A write that the up-front checks could not foresee (disk full, a folder changed under us).
    process.stderr.write(
      `axhw: error: cannot ${e.syscall ?? 'access'} ${e.path}: ${FS_REASONS[e.code!] ?? e.code}.\n ` +
        ` fix: check the path and free space, or choose another output path.\n`,
    );
    process.exitCode = 2;
  } else {
    process.stderr.write(`axhw: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 3;
  }
}
