import { compact, isBuildPath, matchTable, type Extractor } from './text.js';
import type { Rule } from './types.js';

const inBuild = (path: string | undefined) => (path && isBuildPath(path) ? { path } : null);

const MESSAGES: readonly Extractor[] = [
  // Next.js `next start`: "Error: Could not find a production build in the '.next' directory."
  [
    /Could not find a production build in the '([^']+)' directory/,
    (m) => compact({ path: m[1], framework: 'next' }),
  ],
  // Vite preview: 'The directory "dist" does not exist. Did you build your project?'
  [
    /The directory "([^"]+)" does not exist\. Did you build your project\?/,
    (m) => compact({ path: m[1] }),
  ],
  // java -jar: "Error: Unable to access jarfile target/app-0.0.1.jar"
  [/Unable to access jarfile (\S+)/, (m) => compact({ path: m[1] })],
  // Node CJS/ESM: "Error: Cannot find module '/app/dist/main.js'" (a file, not a package)
  [/Cannot find module '([^']+)'/, (m) => inBuild(m[1])],
  // node fs: "Error: ENOENT: no such file or directory, stat '/app/build/index.html'"
  [/ENOENT: no such file or directory, \w+ '([^']+)'/, (m) => inBuild(m[1])],
  // CPython: "python: can't open file '/app/build/main.py': [Errno 2] No such file or directory"
  [/can't open file '([^']+)'/, (m) => inBuild(m[1])],
  // shells and spawners: "sh: 1: ./target/release/app: not found", "spawn ./bin/x ENOENT"
  [/(?:^|: )(\S+): (?:not found|No such file or directory)$/, (m) => inBuild(m[1])],
  [/spawn (\S+) ENOENT/, (m) => inBuild(m[1])],
];

/** The build step did not run (or wrote elsewhere): the start command's file is missing. */
export const buildOutputMissing: Rule = {
  id: 'build/output-missing',
  class: 'build-output-missing',
  stage: 'line',
  test: ({ line }) => matchTable(line, MESSAGES),
};
