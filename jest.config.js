const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

// JupyterLab's packages ship ES modules: babel turns them into CommonJS for jest.
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyterlab/',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/**/.ipynb_checkpoints/*'
  ],
  // Text only: a test run leaves no coverage/ or junit.xml behind in the tree.
  coverageReporters: ['text'],
  reporters: ['default', 'github-actions'],
  // Only the sources: the tree also holds a venv and a built labextension.
  roots: ['<rootDir>/src'],
  testRegex: 'src/.*/.*.spec.ts[x]?$',
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).*`]
};
