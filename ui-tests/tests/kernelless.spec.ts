/**
 * Notebooks without a kernel, and the lock a notebook carries:
 * - static pins "as of" a date and imports no curated table maps, on the real inspection's spec
 *   turned static by a Playwright route (the server's static mode needs PyPI);
 * - "Lock environment into notebook" against the real server and the notebook's real kernel: the
 *   lock lands in the open notebook's metadata and the notebook is saved.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const NOTEBOOK = 'imports_numpy.ipynb';
const FIXTURE = path.resolve(__dirname, '..', 'notebooks', NOTEBOOK);
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const TOOLBAR_BUTTON = '.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]';

async function openPanel(page: IJupyterLabPageFixture) {
  await page.locator(TOOLBAR_BUTTON).click();
  const panel = page.locator('#jp-containerize-panel');
  await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({ timeout: 60000 });
  return panel;
}

test.describe('Static pins', () => {
  test.use({ viewport: { width: 1280, height: 1600 } });

  test('pins guessed as of a date, and an import with no known package', async ({
    page,
    tmpPath
  }) => {
    // The real inspection's answer, as the server gives it for a notebook with no kernel.
    await page.route(/\/containerize\/inspect(\?|$)/, async route => {
      const response = await route.fetch();
      const spec = await response.json();
      spec.source = 'static';
      spec.as_of = '2021-03-01';
      spec.as_of_source = 'git-commit';
      spec.imports.push({
        module: 'mystery_lib',
        kind: 'unresolved',
        cells: [1],
        runtime: false,
        optional: false,
        suggestion: null
      });
      spec.problems = [
        {
          kind: 'unmapped-import',
          message:
            "'import mystery_lib' has no known package: nothing is installed for it on a guess. If it comes from PyPI, confirm the package name (CLI: --add NAME; panel: add it to the packages).",
          cell: null
        },
        {
          kind: 'static-only',
          message: 'No kernel or interpreter answered: packages come from the code alone.',
          cell: null
        }
      ];
      await route.fulfill({ response, json: spec });
    });
    await page.contents.uploadFile(FIXTURE, `${tmpPath}/${NOTEBOOK}`);
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.notebook.activate(NOTEBOOK);
    const panel = await openPanel(page);

    const asOf = 'Guessed from the code as of 2021-03-01 (its last commit)';
    await expect(panel.locator('.jp-Containerize-source')).toHaveText(asOf);
    await expect(panel.locator('.jp-Containerize-pinsOrigin')).toHaveText(asOf);

    const unmapped = panel.getByRole('region', { name: 'Imports with no known package' });
    await expect(unmapped).toContainText('1 import has no known package');
    await expect(unmapped).toContainText('mystery_lib');
    await expect(unmapped).toContainText('cell 2');
    // Shown once: not again among the problems or the unresolved imports.
    await expect(panel.locator('.jp-Containerize-problems')).not.toContainText('mystery_lib');
    await expect(panel.getByText('Unresolved imports')).toHaveCount(0);

    // The picture: from the summary to the packages, where the pins and their date are.
    await page.mouse.move(0, 0);
    const top = (await panel.locator('.jp-Containerize-content').boundingBox())!;
    const packages = (await panel
      .locator('.jp-Containerize-section', { has: page.locator('.jp-Containerize-packages') })
      .boundingBox())!;
    await page.screenshot({
      path: path.join(IMAGES, 'panel-static-asof.png'),
      clip: { x: top.x, y: top.y, width: top.width, height: packages.y + packages.height - top.y }
    });

    await unmapped.getByRole('button', { name: 'Add the package that provides mystery_lib' }).click();
    const input = unmapped.getByRole('textbox', { name: /Package that provides mystery_lib/ });
    await input.fill('mystery-lib==1.0.2');
    await unmapped.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(unmapped).toContainText('mystery-lib added');
    const row = panel.locator('.jp-Containerize-packages tbody tr', {
      has: page.locator('th', { hasText: /^mystery-lib/ })
    });
    await expect(row.locator('.jp-Containerize-version')).toHaveText('==1.0.2');
    await expect(row.locator('.jp-Containerize-reason')).toHaveText('added by you');
  });
});

test.describe('Lock environment into notebook', () => {
  test('the lock goes into the open notebook, which is saved', async ({ page, tmpPath }) => {
    const notebookPath = `${tmpPath}/${NOTEBOOK}`;
    // Another key under metadata.containerize: the lock must keep it.
    const content = JSON.parse(fs.readFileSync(FIXTURE, 'utf-8'));
    content.metadata.containerize = { note: 'kept' };
    await page.contents.uploadContent(JSON.stringify(content), 'text', notebookPath);
    await page.notebook.openByPath(notebookPath);
    await page.notebook.activate(NOTEBOOK);
    await page.notebook.run();
    const panel = await openPanel(page);

    // The palette offers it too.
    expect(
      await page.evaluate(() => window.jupyterapp.commands.isEnabled('containerize:lock'))
    ).toBe(true);
    expect(
      await page.evaluate(() => window.jupyterapp.commands.label('containerize:lock'))
    ).toBe('Lock Environment into Notebook');

    await panel.getByRole('button', { name: 'Lock environment into notebook' }).click();
    // The server may ask the index for hashes: that takes a moment.
    await expect(panel.getByText(/^Locked and saved: /)).toBeVisible({ timeout: 120000 });
    await expect(page.getByText(/^Locked the environment into the notebook/)).toBeVisible();

    const response = await page.request.get(`/api/contents/${notebookPath}?content=1`);
    const saved = (await response.json()).content;
    expect(saved.metadata.containerize.note).toBe('kept');
    const lock = saved.metadata.containerize.lock;
    expect(lock.version).toBe(1);
    expect(lock.packages.map((p: { name: string }) => p.name)).toContain('numpy');
    expect(saved.metadata.kernelspec.name).toBe('python3');
    // Saved by JupyterLab: the open notebook is not dirty, and no "file changed" dialog.
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    expect(
      await page.evaluate(() => window.jupyterapp.shell.currentWidget?.title.className ?? '')
    ).not.toContain('jp-mod-dirty');
  });
});
