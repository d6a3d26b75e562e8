/**
 * Root files each provider's `detect` looks for, by provider name, in registry order: the
 * one list the providers, the static provider's "this is an app, not a site" check and the
 * "nothing to run" error all read, so none of them can miss a marker the others know.
 */
export const PROVIDER_MARKERS = {
  python: [
    'requirements.txt',
    'pyproject.toml',
    'Pipfile',
    'setup.py',
    'manage.py',
    'app.py',
    'main.py',
  ],
  node: ['package.json'],
  go: ['go.mod'],
  rust: ['Cargo.toml'],
  // Maven first: with both, the pom decides.
  java: ['pom.xml', 'build.gradle.kts', 'build.gradle'],
  php: ['composer.json', 'index.php', 'public/index.php', 'web/index.php'],
  static: ['index.html'],
} as const satisfies Record<string, readonly string[]>;

/** Manifests of ecosystems without a provider: each found one becomes a warning. */
export const UNSUPPORTED_MANIFESTS: readonly [file: string, ecosystem: string][] = [
  ['Gemfile', 'Ruby'],
  ['mix.exs', 'Elixir'],
  ['Package.swift', 'Swift'],
  ['pubspec.yaml', 'Dart'],
  ['deno.json', 'Deno'],
];

/** Every root file some provider looks for, listed in the "nothing to run" error. */
export const LOOKED_FOR: readonly string[] = [...new Set(Object.values(PROVIDER_MARKERS).flat())];

/**
 * Root files of an application ecosystem, supported or not: with any of them the repository
 * is not a plain static site, even when it has an `index.html`. package.json is left out
 * because a Node repository may only build a static site (the static provider checks it).
 */
export const APP_MARKERS: readonly string[] = [
  ...Object.entries(PROVIDER_MARKERS)
    .filter(([name]) => name !== 'node' && name !== 'static')
    .flatMap(([, files]) => files),
  ...UNSUPPORTED_MANIFESTS.map(([file]) => file),
];
