/**
 * Languages of the context index: a file's language by its name, and which languages have
 * a tree-sitter grammar in `tree-sitter-wasms` (so the chunker can follow their syntax).
 */

/** Language by lower-cased extension (without the dot). */
// prettier-ignore
const BY_EXTENSION: Readonly<Record<string, string>> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  py: 'python', pyi: 'python', pyw: 'python',
  go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', kts: 'kotlin', scala: 'scala',
  swift: 'swift', dart: 'dart', lua: 'lua', zig: 'zig', ex: 'elixir', exs: 'elixir',
  erl: 'erlang', hs: 'haskell', ml: 'ocaml', mli: 'ocaml', clj: 'clojure', r: 'r',
  php: 'php', rb: 'ruby', rake: 'ruby', gemspec: 'ruby', pl: 'perl', pm: 'perl',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', hxx: 'cpp',
  ipp: 'cpp', m: 'objc', mm: 'objc', cs: 'csharp', fs: 'fsharp', vb: 'vbnet',
  sh: 'bash', bash: 'bash', zsh: 'bash', ksh: 'bash', fish: 'fish', ps1: 'powershell',
  bat: 'batch', cmd: 'batch',
  css: 'css', scss: 'scss', sass: 'sass', less: 'less', html: 'html', htm: 'html',
  vue: 'vue', svelte: 'svelte', astro: 'astro', xml: 'xml', svg: 'xml', xsd: 'xml',
  json: 'json', jsonc: 'json', json5: 'json', ipynb: 'json', yaml: 'yaml', yml: 'yaml',
  toml: 'toml', ini: 'ini', cfg: 'ini', conf: 'ini', properties: 'properties',
  md: 'markdown', markdown: 'markdown', mdx: 'markdown', rst: 'rst', adoc: 'asciidoc',
  tex: 'latex', sql: 'sql', graphql: 'graphql', gql: 'graphql', proto: 'protobuf',
  tf: 'hcl', hcl: 'hcl', gradle: 'groovy', groovy: 'groovy', cmake: 'cmake',
  dockerfile: 'dockerfile', mk: 'make', nix: 'nix', sol: 'solidity', txt: 'text',
};

/** Language by whole file name, for files known by name rather than extension. */
// prettier-ignore
const BY_NAME: Readonly<Record<string, string>> = {
  dockerfile: 'dockerfile', containerfile: 'dockerfile', makefile: 'make',
  gnumakefile: 'make', gemfile: 'ruby', rakefile: 'ruby', podfile: 'ruby',
  vagrantfile: 'ruby', brewfile: 'ruby', procfile: 'yaml', 'cmakelists.txt': 'cmake',
  jenkinsfile: 'groovy', '.bashrc': 'bash', '.bash_profile': 'bash', '.profile': 'bash',
  '.zshrc': 'bash', '.envrc': 'bash', 'pipfile': 'toml', '.editorconfig': 'ini',
  '.gitignore': 'text', '.dockerignore': 'text',
};

/**
 * The language of the file at `path` (posix or native), from its name: `typescript`, `tsx`,
 * `javascript`, `python`, `go`, `rust`, `java`, `kotlin`, `php`, `ruby`, `c`, `cpp`,
 * `csharp`, `bash`, `css`, `html`, `json`, `yaml`, `toml`, `markdown`, `sql`,
 * `dockerfile` and others (see the tables above); `text` when the name says nothing.
 * `Dockerfile.dev` and `api.Dockerfile` are `dockerfile`; `.h` headers are `c`.
 *
 * @example languageOf('src/app/main.tsx') // 'tsx'
 */
export function languageOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const lower = name.toLowerCase();
  const byName = BY_NAME[lower];
  if (byName !== undefined) return byName;
  if (lower.startsWith('dockerfile.') || lower.startsWith('containerfile.')) return 'dockerfile';
  const dot = lower.lastIndexOf('.');
  if (dot <= 0) return 'text';
  return BY_EXTENSION[lower.slice(dot + 1)] ?? 'text';
}

/**
 * The `tree-sitter-wasms` grammar of each language whose syntax the chunker follows
 * (`out/tree-sitter-<name>.wasm`). Data formats (JSON, YAML, TOML) are left out on
 * purpose: line windows suit them as well, and no grammar has to be loaded.
 */
// prettier-ignore
export const GRAMMARS: Readonly<Record<string, string>> = {
  typescript: 'typescript', tsx: 'tsx', javascript: 'javascript', python: 'python',
  go: 'go', rust: 'rust', java: 'java', kotlin: 'kotlin', scala: 'scala', swift: 'swift',
  dart: 'dart', lua: 'lua', zig: 'zig', elixir: 'elixir', ocaml: 'ocaml', php: 'php',
  ruby: 'ruby', c: 'c', cpp: 'cpp', objc: 'objc', csharp: 'c_sharp', bash: 'bash',
  css: 'css', html: 'html', vue: 'vue', solidity: 'solidity',
};
