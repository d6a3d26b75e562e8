import { PERMISSIONS, TIER_NAMES, TIERS, type TierSpec } from '../../auth/tiers.js';

/** What `repo-runner tiers --json` prints: the tier table and the permission names. */
export interface TiersJson {
  tiers: TierSpec[];
  permissions: string[];
  /** How requests/hour is counted (see `src/auth/rate-limit.ts`). */
  rateLimitWindow: 'fixed UTC hour';
}

/** The tier table as JSON data. */
export function tiersJson(): TiersJson {
  return {
    tiers: TIER_NAMES.map((t) => ({ ...TIERS[t], permissions: [...TIERS[t].permissions] })),
    permissions: [...PERMISSIONS],
    rateLimitWindow: 'fixed UTC hour',
  };
}

/** The tier table as aligned text, then the authorization matrix (one row per permission). */
export function tiersText(): string {
  const head = ['tier', 'index', 'GPU', 'requests/hour', 'max repos', 'Admin Agent', 'support'];
  const rows = TIER_NAMES.map((t) => {
    const s = TIERS[t];
    return [
      t,
      s.index,
      s.gpu,
      String(s.requestsPerHour),
      String(s.maxRepos),
      s.adminAgent ? 'yes' : 'no',
      s.support,
    ];
  });
  const matrixHead = ['permission', ...TIER_NAMES];
  const matrix = PERMISSIONS.map((p) => [
    p,
    ...TIER_NAMES.map((t) => (TIERS[t].permissions.includes(p) ? 'yes' : '-')),
  ]);
  return [
    ...table([head, ...rows]),
    '',
    ...table([matrixHead, ...matrix]),
    '',
    'Requests are counted in fixed UTC-hour windows (the count starts again on the hour).',
    '',
  ].join('\n');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** `repo-runner tiers [--json]`: prints the tiers of ARCHITECTURE.md §3 and what each may do. */
export async function tiersCommand(flags: { json?: boolean }): Promise<number> {
  process.stdout.write(flags.json ? `${JSON.stringify(tiersJson(), null, 2)}\n` : tiersText());
  return 0;
}
