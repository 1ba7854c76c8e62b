/**
 * The panel follows the document: several notebooks and a folder in one page, tab switches, the
 * same notebook in two tabs, a kernel restart, a reload, and a restored workspace whose notebook
 * was deleted. Each document shows its own inspection and options; nothing leaks, nothing hangs
 * on "Inspecting…". Real server, real kernels; no build.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as path from 'path';

const NUMPY = 'imports_numpy.ipynb';
const FIXTURE = path.resolve(__dirname, '..', 'notebooks', NUMPY);
const PLAIN = 'plain.ipynb';
const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

/** A notebook that imports only the standard library. */
const PLAIN_NOTEBOOK = JSON.stringify({
  cells: [
    {
      cell_type: 'code',
      execution_count: null,
      id: 'c1',
      metadata: {},
      outputs: [],
      source: ['import json\n', "print(json.dumps({'plain': 1}))"]
    }
  ],
  metadata: {
    kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
    language_info: { name: 'python' }
  },
  nbformat: 4,
  nbformat_minor: 5
});

const panelOf = (page: IJupyterLabPageFixture): Locator => page.locator('#jp-containerize-panel');

/** The panel shows this document, inspected (no spinner left). */
async function expectShows(page: IJupyterLabPageFixture, docPath: string): Promise<void> {
  const panel = panelOf(page);
  await expect(panel.locator('.jp-Containerize-notebookPath')).toHaveAttribute('data-path', docPath, {
    timeout: 60000
  });
  await expect(panel.locator('.jp-Containerize-loading')).toHaveCount(0, { timeout: 60000 });
  await expect(panel.getByText('Inspection failed')).toHaveCount(0);
}

/** "Containerize…" on the current notebook, as its toolbar button runs it. */
async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('containerize:open', {});
  });
}

async function activateTab(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: name }).first().click();
}

test.describe('The panel follows the document', () => {
  test.use({ viewport: { width: 1280, height: 1400 } });

  test('two notebooks and a folder in one page, two tabs of one notebook, a kernel restart', async ({
    page,
    tmpPath
  }) => {
    // a long scenario (three documents, a clone, a restart): more than the default 60 s on a loaded machine
    test.setTimeout(180_000);
    const inspections: string[] = [];
    page.on('request', request => {
      if (request.method() === 'POST' && request.url().includes('/containerize/inspect')) {
        inspections.push(JSON.parse(request.postData() ?? '{}').path);
      }
    });
    const a = `${tmpPath}/${NUMPY}`;
    const b = `${tmpPath}/${PLAIN}`;
    await page.contents.uploadFile(FIXTURE, a);
    await page.contents.uploadContent(PLAIN_NOTEBOOK, 'text', b);
    await page.contents.uploadFile(FIXTURE, `${tmpPath}/book/${NUMPY}`);

    await page.notebook.openByPath(a);
    await page.notebook.activate(NUMPY);
    await page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]').first().click();
    await expectShows(page, a);
    const panel = panelOf(page);
    await expect(panel.locator('.jp-Containerize-packages')).toContainText('numpy');

    // A second notebook: the panel follows the tab and inspects it.
    await page.notebook.openByPath(b);
    await expectShows(page, b);
    await expect(panel.locator('.jp-Containerize-packages', { hasText: 'numpy' })).toHaveCount(0);
    await panel.getByLabel('Image tag').fill('plain:mine');

    // Back to the first: its own inspection and options, the second's tag is not there.
    await activateTab(page, NUMPY);
    await expectShows(page, a);
    await expect(panel.locator('.jp-Containerize-packages')).toContainText('numpy');
    await expect(panel.getByLabel('Image tag')).toHaveValue('');
    await activateTab(page, PLAIN);
    await expectShows(page, b);
    await expect(panel.getByLabel('Image tag')).toHaveValue('plain:mine');

    // A folder: every option sticks, typed key by key.
    await page.evaluate(async folder => {
      await window.jupyterapp.commands.execute('containerize:open-folder', { path: folder });
    }, `${tmpPath}/book`);
    await expect(panel.locator('.jp-Containerize-notebookPath')).toHaveAttribute('data-path', `${tmpPath}/book`);
    // The folder's packages, as its build will inspect them: shown, not editable (no spec is sent).
    await expect(panel.locator('.jp-Containerize-loading')).toHaveCount(0, { timeout: 60000 });
    await expect(panel.locator('.jp-Containerize-packages')).toContainText('numpy');
    await expect(panel.locator('.jp-Containerize-readOnly')).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Remove numpy' })).toHaveCount(0);
    await expect(panel.getByLabel('Package to add, as name or name==version')).toHaveCount(0);
    await panel.getByLabel('Base image', { exact: true }).selectOption('custom');
    await panel.getByLabel('Custom base image').pressSequentially('python:3.11');
    await panel.getByLabel('Image tag').pressSequentially('book:all');
    const verify = panel.getByRole('checkbox', { name: /Verify/ });
    await expect(verify).toBeChecked();
    await verify.uncheck();
    await expect(verify).not.toBeChecked();
    await expect(panel.getByLabel('Base image', { exact: true })).toHaveValue('custom');
    await expect(panel.getByLabel('Custom base image')).toHaveValue('python:3.11');
    await expect(panel.getByLabel('Image tag')).toHaveValue('book:all');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'documents-folder.png') });

    // A notebook tab again (from the file browser, as a user would), then the folder again:
    // the folder's options were kept.
    await page.locator('.jp-DirListing-content').click();
    await activateTab(page, NUMPY);
    await expectShows(page, a);
    await page.evaluate(async folder => {
      await window.jupyterapp.commands.execute('containerize:open-folder', { path: folder });
    }, `${tmpPath}/book`);
    await expect(panel.getByLabel('Image tag')).toHaveValue('book:all');
    await expect(panel.getByRole('checkbox', { name: /Verify/ })).not.toBeChecked();

    // The same notebook in a second tab: the same model, shown at once, not inspected again.
    await page.locator('.jp-DirListing-content').click();
    await activateTab(page, NUMPY);
    await expectShows(page, a);
    const before = inspections.filter(p => p === a).length;
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('docmanager:clone');
    });
    await expect(page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: NUMPY })).toHaveCount(2);
    await expectShows(page, a);
    expect(inspections.filter(p => p === a).length).toBe(before);
    // Closing one of the two keeps the model of the other.
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('application:close');
    });
    await activateTab(page, NUMPY);
    await expectShows(page, a);
    await expect(panel.locator('.jp-Containerize-packages')).toContainText('numpy');

    // A kernel restart inspects again.
    await page.notebook.run();
    const beforeRestart = inspections.filter(p => p === a).length;
    await page.getByRole('button', { name: 'Restart the kernel', exact: true }).click();
    await page.getByRole('button', { name: 'Confirm Kernel Restart' }).click();
    await expect
      .poll(() => inspections.filter(p => p === a).length, { timeout: 60000 })
      .toBeGreaterThan(beforeRestart);
    expect(beforeRestart).toBeGreaterThan(0);
    await expectShows(page, a);

    await page.screenshot({ path: path.join(SCREENSHOTS, 'documents-notebook.png') });
  });

  test('a reload, and a restored workspace whose notebook was deleted', async ({ page, tmpPath }) => {
    const a = `${tmpPath}/${NUMPY}`;
    const b = `${tmpPath}/${PLAIN}`;
    await page.contents.uploadFile(FIXTURE, a);
    await page.contents.uploadContent(PLAIN_NOTEBOOK, 'text', b);
    await page.notebook.openByPath(a);
    await page.notebook.openByPath(b);
    await openPanel(page);
    await expectShows(page, b);
    // The state database reaches the server's workspace a moment later: wait for that save.
    const saved = page.waitForRequest(
      r => r.method() === 'PUT' && r.url().includes('/api/workspaces') && (r.postData() ?? '').includes('plain:kept'),
      { timeout: 30000 }
    );
    await panelOf(page).getByLabel('Image tag').fill('plain:kept');
    await saved;

    // A reload: the current tab's notebook is shown and inspected, with the options it had.
    await page.reload({ waitForIsReady: false });
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('containerize:open', {});
    });
    const current = await page.evaluate(() => (window.jupyterapp.shell.currentWidget as any)?.context?.path);
    await expectShows(page, current);
    expect(current).toBe(b);
    await expect(panelOf(page).getByLabel('Image tag')).toHaveValue('plain:kept');
    // The workspace may have been saved before the first tab was: open it if it was not restored.
    const restored = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: NUMPY });
    await restored.first().waitFor({ timeout: 10000 }).catch(() => undefined);
    if ((await restored.count()) === 0) {
      await page.evaluate(async p => {
        await window.jupyterapp.commands.execute('docmanager:open', { path: p });
      }, a);
    }
    await activateTab(page, NUMPY);
    await expectShows(page, a);

    // The notebook the panel showed last is deleted; the page reloads and restores its tabs.
    await activateTab(page, PLAIN);
    await expectShows(page, b);
    await page.contents.deleteFile(b);
    await page.reload({ waitForIsReady: false });
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    // JupyterLab's own word that the restored tab's file is gone.
    const gone = page.locator('.jp-Dialog', { hasText: 'Could not find path' });
    await gone.getByRole('button').last().click();
    await page.evaluate(async id => {
      window.jupyterapp.shell.activateById(id);
    }, 'jp-containerize-panel');
    const panel = panelOf(page);
    await expect(panel).toBeVisible();
    // Never a spinner that does not end.
    await expect(panel.locator('.jp-Containerize-loading')).toHaveCount(0, { timeout: 60000 });
    await activateTab(page, NUMPY);
    await expectShows(page, a);
    await expect(panel.locator('.jp-Containerize-packages')).toContainText('numpy');
  });
});
