/**
 * UI tests of the Containerize panel against a real Jupyter server with the server extension.
 *
 * Run with `jlpm playwright test` from ui-tests/ (see README.md).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import * as path from 'path';

const NOTEBOOK = 'imports_numpy.ipynb';
const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

/** numpy's version in the Python that runs the kernel: the panel must show exactly this. */
function installedNumpyVersion(): string {
  const python = process.env.KERNEL_PYTHON || 'python';
  try {
    return execFileSync(
      python,
      ['-c', 'import numpy; print(numpy.__version__)'],
      { encoding: 'utf-8' }
    ).trim();
  } catch (error) {
    throw new Error(
      `The fixture notebook imports numpy, but '${python}' (the kernel's Python, KERNEL_PYTHON) ` +
        `cannot import it: install it there (pip install numpy). ${error}`
    );
  }
}

/** Uploads the fixture notebook, opens it and runs it so that its kernel has imported numpy. */
async function openFixtureNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await page.contents.uploadFile(
    path.resolve(__dirname, '..', 'notebooks', NOTEBOOK),
    `${tmpPath}/${NOTEBOOK}`
  );
  await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
  await page.notebook.activate(NOTEBOOK);
  await page.notebook.run();
}

/** Clicks the notebook toolbar's Containerize button and waits for the inspection. */
async function openPanel(page: IJupyterLabPageFixture) {
  const button = page.locator(
    '.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]'
  );
  await expect(button).toBeVisible();
  await button.click();
  const panel = page.locator('#jp-containerize-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({
    timeout: 60000
  });
  return panel;
}

test.describe('Containerize panel', () => {
  // Tall enough for the whole panel in screenshots; the right sidebar keeps its default width.
  test.use({ viewport: { width: 1280, height: 1400 } });

  test('the extension loads and the server extension answers', async ({
    page
  }) => {
    const response = await page.request.get('/containerize/info');
    expect(response.ok()).toBe(true);
    const info = await response.json();
    expect(info.spec_version).toBe(1);
    await expect(
      page.locator('.jp-SideBar [data-id="jp-containerize-panel"]')
    ).toBeVisible();
  });

  test('the toolbar button opens the panel with exact package versions', async ({
    page,
    tmpPath
  }) => {
    await openFixtureNotebook(page, tmpPath);
    const panel = await openPanel(page);

    await expect(panel.locator('.jp-Containerize-notebookPath')).toHaveAttribute(
      'data-path',
      `${tmpPath}/${NOTEBOOK}`
    );
    await expect(panel.getByText('read from the running kernel')).toBeVisible();

    const numpy = panel.locator('.jp-Containerize-packages tbody tr', {
      has: page.locator('th', { hasText: /^numpy/ })
    });
    await expect(numpy).toHaveCount(1);
    await expect(numpy.locator('.jp-Containerize-version')).toHaveText(
      `==${installedNumpyVersion()}`
    );
    await expect(numpy.locator('.jp-Containerize-reason')).toHaveText(
      'imported'
    );
    // The standard library is never a package.
    await expect(
      panel.locator('.jp-Containerize-packages th', { hasText: /^json$/ })
    ).toHaveCount(0);
  });

  test('the command palette and the file browser open the panel too', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadFile(
      path.resolve(__dirname, '..', 'notebooks', NOTEBOOK),
      `${tmpPath}/${NOTEBOOK}`
    );
    await page.filebrowser.openDirectory(tmpPath);
    await page
      .locator('.jp-DirListing-item', { hasText: NOTEBOOK })
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Containerize…' }).click();
    const panel = page.locator('#jp-containerize-panel');
    await expect(panel.locator('.jp-Containerize-notebookPath')).toHaveAttribute(
      'data-path',
      `${tmpPath}/${NOTEBOOK}`
    );
    // Without a running kernel the panel says how it inspected.
    await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({
      timeout: 60000
    });
    await expect(panel.getByText(/no running kernel/).first()).toBeVisible();

    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('containerize:open');
    });
    await expect(panel).toBeVisible();
  });

  test('edits: remove, repin and add packages', async ({ page, tmpPath }) => {
    await openFixtureNotebook(page, tmpPath);
    const panel = await openPanel(page);
    const rows = panel.locator('.jp-Containerize-packages tbody tr');
    const numpy = rows.filter({ has: page.locator('th', { hasText: /^numpy/ }) });

    await numpy.getByRole('button', { name: 'Change the version of numpy' }).click();
    const input = numpy.getByRole('textbox', { name: 'Exact version of numpy' });
    await input.fill('2.0.0');
    await input.press('Enter');
    await expect(numpy.locator('.jp-Containerize-version')).toHaveText('==2.0.0');

    await numpy.getByRole('button', { name: 'Remove numpy' }).click();
    await expect(numpy).toHaveClass(/jp-Containerize-removed/);
    await numpy.getByRole('button', { name: 'Keep numpy' }).click();
    await expect(numpy).not.toHaveClass(/jp-Containerize-removed/);

    await panel
      .getByRole('textbox', { name: 'Package to add, as name or name==version' })
      .fill('tabulate==0.9.0');
    await panel.getByRole('button', { name: 'Add', exact: true }).first().click();
    const added = rows.filter({ has: page.locator('th', { hasText: /^tabulate/ }) });
    await expect(added.locator('.jp-Containerize-version')).toHaveText('==0.9.0');
    await expect(added.locator('.jp-Containerize-reason')).toHaveText('added by you');
  });

  test('problems, unresolved imports, files, apt packages and variables', async ({
    page,
    tmpPath
  }) => {
    // Opened, so it has a kernel, but not run: the imports come from the code.
    const dir = path.resolve(__dirname, '..', 'notebooks', 'analysis');
    for (const file of ['analysis.ipynb', 'helpers.py', 'data/readings.csv']) {
      await page.contents.uploadFile(path.join(dir, file), `${tmpPath}/${file}`);
    }
    await page.notebook.openByPath(`${tmpPath}/analysis.ipynb`);
    await page.notebook.activate('analysis.ipynb');
    await page
      .locator('.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]')
      .click();
    const panel = page.locator('#jp-containerize-panel');
    await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({
      timeout: 60000
    });

    const problems = panel.locator('.jp-Containerize-problem');
    await expect(problems.filter({ hasText: 'does not parse' })).toContainText('cell 3');

    // The unresolved import offers the distribution that provides it.
    await panel.getByRole('button', { name: 'Add scikit-learn' }).click();
    await expect(
      panel.locator('.jp-Containerize-packages th', { hasText: /^scikit-learn/ })
    ).toContainText('added by you');

    // Local module and data file, both copied unless unchecked.
    const helpers = panel.getByRole('checkbox', { name: 'helpers.py' });
    const data = panel.getByRole('checkbox', { name: 'data/readings.csv' });
    await expect(helpers).toBeChecked();
    await expect(data).toBeChecked();
    await data.uncheck();
    await expect(panel.locator('.jp-Containerize-section', { hasText: 'Files' }).locator('.jp-Containerize-badge')).toHaveText('1/2');

    const system = panel.locator('summary', { hasText: 'System and environment' });
    await system.click();
    await panel.getByRole('textbox', { name: 'apt package to add' }).fill('libgl1');
    await panel.getByRole('textbox', { name: 'apt package to add' }).press('Enter');
    await panel
      .getByRole('textbox', { name: 'Environment variable to set, as NAME=value' })
      .fill('MPLBACKEND=Agg');
    await panel
      .getByRole('textbox', { name: 'Environment variable to set, as NAME=value' })
      .press('Enter');
    await expect(panel.locator('.jp-Containerize-chip')).toHaveText('libgl1');
    await expect(panel.getByText('MPLBACKEND=Agg')).toBeVisible();

    await page.mouse.move(0, 0);
    await panel.screenshot({
      path: path.join(SCREENSHOTS, 'panel-problems-light.png')
    });
  });

  test('the Binder target writes binder/ files', async ({ page, tmpPath }) => {
    await openFixtureNotebook(page, tmpPath);
    const panel = await openPanel(page);
    await panel.getByLabel('Target').selectOption('binder');
    await expect(panel.getByLabel('Base image', { exact: true })).toHaveCount(0);
    await panel.getByRole('button', { name: 'Write Binder files' }).click();
    const result = panel.locator('.jp-Containerize-result');
    await expect(result).toBeVisible({ timeout: 60000 });
    await expect(result.locator('.jp-Containerize-fileList')).toContainText('binder/');
    // The temporary folder is no git repository: files, but no launch link.
    await expect(result.getByRole('link', { name: 'Launch on Binder' })).toHaveCount(0);
    await expect(result).toContainText('no git repository');
    expect(await page.contents.fileExists(`${tmpPath}/binder/requirements.txt`)).toBe(true);
    await page.mouse.move(0, 0);
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-binder-light.png') });
  });

  test.describe('screenshots', () => {
    test('the panel in the light and dark themes', async ({ page, tmpPath }) => {
      await openFixtureNotebook(page, tmpPath);
      const panel = await openPanel(page);
      await page.mouse.move(0, 0);
      await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-light.png') });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'lab-light.png') });

      await page.theme.setDarkTheme();
      await expect(panel.locator('.jp-Containerize-packages')).toBeVisible();
      await page.mouse.move(0, 0);
      await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-dark.png') });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'lab-dark.png') });
      await page.theme.setLightTheme();
    });
  });

  test('build -> success -> run command', async ({ page, tmpPath }) => {
    // Needs a Docker engine and a local base image; CI turns it on where it has both.
    test.skip(
      process.env.CONTAINERIZE_UI_BUILD !== '1',
      'set CONTAINERIZE_UI_BUILD=1 to build a real image'
    );
    test.setTimeout(15 * 60 * 1000);
    await openFixtureNotebook(page, tmpPath);
    const panel = await openPanel(page);

    const baseImage = process.env.CONTAINERIZE_UI_BASE_IMAGE;
    if (baseImage) {
      await panel.getByLabel('Base image', { exact: true }).selectOption('custom');
      await panel.getByLabel('Custom base image').fill(baseImage);
    }
    const tag = `containerize-ui-test:${Date.now()}`;
    await panel.getByLabel('Image tag').fill(tag);
    await panel.getByRole('button', { name: 'Build image' }).click();

    const status = panel.locator('.jp-Containerize-buildStatus');
    await expect(status).toBeVisible();
    // Ends as soon as the build does, failed or not; a failure shows its log.
    await expect(status).toContainText(/Succeeded|Failed|Cancelled|Lost/, {
      timeout: 14 * 60 * 1000
    });
    const log = await panel.locator('.jp-Containerize-log').innerText();
    expect(await status.innerText(), log).toContain('Succeeded');
    await expect(panel.locator('.jp-Containerize-result')).toBeVisible();
    const command = panel.locator('.jp-Containerize-result .jp-Containerize-copyField code').first();
    await expect(command).toContainText('docker run');
    await expect(command).toContainText(tag);
  });

  test('a first build from the defaults: unused extras are only suggested, the image is verified', async ({
    page,
    tmpPath
  }) => {
    // The server's kernel environment has jsonschema with its format-nongpl extra installed
    // (fqdn, webcolors...): the notebook never uses those, so the first build must not pin them.
    test.skip(
      process.env.CONTAINERIZE_UI_BUILD !== '1',
      'set CONTAINERIZE_UI_BUILD=1 to build a real image'
    );
    test.setTimeout(15 * 60 * 1000);
    const name = 'validates.ipynb';
    const notebook = {
      cells: [
        {
          cell_type: 'code',
          execution_count: null,
          id: 'validate',
          metadata: {},
          outputs: [],
          source: "import jsonschema\njsonschema.validate(3, {'type': 'integer'})\nprint('valid')"
        }
      ],
      metadata: {
        kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }
      },
      nbformat: 4,
      nbformat_minor: 5
    };
    await page.contents.uploadContent(JSON.stringify(notebook), 'text', `${tmpPath}/${name}`);
    await page.notebook.openByPath(`${tmpPath}/${name}`);
    await page.notebook.activate(name);
    await page.notebook.run();
    await page.notebook.save();
    const panel = await openPanel(page);

    const suggestions = panel.locator('.jp-Containerize-suggestions');
    await expect(suggestions).toContainText('Suggested (not installed by default)');
    await expect(suggestions).toContainText('fqdn');
    await expect(panel.locator('.jp-Containerize-packages')).toContainText('jsonschema');

    // The defaults, except the base: no registry is reachable here, so the local test base.
    const baseImage = process.env.CONTAINERIZE_UI_BASE_IMAGE;
    if (baseImage) {
      await panel.getByLabel('Base image', { exact: true }).selectOption('custom');
      await panel.getByLabel('Custom base image').fill(baseImage);
    }
    await panel.getByRole('button', { name: 'Build image' }).click();
    const status = panel.locator('.jp-Containerize-buildStatus');
    await expect(status).toContainText(/Succeeded|Failed|Cancelled|Lost/, {
      timeout: 14 * 60 * 1000
    });
    const log = await panel.locator('.jp-Containerize-log').innerText();
    expect(await status.innerText(), log).toContain('Succeeded');
    // Verify is on by default: the table says the cell ran as in the notebook.
    await expect(panel.locator('.jp-Containerize-verify')).toContainText('passed');
    expect(log).not.toContain('fqdn');
  });
});
