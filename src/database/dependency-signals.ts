import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseRequirementName } from '../repo/python-requirement-name.js';
import {
  GO_MODULES,
  JAVA_ARTIFACTS,
  kindOfWord,
  NODE_PACKAGES,
  PYTHON_PACKAGES,
  type NeedSignal,
} from './need-rules.js';

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Python requirement's signal: a known driver, or an extra naming one (`celery[redis]`). */
function pythonSignal(rel: string, spec: string): NeedSignal | null {
  const req = parseRequirementName(spec);
  if (!req) return null;
  const kind = PYTHON_PACKAGES[req.name] ?? req.extras.map(kindOfWord).find((k) => k !== null);
  if (!kind) return null;
  const extras = req.extras.length > 0 ? `[${req.extras.join(',')}]` : '';
  return { kind, evidence: `${rel}: ${req.name}${extras}` };
}

/** Poetry and Pipfile tables: `name = "ver"` or `name = { extras = [...] }`, as specs. */
function tableSpecs(table: unknown): string[] {
  if (!isTable(table)) return [];
  return Object.entries(table).map(([name, value]) => {
    const extras = isTable(value) && Array.isArray(value['extras']) ? value['extras'] : [];
    return extras.length > 0 ? `${name}[${extras.join(',')}]` : name;
  });
}

function tomlSpecs(name: string, text: string): string[] {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch {
    return []; // passive reading: a broken manifest shows nothing, the provider reports it
  }
  if (name === 'Pipfile') return tableSpecs(doc['packages']);
  const project = doc['project'];
  const deps =
    isTable(project) && Array.isArray(project['dependencies']) ? project['dependencies'] : [];
  const tool = doc['tool'];
  const poetry = isTable(tool) ? tool['poetry'] : undefined;
  return [
    ...deps.filter((d): d is string => typeof d === 'string'),
    ...tableSpecs(isTable(poetry) ? poetry['dependencies'] : undefined),
  ];
}

/** Requirement strings of setup.py's `install_requires=[…]` or setup.cfg's `install_requires =`. */
function setupSpecs(name: string, text: string): string[] {
  if (name === 'setup.py') {
    const list = /install_requires\s*=\s*\[([\s\S]*?)\]/.exec(text)?.[1] ?? '';
    return [...list.matchAll(/(['"])([^'"\n]+)\1/g)].map((m) => m[2] ?? '');
  }
  const block = /^install_requires\s*=\s*([^\n]*(?:\n[ \t]+[^\n]*)*)/m.exec(text)?.[1] ?? '';
  return block.split('\n');
}

function pythonSpecs(rel: string, text: string): string[] | null {
  const name = path.posix.basename(rel);
  if (/^requirements.*\.txt$/i.test(name) || /(^|\/)requirements\/[^/]+\.txt$/.test(rel)) {
    return text
      .split('\n')
      .map((l) => l.replace(/\s#.*$|^#.*$/, '').trim())
      .filter((l) => l !== '' && !l.startsWith('-'));
  }
  if (name === 'pyproject.toml' || name === 'Pipfile') return tomlSpecs(name, text);
  if (name === 'setup.py' || name === 'setup.cfg') return setupSpecs(name, text);
  return null;
}

function nodeSignals(rel: string, text: string): NeedSignal[] {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isTable(pkg)) return [];
  const names = ['dependencies', 'optionalDependencies'].flatMap((field) =>
    isTable(pkg[field]) ? Object.keys(pkg[field]) : [],
  );
  return names.flatMap((n) => {
    const kind = NODE_PACKAGES[n];
    return kind ? [{ kind, evidence: `${rel}: ${n}` }] : [];
  });
}

function goSignals(rel: string, text: string): NeedSignal[] {
  const out: NeedSignal[] = [];
  for (const line of text.split('\n')) {
    if (line.includes('// indirect')) continue;
    const mod =
      line
        .trim()
        .replace(/^require\s+/, '')
        .split(/\s+/)[0] ?? '';
    const hit = GO_MODULES.find(([prefix]) => mod === prefix || mod.startsWith(`${prefix}/`));
    if (hit) out.push({ kind: hit[1], evidence: `${rel}: ${mod}` });
  }
  return out;
}

/** Maven `<dependency>` blocks or Gradle lines, without test-only ones. */
function javaSignals(rel: string, text: string): NeedSignal[] {
  const units = rel.endsWith('pom.xml')
    ? (text.match(/<dependency>[\s\S]*?<\/dependency>/g) ?? []).filter(
        (d) => !/<scope>\s*test\s*<\/scope>/.test(d),
      )
    : text.split('\n').filter((l) => !/^\s*test[A-Z]\w*/.test(l));
  const out: NeedSignal[] = [];
  for (const unit of units) {
    for (const [pattern, kind] of JAVA_ARTIFACTS) {
      const match = pattern.exec(unit);
      if (match) out.push({ kind, evidence: `${rel}: ${match[0]}` });
    }
  }
  return out;
}

/** Names of the dependency manifests {@link dependencySignals} reads. */
export function isDependencyManifest(name: string, rel: string): boolean {
  return (
    /^(pyproject\.toml|Pipfile|setup\.py|setup\.cfg|package\.json|go\.mod|pom\.xml|build\.gradle(\.kts)?)$/.test(
      name,
    ) ||
    /^requirements.*\.txt$/i.test(name) ||
    /(^|\/)requirements\/[^/]+\.txt$/.test(rel)
  );
}

/**
 * Database drivers and clients declared in one dependency manifest: Python (requirements,
 * pyproject.toml, Pipfile, setup.py/cfg), Node (package.json `dependencies`), Go (go.mod,
 * direct requires) and Java (pom.xml, build.gradle; test scope left out).
 *
 * @example
 * dependencySignals('requirements.txt', 'psycopg2-binary==2.9\n');
 * // [{ kind: 'postgres', evidence: 'requirements.txt: psycopg2-binary' }]
 */
export function dependencySignals(rel: string, text: string): NeedSignal[] {
  const name = path.posix.basename(rel);
  const specs = pythonSpecs(rel, text);
  if (specs) return specs.flatMap((s) => pythonSignal(rel, s) ?? []);
  if (name === 'package.json') return nodeSignals(rel, text);
  if (name === 'go.mod') return goSignals(rel, text);
  if (name === 'pom.xml' || name.startsWith('build.gradle')) return javaSignals(rel, text);
  return [];
}
