/**
 * A problem the user can fix. The CLI prints `message` and `fix` (never a stack trace) and exits non-zero.
 * Everything else that escapes is a bug in axhw and is printed with its stack.
 */
export class AxhwError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'AxhwError';
  }
}

/** The hardware disagrees with its model: a verification failure, not a usage error. */
export class MismatchError extends AxhwError {
  constructor(message: string, fix?: string) {
    super(message, fix, 1);
    this.name = 'MismatchError';
  }
}
