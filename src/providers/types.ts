import type { ServiceSpec } from '../model/plan.js';
import type { RepoView } from '../repo/repo-view.js';

/** What a provider saw that says the repo is of its ecosystem. */
export interface Detection {
  /** Files or facts that matched, e.g. `requirements.txt`, `flask in requirements.txt`. */
  evidence: string[];
}

/** What a provider's plan returns: the services it found, and anything the user should know. */
export interface ProviderPlan {
  services: ServiceSpec[];
  warnings: string[];
}

/**
 * Ecosystem knowledge: `detect` says whether the repo is of this ecosystem, `plan` says how
 * to install, build and start it. Both only read the repo (never run its code) and take the
 * same read-only {@link RepoView}. Modelled on railpack's provider interface.
 */
export interface Provider {
  /** Ecosystem name (`python`, `node`): also the service name when a repo has one service. */
  readonly name: string;
  /** Null when the repo is not of this ecosystem. */
  detect(repo: RepoView): Promise<Detection | null>;
  /** Called only after `detect` matched. May return no services (e.g. a library). */
  plan(repo: RepoView, detection: Detection): Promise<ProviderPlan>;
}
