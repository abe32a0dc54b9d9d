// The ways a client command fails, each with its own exit code, printed as one line on stderr.

/** The server answered with an error envelope (or something that is not JSON). Exit code 1. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** A flag, argument or piped body the command cannot use. Exit code 2, like commander's own errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The server could not be reached at all, or the connection broke before the answer ended. Exit code 3. */
export class NetworkError extends Error {
  constructor(
    readonly url: string,
    reason: string,
    midway = false,
  ) {
    super(`${midway ? 'lost the connection to' : 'could not reach'} ${url}: ${reason}`);
    this.name = 'NetworkError';
  }
}

/** A run the command started, or waited for, ended failed, cancelled or expired. Exit code 4. */
export class RunEndedError extends Error {
  override name = 'RunEndedError';
}

/** The line to print and the exit code for a client failure; undefined for anything else. */
export function describeFailure(error: unknown): { line: string; exitCode: number } | undefined {
  if (error instanceof ApiCallError) return { line: `HTTP ${error.status}: ${error.message}`, exitCode: 1 };
  if (error instanceof UsageError) return { line: error.message, exitCode: 2 };
  if (error instanceof NetworkError) return { line: error.message, exitCode: 3 };
  if (error instanceof RunEndedError) return { line: error.message, exitCode: 4 };
  return undefined;
}
