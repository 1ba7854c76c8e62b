/**
 * What the panel offers around a first build, against a scripted inspect and build API
 * (Playwright routes) on a real notebook and kernel: suggestions that are not installed by
 * default, a build error with fixes that apply and build again, phases of one progress, the
 * serve target's cell contract with a one-click tag, a run command whose secret is a placeholder,
 * and every control visible at the panel's default width, light and dark. No Docker is needed.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Route } from '@playwright/test';
import * as path from 'path';

const NOTEBOOK = 'imports_numpy.ipynb';
const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
const ENGINE = { available: true, where: "this machine's container engine", version: '20.10.24', message: null };

interface IScript {
  requests: any[];
  /** The answer to the next POST: an error body with a status, or a build id. */
  next: Array<{ status: number; body: any }>;
  /** The build records, by id. */
  records: { [id: string]: any };
}

async function scriptApi(page: IJupyterLabPageFixture, tmpPath: string): Promise<IScript> {
  const script: IScript = { requests: [], next: [], records: {} };
  await page.route(/\/containerize\/builds(\/|\?|$)/, (route: Route) => {
    const request = route.request();
    const json = (status: number, body: unknown) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (request.method() === 'POST') {
      script.requests.push(request.postDataJSON());
      const answer = script.next.shift() ?? { status: 500, body: { message: 'unscripted' } };
      return json(answer.status, answer.body);
    }
    const id = new URL(request.url()).pathname.split('/').pop() ?? '';
    if (script.records[id]) {
      return json(200, script.records[id]);
    }
    return json(200, []);
  });
  // The real inspection, with the kernel's installed-but-unused extras as suggestions.
  await page.route(/\/containerize\/inspect(\?|$)/, async route => {
    const response = await route.fetch();
    const spec = await response.json();
    spec.suggestions = [
      { name: 'pyarrow', version: '15.0.2', reason: 'installed as an extra of pandas; the notebook does not import it' }
    ];
    await route.fulfill({ response, json: spec });
  });
  await page.route(/\/containerize\/info(\?|$)/, async route => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), engine: ENGINE } });
  });
  await page.goto(`tree/${tmpPath}?reset`);
  return script;
}

async function openPanel(page: IJupyterLabPageFixture, tmpPath: string) {
  await page.contents.uploadFile(path.resolve(__dirname, '..', 'notebooks', NOTEBOOK), `${tmpPath}/${NOTEBOOK}`);
  await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
  await page.notebook.activate(NOTEBOOK);
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('containerize:open', {});
  });
  const panel = page.locator('#jp-containerize-panel');
  await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({ timeout: 60000 });
  return panel;
}

const t0 = () => Date.now() / 1000 - 30;

test.describe('A first build from the panel (scripted API)', () => {
  test.use({ viewport: { width: 1280, height: 1800 } });

  test('suggestions, fixes that build again, phases, and the result’s placeholders', async ({ page, tmpPath }) => {
    const script = await scriptApi(page, tmpPath);
    const panel = await openPanel(page, tmpPath);

    // Suggested, not installed: Add puts it in the lock as the user's.
    const suggestions = panel.locator('.jp-Containerize-suggestions');
    await expect(suggestions).toContainText('Suggested (not installed by default)');
    await expect(suggestions).toContainText('pyarrow==15.0.2');
    await expect(panel.locator('.jp-Containerize-packages')).not.toContainText('pyarrow');
    await page.theme.setDarkTheme();
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-suggestions-dark.png') });
    await page.theme.setLightTheme();
    await suggestions.getByRole('button', { name: 'Add pyarrow' }).click();
    await expect(panel.locator('.jp-Containerize-packages')).toContainText('pyarrow');
    await expect(panel.locator('.jp-Containerize-suggestions')).toHaveCount(0);

    // Verify is on by default. The build cannot start: the server offers fixes.
    await expect(panel.getByRole('checkbox', { name: /^Verify/ })).toBeChecked();
    script.next.push({
      status: 400,
      body: {
        code: 'python_mismatch',
        message: 'The pins need Python 3.12; the base image has Python 3.11.',
        hint: 'Re-pin the packages for the base, or build on a base with Python 3.12.',
        actions: [
          { id: 'repin', label: 'Re-pin for this base', options_patch: { repin: true } },
          { id: 'base', label: 'Use python:3.12-slim', options_patch: { base_image: 'python:3.12-slim' } }
        ]
      }
    });
    await panel.getByRole('button', { name: 'Build image' }).click();
    const error = panel.locator('.jp-Containerize-message.jp-mod-error');
    await expect(error).toContainText('The pins need Python 3.12');
    await expect(error).not.toContainText('--');

    // The fix builds again with its patch; the build's progress says what it does.
    const at = t0();
    script.records.b1 = {
      id: 'b1',
      status: 'running',
      created: at,
      started: at,
      next: 2,
      events: [
        { index: 0, kind: 'step', time: at, message: 'Step 3/3', step: 3, total: 3, progress: { phase: 'environment', step: 3, total: 9 } },
        { index: 1, kind: 'verify', time: at + 5, message: 'running the notebook', progress: { phase: 'verify', step: 8, total: 9 } }
      ]
    };
    script.next.push({ status: 202, body: { id: 'b1', status: 'queued', next: 0 } });
    await error.getByRole('button', { name: 'Re-pin for this base' }).click();
    const status = panel.locator('.jp-Containerize-buildStatus');
    await expect(status).toContainText('Verifying');
    await expect(status).toContainText('step 8 of 9');
    await expect(status).not.toContainText('Building');
    expect(script.requests[1].options).toMatchObject({ target: 'notebook', verify: true, repin: true });
    expect(script.requests[1].spec.packages.map((p: any) => p.name)).toContain('pyarrow');
    await expect(panel.locator('.jp-Containerize-appliedFixes')).toContainText('Applied: Re-pin for this base');

    // Done: the run command's secret is a placeholder, and the copy carries no ***.
    script.records.b1 = {
      ...script.records.b1,
      status: 'succeeded',
      finished: at + 20,
      next: 3,
      events: [{ index: 2, kind: 'done', time: at + 20, message: 'Built' }],
      result: {
        tag: 'imports_numpy:notebook',
        run_command: 'docker run --rm -p 8888:8888 -e JUPYTER_TOKEN=*** imports_numpy:notebook'
      }
    };
    const result = panel.getByLabel('Build result');
    await expect(result).toBeVisible({ timeout: 30000 });
    await expect(result).toContainText('JUPYTER_TOKEN=<JUPYTER_TOKEN>');
    await expect(result).not.toContainText('***');
    await expect(result).toContainText('Replace <JUPYTER_TOKEN> with your own value');
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-first-build-light.png') });
  });

  test('the serve target explains its cells and tags the output cell in one click', async ({ page, tmpPath }) => {
    await scriptApi(page, tmpPath);
    const panel = await openPanel(page, tmpPath);
    await panel.getByLabel('Image tag').fill('numpy:lab');
    await panel.getByLabel('Target').selectOption('serve');
    // A tag typed for another target does not follow.
    await expect(panel.getByLabel('Image tag')).toHaveValue('');
    const contract = panel.getByLabel('How the service runs the notebook');
    await expect(contract).toContainText('parameters');
    await expect(contract).toContainText('the service would answer with no outputs');
    await contract.getByRole('button', { name: /Tag cell \d+ "output"/ }).click();
    await expect(contract).toContainText('1 cell is tagged "output"');
    // The active cell counts as selected: it carries the tag now, in the open notebook's model.
    const tags: string[][] = await page.evaluate(() => {
      const widget = window.jupyterapp.shell.currentWidget as any;
      return widget.content.widgets.map((cell: any) => cell.model.getMetadata('tags') ?? []);
    });
    expect(tags.flat()).toEqual(['output']);
    await panel.getByLabel('Target').selectOption('notebook');
    await expect(panel.getByLabel('Image tag')).toHaveValue('numpy:lab');
  });

  test('every control is visible at the default width, light and dark', async ({ page, tmpPath }) => {
    await scriptApi(page, tmpPath);
    const panel = await openPanel(page, tmpPath);
    for (const dark of [false, true]) {
      if (dark) {
        await page.theme.setDarkTheme();
      }
      const content = panel.locator('.jp-SidePanel-content');
      const overflow = await content.evaluate(node => node.scrollWidth - node.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const table = panel.locator('.jp-Containerize-packages');
      const tableBox = await table.boundingBox();
      const contentBox = await content.boundingBox();
      expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(contentBox!.x + contentBox!.width + 0.5);
      for (const button of await table.locator('button').all()) {
        const box = await button.boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(contentBox!.x + contentBox!.width + 0.5);
      }
    }
    await page.theme.setLightTheme();
  });
});
