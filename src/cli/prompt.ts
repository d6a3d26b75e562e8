import { createInterface } from 'node:readline/promises';
import { RepoRunnerError } from '../model/errors.js';

/** Asks one line on the terminal, echoed. */
export async function askLine(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Reads a password on the terminal without echoing it (raw mode). Ctrl-C aborts. */
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003')
          return done(new RepoRunnerError('INTERRUPTED', 'cancelled', 'run the command again'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * The password for `login`/`register`: `REPO_RUNNER_PASSWORD` when set (scripts), else a
 * prompt without echo on a terminal, else the first line of stdin.
 *
 * @throws RepoRunnerError BAD_INPUT when none gives a password.
 */
export async function readPassword(question = 'password: '): Promise<string> {
  const fromEnv = process.env.REPO_RUNNER_PASSWORD;
  const password = fromEnv
    ? fromEnv
    : process.stdin.isTTY
      ? await askHidden(question)
      : await readStdinLine();
  if (!password)
    throw new RepoRunnerError(
      'BAD_INPUT',
      'no password given',
      'type it at the prompt, or set REPO_RUNNER_PASSWORD, or pipe it on stdin',
    );
  return password;
}
