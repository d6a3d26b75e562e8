import { compact, findBefore, matchTable, type Extractor } from './text.js';
import type { Rule } from './types.js';

/** The host named in a line: urllib3's `host='x'`, else a URL's host. */
function hostIn(text: string): string | undefined {
  return /host='([^']+)'/.exec(text)?.[1] ?? /https?:\/\/([\w.-]+)/.exec(text)?.[1];
}

/** Name resolution and routing failures, whatever printed them. */
const RESOLUTION =
  /Temporary failure in name resolution|Name or service not known|nodename nor servname provided|Network is unreachable|NewConnectionError|Failed to establish a new connection/;

const MESSAGES: readonly Extractor[] = [
  // node dns: "getaddrinfo ENOTFOUND registry.npmjs.org", "getaddrinfo EAI_AGAIN pypi.org"
  [/getaddrinfo (ENOTFOUND|EAI_AGAIN) ([\w.-]+)/, (m) => compact({ code: m[1], host: m[2] })],
  // node net: "connect ENETUNREACH 2606:4700::1:443", "connect ETIMEDOUT 104.16.0.35:443"
  [
    /connect (ENETUNREACH|EHOSTUNREACH|ETIMEDOUT) (\S+)/,
    (m) => compact({ code: m[1], address: m[2] }),
  ],
  // curl/git: "Could not resolve host: github.com"
  [/Could not resolve host: ([\w.-]+)/, (m) => compact({ host: m[1] })],
  // pip: "Could not fetch URL https://pypi.org/simple/flask/: There was a problem confirming the ssl certificate"
  [/Could not fetch URL https?:\/\/([\w.-]+)/, (m) => compact({ host: m[1] })],
  // pip's urllib3 retries, CPython socket.gaierror: "[Errno -3] Temporary failure in name resolution"
  [RESOLUTION, (m) => compact({ host: hostIn(m.input), reason: m[0] })],
];

/** True when any line shows a network failure (other rules defer to it, e.g. pip's "from versions: none"). */
export function hasNetworkFailure(lines: readonly string[]): boolean {
  return lines.some((l) => matchTable(l, MESSAGES) !== null);
}

/**
 * The network is down or a host does not resolve. npm's closing "This is a problem related
 * to network connectivity." takes the host from the request line above it.
 */
export const networkUnreachable: Rule = {
  id: 'network/unreachable',
  class: 'network-unreachable',
  stage: 'line',
  test: ({ lines, at, line }) => {
    const d = matchTable(line, MESSAGES);
    if (d) return d;
    if (!/This is a problem related to network connectivity/.test(line)) return null;
    const request = findBefore(lines, at, /request to (\S+) failed/, 15)?.m[1];
    return compact({ host: request && hostIn(request) });
  },
};
