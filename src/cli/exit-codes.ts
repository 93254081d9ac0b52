/** Exit codes of the CLI, for scripts: stable, documented in `--help` and the README. */
export const EXIT = {
  ok: 0,
  /** The server failed (5xx), or could not be reached. */
  failed: 1,
  /** The command line was wrong: unknown command or option, missing argument. */
  usage: 2,
  /** What the command names does not exist (404). */
  notFound: 3,
  /** The server refused the input: invalid, conflicting or too large (400, 409, 413, 415). */
  refused: 4,
  /** The token is missing, wrong, or not allowed to do this (401, 403). */
  notAllowed: 5,
} as const;

export function exitCodeForStatus(status: number): number {
  if (status === 404) return EXIT.notFound;
  if (status === 401 || status === 403) return EXIT.notAllowed;
  if (status >= 400 && status < 500) return EXIT.refused;
  return EXIT.failed;
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  the server failed or could not be reached
  2  the command line was wrong
  3  not found
  4  refused: invalid input or a conflict
  5  not allowed: missing or wrong token, or not permitted`;
