/**
 * Layers of src/ (docs/architecture.md "Layers"): imports point down only. Tiers run from
 * the top (what people call) to the bottom (plain data); inside a tier the folders are
 * ordered too. A folder may import a folder of a lower tier, or one after it in its own
 * tier: never one above, so no two folders can import each other (no folder cycles).
 * Tests and test kits (`*.test.ts`, `*.test-kit.ts`) may import any layer.
 */
const TIERS = [
  ['cli', 'server', 'client'],
  ['core'],
  ['admin'],
  ['agents', 'fixer', 'managers'],
  ['providers', 'database', 'index', 'llm', 'auth', 'env'],
  ['queue', 'config', 'store', 'health', 'exec', 'static', 'repo'],
  ['model'],
];

const ORDER = TIERS.flat();
const TESTS = '\\.test(-kit)?\\.ts$';

/** One rule per folder: nothing above it in ORDER (nor any folder ORDER does not know). */
const layerRules = ORDER.map((folder, i) => ({
  name: `layer-${folder}`,
  comment: `src/${folder} may import only: ${ORDER.slice(i + 1).join(', ') || 'nothing of ours'}`,
  severity: 'error',
  from: { path: `^src/${folder}/`, pathNot: TESTS },
  to: {
    path: '^src/',
    pathNot: [`^src/${folder}/`, ...ORDER.slice(i + 1).map((f) => `^src/${f}/`)],
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-folder-cycles',
      comment: 'Two folders of src/ import each other, directly or through others.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/', pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: TESTS },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
