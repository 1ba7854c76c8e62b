/**
 * - The touch record: a notebook with a real kernel on the test server; opening the panel arms the
 *   recording hook in the kernel and shows what it has touched so far.
 * - A project build: "Containerize Folder…" on a folder opens the panel for the folder, and its
 *   build sends the folder as `path` with no spec; the per-notebook verify of the result is shown.
 *   Against a scripted build API (Playwright routes): no Docker is needed.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Route } from '@playwright/test';
import * as path from 'path';

const NOTEBOOK = 'imports_numpy.ipynb';
const FIXTURE = path.resolve(__dirname, '..', 'notebooks', NOTEBOOK);
const TOOLBAR_BUTTON = '.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]';
const BUILD_ID = 'beefcafe0001';

test.describe('Recording what the kernel touches', () => {
  test('the panel arms the record in the running kernel', async ({ page, tmpPath }) => {
    const posts: unknown[] = [];
    page.on('request', request => {
      if (request.method() === 'POST' && /\/containerize\/record(\?|$)/.test(request.url())) {
        posts.push(request.postDataJSON());
      }
    });
    await page.contents.uploadFile(FIXTURE, `${tmpPath}/${NOTEBOOK}`);
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.notebook.activate(NOTEBOOK);
    await page.notebook.run();
    await page.locator(TOOLBAR_BUTTON).click();
    const panel = page.locator('#jp-containerize-panel');
    await expect(panel.locator('.jp-Containerize-recording')).toContainText(
      /^Recording what the kernel touches since \d\d:\d\d — \d+ files?, \d+ programs?, \d+ modules?$/,
      { timeout: 60000 }
    );
    // Once; a second try only when the kernel was busy (502) the first time.
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(posts[0]).toHaveProperty('kernel_id');
  });
});

test.describe('Containerize a folder', () => {
  test('one image for every notebook of the folder', async ({ page, tmpPath }) => {
    const requests: any[] = [];
    await page.route(/\/containerize\/builds(\/|\?|$)/, (route: Route) => {
      const request = route.request();
      const json = (status: number, body: unknown) =>
        route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
      if (request.method() === 'POST') {
        requests.push(request.postDataJSON());
        return json(202, { id: BUILD_ID, status: 'queued', next: 0 });
      }
      if (new URL(request.url()).pathname.endsWith(`/builds/${BUILD_ID}`)) {
        const t0 = Date.now() / 1000 - 60;
        return json(200, {
          id: BUILD_ID,
          status: 'succeeded',
          created: t0,
          started: t0,
          finished: t0 + 50,
          events: [{ index: 0, kind: 'done', time: t0 + 50, message: 'Built book:notebook' }],
          next: 1,
          result: {
            tag: 'book:notebook',
            notebooks: ['a.ipynb', 'lessons/b.ipynb'],
            verify: {
              passed: false,
              failed: ['lessons/b.ipynb'],
              notebooks: {
                'a.ipynb': { passed: true, cells: [{ index: 0, status: 'passed', output_match: true }] },
                'lessons/b.ipynb': {
                  passed: false,
                  cells: [{ index: 0, status: 'failed', output_match: null, error: 'NameError: x' }]
                }
              }
            }
          }
        });
      }
      return json(200, []);
    });
    await page.route(/\/containerize\/info(\?|$)/, async route => {
      const response = await route.fetch();
      const engine = { available: true, where: "this machine's container engine", version: '20.10.24', message: null };
      await route.fulfill({ response, json: { ...(await response.json()), engine } });
    });
    await page.contents.uploadFile(FIXTURE, `${tmpPath}/book/${NOTEBOOK}`);
    // The routes answer from the start: the server's info is read when the app starts.
    await page.goto(`tree/${tmpPath}?reset`);

    await page.locator('.jp-DirListing-item[data-isdir="true"]', { hasText: 'book' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Containerize Folder…' }).click();
    const panel = page.locator('#jp-containerize-panel');
    await expect(panel.locator('.jp-Containerize-notebookPath')).toHaveText('book');
    // No notebook, no kernel: nothing is inspected, and only the options a folder takes.
    await expect(panel.getByText('Inspecting')).toHaveCount(0);
    await expect(panel.getByLabel('GPU')).toHaveCount(0);
    await panel.getByLabel('Image tag').fill('book:v1');
    await panel.getByRole('checkbox', { name: /Verify/ }).check();
    await panel.getByRole('button', { name: 'Build image' }).click();

    const result = panel.getByLabel('Build result');
    await expect(result).toContainText('2 notebooks in the image');
    await expect(result).toContainText('Verify: 1 notebook of 2 differs');
    await expect(result.locator('details', { hasText: 'lessons/b.ipynb' })).toContainText('NameError: x');
    expect(requests).toEqual([
      { path: `${tmpPath}/book`, options: { target: 'notebook', verify: true, tag: 'book:v1' } }
    ]);
  });
});
