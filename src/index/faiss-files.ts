import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The files of a FAISS store folder. `manifest.json` is the only file ever replaced in
 * place (by rename); it names the data files of its generation:
 * - `vectors-<gen>.f32`: every row's vector, `rows × dimension` float32 (host order, little
 *   endian on x86 and arm64). Append-only between compactions: a flush that only added rows
 *   writes past the old end of the same file, which the old manifest never reads.
 * - `ids-<gen>.f64`: each row's chunk id as float64, -1 for a removed row (a tombstone).
 * - `hnsw-<gen>.faiss` (HNSW stores only): the graph as `write_index` writes it, covering
 *   rows `[0, hnsw.rows)`; later rows are added to it on open.
 * A kill at any moment leaves a manifest naming complete, fsynced files; files no manifest
 * names are leftovers of a torn flush, ignored on open and deleted by the next flush.
 */
export const ManifestSchema = z.object({
  format: z.literal('repo-runner-faiss'),
  version: z.literal(1),
  kind: z.literal('faiss'),
  dimension: z.number().int().positive(),
  /** Live vectors (rows not removed). */
  count: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  generation: z.number().int().nonnegative(),
  vectors: z.string().regex(/^vectors-\d+\.f32$/),
  ids: z.string().regex(/^ids-\d+\.f64$/),
  hnsw: z
    .object({ file: z.string().regex(/^hnsw-\d+\.faiss$/), rows: z.number().int().nonnegative() })
    .nullable(),
});

/** A store folder's manifest. */
export type Manifest = z.infer<typeof ManifestSchema>;

const MANIFEST = 'manifest.json';
/** Names this module writes: only these are ever deleted as leftovers. */
const OURS = /^(vectors-\d+\.f32|ids-\d+\.f64|hnsw-\d+\.faiss|manifest\.json\.tmp-\d+)$/;

/**
 * Reads `dir/manifest.json`; null when the folder holds no store yet.
 * @throws Error naming the file when it is not a manifest this version wrote.
 */
export async function readManifest(dir: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `FAISS store ${path.join(dir, MANIFEST)} is not a manifest Repo Runner wrote ` +
        `(${parsed.error.issues[0]?.message ?? 'unreadable'}); delete ${dir} to rebuild it`,
    );
  }
  return parsed.data;
}

/**
 * Fills `target` from the start of `dir/name` (the file may be longer: rows a torn flush
 * appended).
 * @throws Error when the file is shorter.
 */
export async function readExactly(dir: string, name: string, target: Uint8Array): Promise<void> {
  const handle = await open(path.join(dir, name), 'r');
  try {
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await handle.read(target, done, target.length - done, done);
      if (bytesRead === 0) {
        throw new Error(
          `FAISS store file ${path.join(dir, name)} holds ${done} bytes, not ${target.length}`,
        );
      }
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` into `dir/name` at byte `offset`, cuts the file at `offset + data.length`
 * (dropping what a torn flush left past it) and fsyncs it. `offset` 0 starts the file anew.
 */
export async function writeSynced(
  dir: string,
  name: string,
  data: Uint8Array,
  offset = 0,
): Promise<void> {
  const handle = await open(path.join(dir, name), offset === 0 ? 'w' : 'r+');
  try {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, offset + done);
      done += bytesWritten;
    }
    await handle.truncate(offset + data.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a file written by someone else (FAISS's `write_index`). */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes `manifest` the folder's state: written to a temporary name, fsynced, renamed over
 * `manifest.json`, the folder fsynced; then deletes the files no longer named (and leftovers
 * of torn flushes).
 */
export async function commitManifest(dir: string, manifest: Manifest): Promise<void> {
  const temp = `${MANIFEST}.tmp-${process.pid}`;
  await writeSynced(dir, temp, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  await rename(path.join(dir, temp), path.join(dir, MANIFEST));
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
  const keep = new Set([manifest.vectors, manifest.ids, manifest.hnsw?.file]);
  for (const name of await readdir(dir)) {
    if (OURS.test(name) && !keep.has(name)) await rm(path.join(dir, name), { force: true });
  }
}

/** Creates the store folder (and its parents). */
export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}
