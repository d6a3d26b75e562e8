/** The FAISS store's index choices, and the measurements behind them. */

/**
 * Live vectors above which the store switches from the exact flat index to HNSW: 25 000,
 * where flat search p95 nears 10 ms. Measured on this 2-core machine, 2026-12-04, FAISS
 * 1.7.3 (Debian) through the addon, k = 10, 200 queries; vectors 384-d drawn with the mean
 * and covariance of 6 000 real all-MiniLM-L6-v2 embeddings of 30-line source chunks (on 5 800
 * of those real vectors HNSW does better still: recall@10 1.000 at efSearch 128). Search
 * one OpenMP thread, build two; "busy": while other work kept the load at 2.5–13.
 *
 * | vectors | flat build | flat p95 (busy) | HNSW32 build        | efSearch 64   | efSearch 128  |
 * |--------:|-----------:|----------------:|--------------------:|--------------:|--------------:|
 * |  10 000 |      0.5 s |          3.3 ms |               4.4 s | 1.0 ms, 0.993 | 1.7 ms, 0.999 |
 * |  25 000 |      1.2 s |  8.6 (10.8) ms  |                45 s | 1.3 ms, 0.983 | 2.2 ms, 0.997 |
 * |  50 000 |      2.4 s | 17.6 (21.7) ms  |            76–133 s | 1.6 ms, 0.960 | 2.7 ms, 0.992 |
 * | 100 000 |      4.7 s | 35.7 (48.1) ms  |           395–436 s | 2.0 ms, 0.944 | 3.4 ms, 0.987 |
 *
 * efSearch columns: HNSW search p95 and recall@10 against the flat index. HNSW builds with
 * efConstruction 40; those of 25 000 and more ran busy. A throwaway script over the addon
 * measured all this (not kept in the repository).
 *
 * Flat search costs ~0.35 µs per vector. Uniformly random 384-d vectors are HNSW's worst
 * case (recall@10 0.82 at efSearch 128 on 10 000, 0.80 at 512 on 50 000): embeddings are not
 * like that. With two OpenMP threads a busy machine made single-query HNSW searches wait
 * (p95 16 ms at every size): searches use one. Crossing the threshold builds HNSW inside
 * that `upsert` (tens of seconds, blocking); the HNSW file is ~1.8 kB per vector.
 */
export const FAISS_HNSW_THRESHOLD = 25_000;
/** HNSW neighbours per node (`HNSW32,Flat`), FAISS's usual choice for 384-d. */
export const FAISS_HNSW_M = 32;
/** HNSW build breadth: FAISS's default, 40 (builds are already slow, see the table). */
export const FAISS_EF_CONSTRUCTION = 40;
/**
 * HNSW search breadth: 128, recall@10 ≥ 0.987 up to 100 000 vectors in the table above (64
 * falls to 0.944 at 100 000).
 */
export const FAISS_EF_SEARCH = 128;
