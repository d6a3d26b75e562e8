import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planOne, withTree as withRepo, type Tree } from '../temp-tree.test-kit.js';
import { pythonProvider } from './index.js';
import { gradioWarnings } from './start-command.js';
import { findUiAppFile } from './ui-app-file.js';

const planPython = (files: Tree) => planOne(pythonProvider, files);

const ST = 'import streamlit as st\nst.title("hi")\n';

test('streamlit: streamlit run with port, address, headless; health at /_stcore/health', async () => {
  const [service, warnings] = await planPython({
    'requirements.txt': 'streamlit==1.40\npandas\nfastapi\n',
    'streamlit_app.py': ST,
    'pages/1_Other.py': ST,
    'helpers.py': 'def f(): pass\n',
  });
  assert.equal(service.framework, 'streamlit');
  assert.deepEqual(service.start.argv, [
    '.venv/bin/streamlit',
    'run',
    'streamlit_app.py',
    '--server.port',
    '{port}',
    '--server.address',
    '{host}',
    '--server.headless',
    'true',
    '--browser.gatherUsageStats',
    'false',
  ]);
  assert.equal(service.healthPath, '/_stcore/health');
  assert.ok(service.evidence.includes('streamlit app streamlit_app.py'));
  // fastapi is listed but has no app: not worth a warning once streamlit matched
  assert.deepEqual(warnings, []);
});

test('streamlit entry: shallower first, then app.py over other names, pages/ skipped', async () => {
  await withRepo(
    {
      'dashboard.py': 'from streamlit import title\n',
      'app.py': ST,
      'src/streamlit_app.py': ST,
      'pages/Home.py': ST,
    },
    async (repo) => assert.equal(await findUiAppFile(repo, 'streamlit'), 'app.py'),
  );
  await withRepo({ 'ui/main.py': ST, 'notes.py': 'x = 1\n' }, async (repo) =>
    assert.equal(await findUiAppFile(repo, 'streamlit'), 'ui/main.py'),
  );
});

test('gradio: python <file> with GRADIO_SERVER_PORT/NAME from {port}/{host}', async () => {
  const [service, warnings] = await planPython({
    'requirements.txt': 'gradio>=4\n',
    'app.py':
      'import gradio as gr\ndef greet(n):\n    return n\ndemo = gr.Interface(fn=greet, inputs="text", outputs="text")\ndemo.launch()\n',
    'util.py': 'import gradio as gr\nbox = gr.Textbox()\n',
  });
  assert.equal(service.framework, 'gradio');
  assert.deepEqual(service.start.argv, ['.venv/bin/python', 'app.py']);
  assert.deepEqual(service.start.env, {
    GRADIO_SERVER_PORT: '{port}',
    GRADIO_SERVER_NAME: '{host}',
    GRADIO_ANALYTICS_ENABLED: 'False',
  });
  assert.deepEqual(warnings, []);
});

test('gradio: Blocks without launch() is not an entry; fixed server_port is warned about', async () => {
  await withRepo(
    {
      'ui.py': 'import gradio as gr\nwith gr.Blocks() as demo:\n    pass\n',
      'run.py': 'from ui import demo\n',
    },
    async (repo) => assert.equal(await findUiAppFile(repo, 'gradio'), null),
  );
  assert.deepEqual(gradioWarnings('app.py', 'demo.launch(share=False)'), []);
  assert.deepEqual(
    gradioWarnings('app.py', 'demo.launch(server_name="0.0.0.0", server_port=7860)').length,
    2,
  );
});

test('a web framework wins over a UI one: fastapi app mounting gradio', async () => {
  const [service] = await planPython({
    'requirements.txt': 'fastapi[standard]\ngradio\n',
    'main.py':
      'import gradio as gr\nfrom fastapi import FastAPI\napp = FastAPI()\nio = gr.Interface(lambda x: x, "text", "text")\napp = gr.mount_gradio_app(app, io, path="/ui")\n',
  });
  assert.equal(service.framework, 'fastapi');
});
