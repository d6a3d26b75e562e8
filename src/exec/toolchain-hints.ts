/**
 * How to get a missing program on this kind of machine (Debian's packages, or the tool's own
 * installer where Debian's is too old), for "command not found" errors.
 */
const HINTS: Record<string, string> = {
  python3: 'install Python 3 with venv: `apt-get install python3 python3-venv`',
  python: 'install Python 3 with venv: `apt-get install python3 python3-venv`',
  node: 'install Node.js 20 or newer (e.g. `apt-get install nodejs npm`)',
  npm: 'install npm (`apt-get install npm`)',
  pnpm: 'install pnpm: `corepack enable pnpm` or `npm install -g pnpm`',
  yarn: 'install yarn: `corepack enable yarn` or `npm install -g yarn`',
  go: 'install Go: `apt-get install golang-go` (or a newer release from go.dev)',
  cargo: 'install Rust with rustup (https://rustup.rs), or `apt-get install cargo`',
  java: 'install a JDK: `apt-get install openjdk-17-jdk`',
  mvn: 'install Maven: `apt-get install maven`',
  gradle: 'install Gradle: `apt-get install gradle` (the ./gradlew wrapper needs internet access)',
  php: 'install PHP: `apt-get install php-cli`',
  composer: 'install Composer: `apt-get install composer`',
  sh: 'this system has no /bin/sh: install dash or bash',
};

/** What to run to get `command` (its base name), or a generic line. */
export function installHint(command: string): string {
  const name = command.split('/').pop() ?? command;
  return HINTS[name] ?? `install ${name} and make sure it is on PATH`;
}
