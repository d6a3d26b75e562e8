/**
 * Classifies what the user gave `run`: a git URL to clone, or a local path to use in place.
 * Only these transports are accepted: https, http, ssh (`ssh://` or scp-like `user@host:path`),
 * git, and file. Anything else (`ext::`, `fd::`, other `<helper>::` remote helpers) is refused:
 * such transports run arbitrary commands (git's own `protocol.allow` documentation).
 */
export type Source =
  | { kind: 'path'; path: string }
  | { kind: 'git'; url: string; transport: 'https' | 'http' | 'ssh' | 'git' | 'file' };

const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)[^\s]+$/;

/**
 * Parses a source string.
 *
 * @throws Error with a user-facing message for refused transports and malformed URLs.
 */
export function parseSource(input: string): Source {
  const s = input.trim();
  if (s === '') throw new Error('no repository given: pass a path or a git URL');
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(s)) {
    throw new Error(
      `refusing ${s.split('::')[0]}:: remote helper: only https, ssh, git and file URLs are accepted`,
    );
  }
  if (s.startsWith('-')) throw new Error(`"${s}" looks like an option, not a repository`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(s)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    const transport = (
      {
        https: 'https',
        http: 'http',
        ssh: 'ssh',
        git: 'git',
        file: 'file',
        'git+ssh': 'ssh',
        'ssh+git': 'ssh',
      } as const
    )[scheme];
    if (!transport)
      throw new Error(`unsupported URL scheme ${scheme}://: use https, ssh, git or file`);
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new Error(`malformed git URL: ${s}`);
    }
    if (transport !== 'file' && !url.hostname) throw new Error(`malformed git URL (no host): ${s}`);
    if (transport === 'file' && !url.pathname)
      throw new Error(`malformed file URL (no path): ${s}`);
    return { kind: 'git', url: s, transport };
  }
  if (SCP_LIKE.test(s)) return { kind: 'git', url: s, transport: 'ssh' };
  return { kind: 'path', path: s };
}
