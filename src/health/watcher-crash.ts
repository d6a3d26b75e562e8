/**
 * Lines a file-watching runner prints when the app it runs crashed and it now waits for a
 * file change to restart it: the runner stays up (so the service's process is alive) but
 * nothing will ever answer. Sources: nodemon ("[nodemon] app crashed - waiting for file
 * changes before starting..."), Nx's node executor ("Process exited with code 1, waiting
 * for changes to restart..."), `node --watch` ("Failed running 'server.js'" then "Waiting
 * for file changes before restarting..."), ts-node-dev ("[ERROR] … Error" then waiting),
 * cargo-watch ("[Finished running. Exit status: 101]"), air ("Process Exit with Code 1").
 */
const WATCHER_CRASH: readonly RegExp[] = [
  /\[nodemon\] app crashed/,
  /Process exited with code [1-9]\d*, waiting for (?:file )?changes/i,
  /Failed running '[^']*'/,
  /\[ERROR\] \d\d:\d\d:\d\d .*(?:Error|error)/,
  /\[Finished running\. Exit status: [1-9]\d*\]/,
  /Process Exit with Code [1-9]\d*/,
];

/**
 * The line of `tail` (a service log's last lines) that says its watcher saw the app crash
 * and waits for changes, or null. Only the last such line counts when a later line says
 * it restarted and listens again (`listening`, `started`, `ready`).
 */
export function watcherCrashLine(tail: readonly string[]): string | null {
  for (let i = tail.length - 1; i >= 0; i--) {
    const line = tail[i] ?? '';
    if (WATCHER_CRASH.some((re) => re.test(line))) return line.trim();
    if (/\b(listening|started|ready)\b/i.test(line) && !/waiting/i.test(line)) return null;
  }
  return null;
}
