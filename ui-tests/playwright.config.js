/**
 * Galata + Playwright configuration of the UI tests.
 *
 * Runs against Debian's Chromium (never `npx playwright install`: browsers cannot be downloaded
 * here). CHROMIUM_PATH overrides its path; UI_TESTS_PORT the Jupyter server's port (8888).
 *
 * A second Jupyter server, on UI_TESTS_ENGINE_DOWN_PORT (UI_TESTS_PORT + 1), has its container
 * engine at an address where nothing answers: tests/engine-down.spec.ts runs against it.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.UI_TESTS_PORT || '8888';
const engineDownPort =
  process.env.UI_TESTS_ENGINE_DOWN_PORT || String(Number(port) + 1);
// Port 9 (discard) on the loopback: connections are refused at once.
const deadEngine = 'tcp://127.0.0.1:9';
const engineDownTests = /engine-down\.spec\.ts$/;

module.exports = {
  ...baseConfig,
  reporter: [['list'], ['html', { open: 'never' }]],
  // One Jupyter server serves every test; tests of one file share the kernel machinery.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${port}`,
    // The video recorder needs an ffmpeg download.
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  projects: [
    { name: 'lab', testIgnore: engineDownTests },
    {
      name: 'engine-down',
      testMatch: engineDownTests,
      use: { baseURL: `http://localhost:${engineDownPort}` }
    }
  ],
  webServer: [
    {
      command: 'jlpm start',
      url: `http://localhost:${port}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      command: 'jlpm start',
      url: `http://localhost:${engineDownPort}/lab`,
      env: {
        UI_TESTS_PORT: engineDownPort,
        CONTAINERIZE_UI_ENGINE_URL: deadEngine
      },
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    }
  ]
};
