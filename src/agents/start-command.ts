import path from 'node:path';

/**
 * Replaces the `{port}` and `{host}` placeholders of a planned argv, and resolves a program
 * given as a relative path (`.venv/bin/gunicorn`) against the command's working directory.
 */
export function resolveArgv(
  argv: string[],
  cwd: string,
  port: number | null,
  host: string,
): string[] {
  return argv.map((token, i) => {
    const value = token
      .replaceAll('{port}', port === null ? '' : String(port))
      .replaceAll('{host}', host);
    return i === 0 && value.includes('/') ? path.resolve(cwd, value) : value;
  });
}
