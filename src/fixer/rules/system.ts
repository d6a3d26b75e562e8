import { compact, findBefore, isBuildPath, matchTable, type Extractor } from './text.js';
import type { Details, Rule } from './types.js';

/** Headers and the library that ships them, for the common Python and Node native builds. */
const HEADER_LIBRARY: Record<string, string> = {
  'Python.h': 'python3-dev',
  'libpq-fe.h': 'libpq',
  'pg_config.h': 'libpq',
  'ffi.h': 'libffi',
  'mysql.h': 'mysqlclient',
  'zlib.h': 'zlib',
  'jpeglib.h': 'libjpeg',
  'sqlite3.h': 'sqlite3',
  'lber.h': 'openldap',
  'ldap.h': 'openldap',
  'yaml.h': 'libyaml',
  'ft2build.h': 'freetype',
};

/** The library of a header: the table, else its directory (`openssl/ssl.h`), else its name. */
export function headerLibrary(header: string): string {
  const base = header.split('/').pop() ?? header;
  const dir = header.includes('/') ? header.split('/')[0] : undefined;
  return HEADER_LIBRARY[base] ?? (dir === 'libxml' ? 'libxml2' : dir) ?? base.replace(/\.h$/, '');
}

/** `libpq.so.5` → `libpq`. */
const soLibrary = (file: string) => file.replace(/\.so(?:\.[\d.]+)?$/, '');

const LIBRARY_MESSAGES: readonly Extractor[] = [
  // psycopg2's setup.py: "Error: pg_config executable not found."
  [
    /pg_config executable not found|pg_config is required to build psycopg2/,
    () => ({ library: 'libpq', command: 'pg_config' }),
  ],
  // mysqlclient's setup.py: "OSError: mysql_config not found" / "Exception: Can not find valid pkg-config name."
  [
    /mysql_config not found|Can not find valid pkg-config name/,
    () => ({ library: 'mysqlclient', command: 'mysql_config' }),
  ],
  // gcc: "fatal error: openssl/ssl.h: No such file or directory"
  [
    /fatal error: ([\w./+-]+\.h): No such file or directory/,
    (m) => compact({ header: m[1], library: headerLibrary(m[1] ?? '') }),
  ],
  // ld.so: "error while loading shared libraries: libssl.so.1.1: cannot open shared object file"
  // CPython/ctypes: "ImportError: libpq.so.5: cannot open shared object file: No such file or directory"
  [
    /([\w.+-]+\.so(?:\.[\d.]+)?): cannot open shared object file/,
    (m) => compact({ file: m[1], library: soLibrary(m[1] ?? '') }),
  ],
  // cffi: "OSError: cannot load library 'libcairo.so.2': …"; cairocffi: 'no library called "cairo-2" was found'
  [/cannot load library '([^']+)'/, (m) => compact({ file: m[1], library: soLibrary(m[1] ?? '') })],
  [/no library called "([^"]+)" was found/, (m) => compact({ library: m[1] })],
  // psycopg 3: "- couldn't import psycopg 'python' implementation: libpq library not found"
  [/libpq library not found/, () => ({ library: 'libpq' })],
  // ld: "/usr/bin/ld: cannot find -lpq"
  [/cannot find -l([\w+.-]+)/, (m) => compact({ library: `lib${m[1]}` })],
  // pkg-config: "Package libsecret-1 was not found in the pkg-config search path." / "No package 'libffi' found"
  [
    /Package ([\w+.-]+) was not found in the pkg-config search path/,
    (m) => compact({ library: m[1] }),
  ],
  [/No package '([\w+.-]+)' found/, (m) => compact({ library: m[1] })],
  // openssl-sys: "Could not find directory of OpenSSL installation"
  [/Could not find directory of OpenSSL installation/, () => ({ library: 'openssl' })],
];

/** A native library, header or its config tool is missing (formats on each extractor). */
export const systemLibraryMissing: Rule = {
  id: 'system/library-missing',
  class: 'system-library-missing',
  stage: 'line',
  test: ({ line }) => matchTable(line, LIBRARY_MESSAGES),
};

const PERMISSION_MESSAGES: readonly Extractor[] = [
  // node: "Error: listen EACCES: permission denied 0.0.0.0:80" (a privileged port)
  [/listen EACCES: permission denied \S*?:(\d+)/, (m) => compact({ port: m[1] })],
  // uvicorn: "[Errno 13] error while attempting to bind on address ('0.0.0.0', 80): permission denied"
  [
    /\[Errno 13\] error while attempting to bind on address \('[^']*', (\d+)\)/,
    (m) => compact({ port: m[1] }),
  ],
  // node fs / npm: "Error: EACCES: permission denied, open '/app/data/db.sqlite'"
  [/EACCES: permission denied, \w+ '([^']+)'/, (m) => compact({ path: m[1] })],
  // node child_process: "Error: spawn ./start.sh EACCES"
  [/spawn (\S+) EACCES/, (m) => compact({ path: m[1] })],
  // CPython: "PermissionError: [Errno 13] Permission denied: '/app/logs/app.log'"
  [/Permission denied: '([^']+)'/, (m) => compact({ path: m[1] })],
  // dash "sh: 1: ./start.sh: Permission denied", bash "bash: ./run.sh: Permission denied"
  [/(?:^|: )([^\s:]+): Permission denied$/, (m) => compact({ path: m[1] })],
];

/** A script is not executable, a file is not writable, or a port is privileged. */
export const permissionDenied: Rule = {
  id: 'system/permission-denied',
  class: 'permission-denied',
  stage: 'line',
  test: ({ line }) => (/publickey/.test(line) ? null : matchTable(line, PERMISSION_MESSAGES)),
};

const NOT_FOUND_MESSAGES: readonly Extractor[] = [
  // dash: "sh: 1: gunicorn: not found", "sh: 1: exec: gunicorn: not found"
  [/^(?:\/bin\/)?sh: \d+: (?:exec: )?(\S+): not found$/, (m) => compact({ command: m[1] })],
  // bash: "bash: foo: command not found", "/bin/bash: line 1: foo: command not found"
  [/(?:^|: )([^\s:]+): command not found$/, (m) => compact({ command: m[1] })],
  // zsh "zsh: command not found: foo"; poetry run "Command not found: uvicorn"
  [/[Cc]ommand not found: (\S+)/, (m) => compact({ command: m[1] })],
  // node child_process: "Error: spawn pnpm ENOENT"
  [/spawn (\S+) ENOENT/, (m) => compact({ command: m[1] })],
  // shebang: "/usr/bin/env: 'python': No such file or directory" (GNU quotes ‘python’ in UTF-8 locales)
  [
    /\/usr\/bin\/env: ['‘"]?([^'’"\s:]+)['’"]?: No such file or directory/,
    (m) => compact({ command: m[1] }),
  ],
  // Go/Docker: 'exec: "gunicorn": executable file not found in $PATH'
  [/exec: "([^"]+)": executable file not found/, (m) => compact({ command: m[1] })],
  // uv run: "error: Failed to spawn: `uvicorn`"
  [/Failed to spawn: `([^`]+)`/, (m) => compact({ command: m[1] })],
  // Repo Runner's RunnerAgent: "could not start web: gunicorn was not found"
  [/^could not start [\w.-]+: (\S+) was not found$/, (m) => compact({ command: m[1] })],
];

/** The shell or a spawner could not find a program (build outputs go to build-output-missing first). */
export const commandNotFound: Rule = {
  id: 'system/command-not-found',
  class: 'command-not-found',
  stage: 'line',
  test: ({ line }) => {
    const d: Details | null = matchTable(line, NOT_FOUND_MESSAGES);
    return d?.command && !isBuildPath(d.command) ? d : null;
  },
};

/**
 * inotify limits, which Node reports as ENOSPC too: "Error: ENOSPC: System limit for number
 * of file watchers reached" (chokidar, webpack, Vite). Must come before {@link diskFull}.
 */
export const watcherLimitReached: Rule = {
  id: 'system/watcher-limit',
  class: 'watcher-limit-reached',
  stage: 'line',
  test: ({ line }) =>
    /System limit for number of file watchers reached|inotify watch limit reached/.test(line)
      ? {}
      : null,
};

/** ENOSPC (node, npm), "[Errno 28] No space left on device" (CPython, pip, tar, gcc). */
export const diskFull: Rule = {
  id: 'system/disk-full',
  class: 'disk-full',
  stage: 'line',
  test: ({ lines, at, line }) => {
    if (!/ENOSPC|No space left on device|\[Errno 28\]/.test(line)) return null;
    // Node's error object (`code: 'ENOSPC'`) follows the message that names the path.
    const path = findBefore(lines, at + 1, /ENOSPC: no space left on device, \w+ '([^']+)'/, 10);
    return compact({ path: path?.m[1] });
  },
};
