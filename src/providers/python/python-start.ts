/** Interpreter of the virtual environment the DependencyAgent creates at `.venv` (relative to the repository root). */
export const VENV_PYTHON = '.venv/bin/python';

/** How to start a Python service, before it becomes a CommandSpec. */
export interface PythonStart {
  /** Program and arguments, with `{host}` and `{port}` placeholders. */
  argv: string[];
  /** Working directory relative to the repository root. */
  cwd: string;
  /** Environment for the start command (values may hold `{port}` and `{host}`). */
  env: Record<string, string>;
  description: string;
  /** The file whose text decides the health path and that the user should look at first. */
  mainFile: string;
  /** The health route the framework always serves, or null to look for one in `mainFile`. */
  healthPath: string | null;
  /** Packages the start command needs that the repository does not list (installed extra). */
  extraPackages: string[];
  warnings: string[];
}

/**
 * A {@link PythonStart} run from the root with no extra environment, packages or warnings.
 *
 * @example
 * plainStart(['.venv/bin/python', 'app.py'], 'python app.py', 'app.py').cwd; // '.'
 */
export function plainStart(argv: string[], description: string, mainFile: string): PythonStart {
  return {
    argv,
    cwd: '.',
    env: {},
    description,
    mainFile,
    healthPath: null,
    extraPackages: [],
    warnings: [],
  };
}
