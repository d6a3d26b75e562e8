/**
 * Import names whose PyPI distribution has another name. Sources: each project's own install
 * instructions (e.g. `pip install python-dotenv` for `import dotenv`, `pip install Pillow`
 * for `import PIL`). A module not listed is assumed to share its distribution's name, which
 * holds for most packages.
 */
const MODULE_TO_DISTRIBUTION: Readonly<Record<string, string>> = {
  PIL: 'Pillow',
  bs4: 'beautifulsoup4',
  cv2: 'opencv-python-headless',
  dateutil: 'python-dateutil',
  dotenv: 'python-dotenv',
  jose: 'python-jose',
  jwt: 'PyJWT',
  magic: 'python-magic',
  multipart: 'python-multipart',
  psycopg2: 'psycopg2-binary',
  serial: 'pyserial',
  sklearn: 'scikit-learn',
  skimage: 'scikit-image',
  yaml: 'PyYAML',
  zmq: 'pyzmq',
  Crypto: 'pycryptodome',
  MySQLdb: 'mysqlclient',
  OpenSSL: 'pyOpenSSL',
  attr: 'attrs',
  google: 'protobuf',
  flask_sqlalchemy: 'Flask-SQLAlchemy',
  flask_cors: 'Flask-Cors',
  flask_migrate: 'Flask-Migrate',
  flask_login: 'Flask-Login',
  flask_wtf: 'Flask-WTF',
  rest_framework: 'djangorestframework',
  corsheaders: 'django-cors-headers',
};

/** The PyPI distribution that provides top-level module `module` (`dotenv.main` → python-dotenv). */
export function distributionFor(module: string): string {
  const top = module.split('.')[0] ?? module;
  return MODULE_TO_DISTRIBUTION[top] ?? top.replaceAll('_', '-');
}

/**
 * Commands and the distribution that installs them into a venv's `bin/`. Source: each
 * project's documentation (gunicorn, uvicorn, …).
 */
export const PYTHON_COMMAND_PACKAGES: Readonly<Record<string, string>> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  hypercorn: 'hypercorn',
  daphne: 'daphne',
  'waitress-serve': 'waitress',
  flask: 'flask',
  celery: 'celery',
  alembic: 'alembic',
  streamlit: 'streamlit',
};

/** npm packages whose command a Node project commonly runs without declaring it. */
export const NODE_COMMAND_PACKAGES: Readonly<Record<string, string>> = {
  nodemon: 'nodemon',
  'ts-node': 'ts-node',
  tsx: 'tsx',
  serve: 'serve',
  'http-server': 'http-server',
  concurrently: 'concurrently',
};

/** The npm package a `require`/`import` specifier names (`lodash/fp` → lodash, `@a/b/c` → @a/b); null for relative or built-in specifiers. */
export function nodePackageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? null);
}
