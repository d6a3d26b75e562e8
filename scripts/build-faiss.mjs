#!/usr/bin/env node
/**
 * Builds faiss-node's binding (`node_modules/faiss-node/src/faiss.cc`) against Debian's
 * libfaiss-dev (FAISS 1.7.3, static `libfaiss.a`) into `build/faiss-node/faiss_node.node`,
 * which `src/index/faiss-addon.ts` loads. faiss-node's own install script downloads FAISS
 * and fails offline, so npm installs it without its script (`allowScripts`) and this builds
 * it instead, following CONVENTIONS.md's FAISS recipe: node-gyp, node-addon-api 8, C++17,
 * `-fexceptions -fopenmp`, C++ exceptions turned into JS errors, `libfaiss.a -lblas
 * -llapack -lgomp`, and a pre-included header adding the `faiss::idx_t` alias 1.7.3 lacks.
 *
 * Idempotent: nothing is done when the addon is newer than everything it is built from
 * (`--force` rebuilds). Without libfaiss-dev it prints how to get it and exits 0, so
 * `npm install` (`prepare`) still succeeds; a failed compile exits 1.
 *
 * Usage: `npm run build:faiss` (or `node scripts/build-faiss.mjs [--force]`).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_DIR = path.join(ROOT, 'build', 'faiss-node');
/** The addon's final place: keep in step with `FAISS_ADDON_PATH` (src/index/faiss-addon.ts). */
const ADDON = path.join(BUILD_DIR, 'faiss_node.node');
const SOURCE = path.join(ROOT, 'node_modules', 'faiss-node', 'src', 'faiss.cc');
const HEADER_DIRS = ['/usr/include', '/usr/local/include'];
const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib',
  '/usr/local/lib',
];
const HOW = 'apt-get install libfaiss-dev, then npm run build:faiss';

const started = Date.now();
const force = process.argv.includes('--force');
const includeDir = HEADER_DIRS.find((d) => existsSync(path.join(d, 'faiss', 'IndexFlat.h')));
const libfaiss = LIB_DIRS.map((d) => path.join(d, 'libfaiss.a')).find((f) => existsSync(f));
if (!includeDir || !libfaiss) {
  console.log(`faiss: libfaiss-dev is not installed, the FAISS index is not built (${HOW})`);
  process.exit(0);
}
if (!existsSync(SOURCE)) {
  console.log(
    `faiss: ${path.relative(ROOT, SOURCE)} is missing (npm install), the FAISS index is not built`,
  );
  process.exit(0);
}

const require = createRequire(path.join(ROOT, 'package.json'));
// The project's node-addon-api 8 (faiss-node nests an older 6 for its own build).
const addonApiDir = path.dirname(require.resolve('node-addon-api/package.json'));
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const inputs = [
  SOURCE,
  libfaiss,
  path.join(includeDir, 'faiss', 'Index.h'),
  path.join(includeDir, 'faiss', 'IndexHNSW.h'),
  path.join(addonApiDir, 'napi.h'),
  fileURLToPath(import.meta.url),
];
const mtime = (f) => statSync(f).mtimeMs;
if (!force && existsSync(ADDON) && inputs.every((f) => mtime(f) < mtime(ADDON))) {
  console.log(`faiss: ${path.relative(ROOT, ADDON)} is up to date`);
  process.exit(0);
}

mkdirSync(BUILD_DIR, { recursive: true });
// The folder ignores itself, so the build never shows in `git status`.
writeFileSync(path.join(BUILD_DIR, '.gitignore'), '*\n');
// FAISS 1.7.3 declares idx_t inside Index only; faiss.cc uses faiss::idx_t (1.7.4+).
writeFileSync(
  path.join(BUILD_DIR, 'faiss-compat.h'),
  [
    '#pragma once',
    '#include <faiss/Index.h>',
    '#if FAISS_VERSION_MAJOR == 1 && (FAISS_VERSION_MINOR < 7 || (FAISS_VERSION_MINOR == 7 && FAISS_VERSION_PATCH < 4))',
    'namespace faiss { using idx_t = Index::idx_t; }',
    '#endif',
    '',
  ].join('\n'),
);
// faiss-node can neither tune HNSW (efSearch stays 16, too low for recall@10 ≥ 0.95 at
// 384-d) nor choose OpenMP's thread count (2 threads make a single query wait on a busy
// machine: HNSW search p95 16 ms instead of 1–4 ms, measured in src/index/faiss-tuning.ts).
// A patched copy of faiss.cc adds `Index#hnsw(efConstruction, efSearch)`, which sets the
// given values (0 keeps one) and returns both, or throws when the index is not HNSW; and
// `Index.setThreads(n)` (omp_set_num_threads for the calling thread, 0 keeps it), which
// returns the thread count now in force.
const HNSW_METHOD = `
  static Napi::Value setThreads(const Napi::CallbackInfo &info)
  {
    if (info.Length() > 0 && info[0].IsNumber() && info[0].As<Napi::Number>().Int32Value() > 0)
      omp_set_num_threads(info[0].As<Napi::Number>().Int32Value());
    return Napi::Number::New(info.Env(), omp_get_max_threads());
  }

  Napi::Value hnsw(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    auto *h = dynamic_cast<faiss::IndexHNSW *>(index_.get());
    if (h == nullptr)
    {
      Napi::Error::New(env, "Not an HNSW index.").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (info.Length() > 0 && info[0].IsNumber() && info[0].As<Napi::Number>().Int32Value() > 0)
      h->hnsw.efConstruction = info[0].As<Napi::Number>().Int32Value();
    if (info.Length() > 1 && info[1].IsNumber() && info[1].As<Napi::Number>().Int32Value() > 0)
      h->hnsw.efSearch = info[1].As<Napi::Number>().Int32Value();
    Napi::Object out = Napi::Object::New(env);
    out.Set("efConstruction", Napi::Number::New(env, h->hnsw.efConstruction));
    out.Set("efSearch", Napi::Number::New(env, h->hnsw.efSearch));
    return out;
  }
`;
const PATCHES = [
  ['#include <faiss/impl/IDSelector.h>\n', '#include <faiss/IndexHNSW.h>\n#include <omp.h>\n'],
  ['\nprotected:\n  std::unique_ptr<faiss::Index> index_;', HNSW_METHOD, 'before'],
  [
    '      InstanceMethod("toBuffer", &Index::toBuffer),\n',
    '      InstanceMethod("hnsw", &Index::hnsw),\n      StaticMethod("setThreads", &Index::setThreads),\n',
  ],
];
let patched = readFileSync(SOURCE, 'utf8');
for (const [anchor, text, where] of PATCHES) {
  if (patched.split(anchor).length !== 2) {
    console.error(
      `faiss: ${path.relative(ROOT, SOURCE)} changed (no single ${JSON.stringify(anchor)}); update the patch in scripts/build-faiss.mjs`,
    );
    process.exit(1);
  }
  patched = patched.replace(anchor, where === 'before' ? `${text}${anchor}` : `${anchor}${text}`);
}
writeFileSync(path.join(BUILD_DIR, 'faiss.cc'), patched);

const gyp = {
  targets: [
    {
      target_name: 'faiss_node',
      sources: ['faiss.cc'],
      include_dirs: [addonApiDir, includeDir],
      // CPP_EXCEPTIONS_ALL: a FaissException (e.g. from write) becomes a JS Error, not abort().
      defines: ['NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_CPP_EXCEPTIONS_ALL'],
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17'],
      cflags_cc: [
        '-std=c++17',
        '-fexceptions',
        '-fopenmp',
        '-O2',
        // faiss.cc's own unused locals; nothing of ours.
        '-Wno-unused-but-set-variable',
        '-include',
        path.join(BUILD_DIR, 'faiss-compat.h'),
      ],
      ldflags: ['-fopenmp'],
      libraries: [libfaiss, '-lblas', '-llapack', '-lgomp'],
    },
  ],
};
writeFileSync(path.join(BUILD_DIR, 'binding.gyp'), `${JSON.stringify(gyp, null, 2)}\n`);

// Node's own headers (Debian and NodeSource packages ship them) spare node-gyp a download.
const nodeDir = path.resolve(path.dirname(process.execPath), '..');
const args = [nodeGyp, 'rebuild', '--jobs=max'];
if (existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h')))
  args.push(`--nodedir=${nodeDir}`);
console.log(`faiss: building ${path.relative(ROOT, ADDON)} against ${libfaiss}`);
const gypRun = spawnSync(process.execPath, args, { cwd: BUILD_DIR, stdio: 'inherit' });
const built = path.join(BUILD_DIR, 'build', 'Release', 'faiss_node.node');
if (gypRun.status !== 0 || !existsSync(built)) {
  console.error(
    `faiss: node-gyp failed (exit ${gypRun.status ?? gypRun.signal}); see its output above`,
  );
  process.exit(1);
}

// Loaded once before it replaces the old addon: a binding that does not search is no build.
const smoke = spawnSync(
  process.execPath,
  [
    '-e',
    `const f = require(${JSON.stringify(built)}); const i = new f.IndexFlatIP(2);
     i.add([1, 0, 0, 1]); const r = i.search([0, 1], 1);
     if (r.labels[0] !== 1) throw new Error('search answered ' + JSON.stringify(r));
     const h = f.Index.fromFactory(2, 'HNSW8', 0); const p = h.hnsw(0, 64);
     if (p.efSearch !== 64) throw new Error('hnsw answered ' + JSON.stringify(p));
     const t = f.Index.setThreads(0); if (f.Index.setThreads(1) !== 1 || !(t >= 1))
       throw new Error('setThreads answered ' + t);`,
  ],
  { stdio: 'inherit' },
);
if (smoke.status !== 0) {
  console.error('faiss: the built addon does not load or search (see above)');
  process.exit(1);
}
copyFileSync(built, `${ADDON}.tmp`);
renameSync(`${ADDON}.tmp`, ADDON);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`faiss: built ${path.relative(ROOT, ADDON)} in ${seconds} s`);
