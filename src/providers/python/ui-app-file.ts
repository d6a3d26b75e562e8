import type { RepoView } from '../../repo/repo-view.js';

/** The app frameworks whose entry is a script file rather than an importable app object. */
export type UiFramework = 'streamlit' | 'gradio';

/** How far below the root `*.py` files are scanned (0 = root only). */
const SCAN_DEPTH = 2;

/**
 * File names preferred, at the same depth, when several files qualify. `streamlit_app.py` is
 * Streamlit Community Cloud's default entry. Source: https://docs.streamlit.io/deploy/streamlit-community-cloud/deploy-your-app
 */
const PREFERRED: Record<UiFramework, readonly string[]> = {
  streamlit: ['streamlit_app.py', 'app.py', 'main.py', 'Home.py'],
  gradio: ['app.py', 'main.py', 'demo.py'],
};

/** `import streamlit` / `from streamlit`, which every Streamlit script has. */
const STREAMLIT = /^\s*(?:import\s+streamlit\b|from\s+streamlit\b)/m;
/** A Gradio UI being built (`gr.Interface(`, `gradio.Blocks(`, …) … */
const GRADIO_UI = /\b(?:gr|gradio)\.(?:Interface|Blocks|ChatInterface|TabbedInterface)\s*\(/;
/** … and launched: Gradio's server starts in `.launch(`. Source: https://www.gradio.app/guides/quickstart */
const LAUNCH = /\.launch\s*\(/;

/**
 * The script that is the app of `framework`, or null: for Streamlit a `*.py` file importing
 * streamlit, for Gradio one that builds a `gr.Interface`/`gr.Blocks`/`gr.ChatInterface` and
 * calls `.launch(`. Files up to {@link SCAN_DEPTH} deep are scanned, tests and Streamlit's
 * `pages/` folder (the extra pages of a multipage app, never its entry) skipped; a shallower
 * file wins, then a {@link PREFERRED} name, then the first in sorted order.
 *
 * @example
 * await findUiAppFile(repo, 'streamlit'); // 'streamlit_app.py'
 */
export async function findUiAppFile(
  repo: RepoView,
  framework: UiFramework,
): Promise<string | null> {
  const files = await repo.findFiles((name, rel) => name.endsWith('.py') && !skipped(rel), {
    maxDepth: SCAN_DEPTH,
  });
  const preferred = PREFERRED[framework];
  let best: { file: string; rank: [number, number] } | null = null;
  for (const file of files) {
    const text = await repo.readText(file);
    if (text === null || !isApp(text, framework)) continue;
    const name = file.split('/').pop() ?? '';
    const named = preferred.indexOf(name);
    const rank: [number, number] = [
      file.split('/').length,
      named === -1 ? preferred.length : named,
    ];
    if (
      best === null ||
      rank[0] < best.rank[0] ||
      (rank[0] === best.rank[0] && rank[1] < best.rank[1])
    )
      best = { file, rank };
  }
  return best?.file ?? null;
}

function isApp(text: string, framework: UiFramework): boolean {
  if (framework === 'streamlit') return STREAMLIT.test(text);
  return GRADIO_UI.test(text) && LAUNCH.test(text);
}

function skipped(rel: string): boolean {
  const parts = rel.split('/');
  const name = parts.pop() ?? '';
  if (parts.some((dir) => dir === 'tests' || dir === 'test' || dir === 'pages')) return true;
  return name.startsWith('test_') || name.endsWith('_test.py') || name === 'conftest.py';
}
