import type { RunLimits } from '../model/run-limits.js';
import { TIER_LIMITS } from './tier-limits.js';
import type { Permission, TierName } from './types.js';

/** Context index backend of a tier; a missing backend falls back to the next one available. */
export type IndexBackend = 'simple' | 'faiss' | 'chroma';

/** GPU class a tier's runs may use. */
export type GpuClass = 'none' | 'small' | 'medium' | 'large';

/** One row of the tier table (ARCHITECTURE.md §3), with the permissions the tier grants. */
export interface TierSpec {
  name: TierName;
  /** Context index backend (`simple` = plain text search). */
  index: IndexBackend;
  gpu: GpuClass;
  /** Requests allowed per fixed one-hour window (see `rate-limit.ts`). */
  requestsPerHour: number;
  /** Distinct repositories a user of this tier may run. */
  maxRepos: number;
  /** Whether the tier may use the Admin Agent (developer only). */
  adminAgent: boolean;
  /** Support level. */
  support: 'community' | 'email' | 'priority' | 'internal' | 'admin' | 'developer';
  /** Everything the tier may do; the authorization matrix of ARCHITECTURE.md §3. */
  permissions: readonly Permission[];
  /** What one run of the tier may use (memory, processes, CPU, disk, logs, step time). */
  limits: RunLimits;
}

/** Every tier, lowest first. */
export const TIER_NAMES = [
  'free',
  'advanced',
  'premium',
  'tester',
  'admin',
  'developer',
] as const satisfies readonly TierName[];

/** Every permission, in the order `repo-runner tiers` prints them. */
export const PERMISSIONS = [
  'runs',
  'search:simple',
  'search:faiss',
  'search:chroma',
  'gpu',
  'runs:all',
  'audit:read',
  'users:manage',
  'admin-agent',
] as const satisfies readonly Permission[];

const BASE: Permission[] = ['runs', 'search:simple'];
// Tester has admin's privileges except user management (ARCHITECTURE.md §3): that includes
// reading every run and the audit log, which are oversight, not management.
const STAFF: Permission[] = ['runs:all', 'audit:read'];

/**
 * The tier table and authorization matrix of ARCHITECTURE.md §3, as data. Numbers
 * (requests/hour, max repos) are the architecture's; the matrix: simple search for all,
 * FAISS for all but free, Chroma for premium/admin/developer, GPU for all but free, user
 * management for admin and developer, the Admin Agent for developer only.
 */
export const TIERS: Readonly<Record<TierName, TierSpec>> = {
  free: {
    name: 'free',
    limits: TIER_LIMITS.free,
    index: 'simple',
    gpu: 'none',
    requestsPerHour: 10,
    maxRepos: 3,
    adminAgent: false,
    support: 'community',
    permissions: [...BASE],
  },
  advanced: {
    name: 'advanced',
    limits: TIER_LIMITS.advanced,
    index: 'faiss',
    gpu: 'small',
    requestsPerHour: 50,
    maxRepos: 10,
    adminAgent: false,
    support: 'email',
    permissions: [...BASE, 'search:faiss', 'gpu'],
  },
  premium: {
    name: 'premium',
    limits: TIER_LIMITS.premium,
    index: 'chroma',
    gpu: 'large',
    requestsPerHour: 200,
    maxRepos: 100,
    adminAgent: false,
    support: 'priority',
    permissions: [...BASE, 'search:faiss', 'search:chroma', 'gpu'],
  },
  tester: {
    name: 'tester',
    limits: TIER_LIMITS.tester,
    index: 'faiss',
    gpu: 'medium',
    requestsPerHour: 100,
    maxRepos: 50,
    adminAgent: false,
    support: 'internal',
    permissions: [...BASE, 'search:faiss', 'gpu', ...STAFF],
  },
  admin: {
    name: 'admin',
    limits: TIER_LIMITS.admin,
    index: 'chroma',
    gpu: 'large',
    requestsPerHour: 1000,
    maxRepos: 1000,
    adminAgent: false,
    support: 'admin',
    permissions: [...BASE, 'search:faiss', 'search:chroma', 'gpu', ...STAFF, 'users:manage'],
  },
  developer: {
    name: 'developer',
    limits: TIER_LIMITS.developer,
    index: 'chroma',
    gpu: 'large',
    requestsPerHour: 10_000,
    maxRepos: 10_000,
    adminAgent: true,
    support: 'developer',
    permissions: [
      ...BASE,
      'search:faiss',
      'search:chroma',
      'gpu',
      ...STAFF,
      'users:manage',
      'admin-agent',
    ],
  },
};

/** True when `value` names a tier. */
export function isTierName(value: unknown): value is TierName {
  return typeof value === 'string' && (TIER_NAMES as readonly string[]).includes(value);
}

/** True when `tier` grants `permission` (the one place the matrix is read). */
export function tierGrants(tier: TierName, permission: Permission): boolean {
  return TIERS[tier].permissions.includes(permission);
}

/** The tier a caller without an account gets (anonymous local CLI use: ARCHITECTURE.md §3). */
export const ANONYMOUS_TIER: TierName = 'free';
