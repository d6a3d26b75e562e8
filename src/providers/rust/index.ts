import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { PROVIDER_MARKERS } from '../markers.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import { readCargoToml } from './cargo-toml.js';
import { pickBin, readPackages, type RustPackage } from './packages.js';
import { rustService } from './rust-service.js';

/**
 * The Rust provider: detects a root Cargo.toml and plans one service per package that has a
 * bin target and a web framework dependency (axum, actix-web, rocket, warp, hyper,
 * tiny_http), named after its bin: `cargo build --release --bin <name>` then
 * `target/release/<name>` (see {@link rustService}). A single package runs even without a
 * framework dependency (a std-only server); in a workspace, a package without one runs only
 * when it holds the only bin. A malformed Cargo.toml makes `plan` throw.
 *
 * @example
 * const detection = await rustProvider.detect(repo);
 * if (detection) (await rustProvider.plan(repo, detection)).services.map((s) => s.name);
 * // ['api', 'admin']
 */
export const rustProvider: Provider = {
  name: 'rust',

  async detect(repo: RepoView): Promise<Detection | null> {
    const [marker] = PROVIDER_MARKERS.rust;
    return (await repo.hasFile(marker)) ? { evidence: [marker] } : null;
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    const root = await readCargoToml(repo, 'Cargo.toml');
    if (root === null) throw new Error('Cargo.toml not found');
    const packages = await readPackages(repo, root);
    const baseEvidence = [...detection.evidence];
    if (root.workspace) {
      const members = packages.filter((p) => p.dir !== '.').map((p) => p.dir);
      baseEvidence.push(`workspace members: ${members.join(', ') || 'none'}`);
    }
    const warnings: string[] = [];
    const withBins = packages.filter((p) => p.bins.length > 0);
    const web = withBins.filter((p) => p.framework !== null);
    const binCount = withBins.reduce((n, p) => n + p.bins.length, 0);
    let chosen: RustPackage[] = [];
    if (web.length > 0) chosen = web;
    else if (root.workspace === undefined || binCount === 1) chosen = withBins;
    if (chosen.length === 0) {
      const bins = withBins.flatMap((p) => p.bins.map((b) => b.name));
      warnings.push(
        bins.length === 0
          ? 'rust: no bin target (src/main.rs, src/bin/*.rs or [[bin]]); a library has nothing to run'
          : `rust: bins ${bins.join(', ')} depend on no web framework (axum, actix-web, rocket, warp, hyper, tiny_http): not run — override with repo-runner.json`,
      );
      return { services: [], warnings };
    }
    const skipped = withBins.filter((p) => !chosen.includes(p)).map((p) => p.dir);
    if (skipped.length > 0) {
      warnings.push(`rust: not run (no web framework): ${skipped.join(', ')}`);
    }
    const facts = { root, locked: await repo.hasFile('Cargo.lock') };
    const services: ServiceSpec[] = [];
    for (const pkg of chosen) {
      const bin = pickBin(pkg);
      if (bin === null) continue;
      const others = pkg.bins.filter((b) => b !== bin).map((b) => b.name);
      const evidence = [...baseEvidence];
      if (others.length > 0) {
        const note = `picked bin ${bin.name} of ${pkg.manifestRel}; others: ${others.join(', ')}`;
        evidence.push(note);
        warnings.push(`rust: ${note} — override with repo-runner.json`);
      }
      services.push(await rustService(repo, pkg, bin, facts, evidence));
    }
    return { services, warnings };
  },
};
