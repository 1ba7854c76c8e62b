/**
 * Build options and result cards of kernel-less and deployable builds, against a scripted build
 * API (Playwright routes): the Kubernetes manifests of a serve build (Copy, Download, the
 * `kubectl apply` hint) and the changes the Repair option made. No Docker is needed.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Route } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

const NOTEBOOK = 'imports_numpy.ipynb';
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const BUILD_ID = 'f00dfeed1234';
const ENGINE = {
  available: true,
  where: "this machine's container engine",
  version: '20.10.24',
  message: null
};

const MANIFESTS = [
  { path: 'deployment.yaml', kind: 'Deployment', yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: imports-numpy\n' },
  { path: 'service.yaml', kind: 'Service', yaml: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: imports-numpy\n' },
  {
    path: 'kserve/inferenceservice.yaml',
    kind: 'InferenceService',
    yaml: 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: imports-numpy\n'
  }
];

const REPAIRS = [
  {
    round: 1,
    cell: 3,
    package: 'pandas',
    change: 'stepped back',
    before: '2.2.2',
    after: '1.5.3',
    why: "cell 3 raised AttributeError inside pandas: 'DataFrame' object has no attribute 'append'"
  },
  {
    round: 2,
    cell: 5,
    package: 'scikit-learn',
    change: 'added',
    before: null,
    after: '1.0.2',
    why: "cell 5 raised ModuleNotFoundError: No module named 'sklearn'"
  }
];

/** Answers the build API at once with a build that succeeded with `result`. */
async function scriptBuild(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  result: object | null,
  ended: object = { status: 'succeeded' }
) {
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
      const t0 = Date.now() / 1000 - 90;
      return json(200, {
        id: BUILD_ID,
        status: 'succeeded',
        created: t0,
        started: t0,
        finished: t0 + 83,
        events: [{ index: 0, kind: 'done', time: t0 + 83, message: 'Built imports_numpy:serve' }],
        next: 1,
        result,
        ...ended
      });
    }
    return json(200, []);
  });
  await page.route(/\/containerize\/info(\?|$)/, async route => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), engine: ENGINE } });
  });
  await page.goto(`tree/${tmpPath}?reset`);
  return requests;
}

async function openPanel(page: IJupyterLabPageFixture, tmpPath: string) {
  await page.contents.uploadFile(
    path.resolve(__dirname, '..', 'notebooks', NOTEBOOK),
    `${tmpPath}/${NOTEBOOK}`
  );
  await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
  await page.notebook.activate(NOTEBOOK);
  await page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]').click();
  const panel = page.locator('#jp-containerize-panel');
  await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({ timeout: 60000 });
  return panel;
}

test.describe('Result cards (scripted build API)', () => {
  test.use({ viewport: { width: 1280, height: 2200 } });

  test('Kubernetes manifests: Copy, Download and the kubectl hint', async ({ page, tmpPath }) => {
    const requests = await scriptBuild(page, tmpPath, {
      tag: 'imports_numpy:serve',
      size: 187654321,
      size_text: '188 MB',
      run_command: 'docker run --rm -p 8080:8080 imports_numpy:serve',
      serve: { curl: "curl -s -X POST -H 'Content-Type: application/json' -d '{}' http://127.0.0.1:8080/run" },
      manifests: MANIFESTS
    });
    const panel = await openPanel(page, tmpPath);

    // Only serve and batch offer manifests.
    const k8s = panel.getByRole('checkbox', { name: 'Kubernetes manifests' });
    await expect(k8s).toHaveCount(0);
    await panel.getByLabel('Target').selectOption('serve');
    await k8s.check();
    await panel.getByRole('button', { name: 'Build image' }).click();

    const list = panel.getByRole('list', { name: 'Kubernetes manifests' });
    await expect(list.getByRole('listitem')).toHaveCount(3);
    // The size the log printed (decimal units), not one of the panel's own.
    await expect(panel.locator('.jp-Containerize-result .jp-Containerize-facts')).toContainText('188 MB');
    expect(requests[0].options).toEqual({ target: 'serve', verify: true, gpu: 'auto', k8s: true });
    await expect(list).toContainText('kserve-inferenceservice.yaml');
    await expect(list).toContainText('InferenceService');
    const result = panel.locator('.jp-Containerize-result');
    await expect(result).toContainText('kubectl apply -f deployment.yaml -f service.yaml');
    await expect(result).toContainText('kubectl apply -f kserve-inferenceservice.yaml');
    // The old serve.manifests list is gone: one list of manifests only.
    await expect(result.getByText('Deployment manifests')).toHaveCount(0);

    await page.mouse.move(0, 0);
    await page.addStyleTag({ content: '.Toastify { display: none !important; }' });
    await result.screenshot({ path: path.join(IMAGES, 'panel-manifests.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      list.getByRole('button', { name: 'Download kserve-inferenceservice.yaml' }).click()
    ]);
    expect(download.suggestedFilename()).toBe('kserve-inferenceservice.yaml');
    const saved = await download.path();
    expect(fs.readFileSync(saved!, 'utf-8')).toBe(MANIFESTS[2].yaml);

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await list.getByRole('button', { name: 'Copy deployment.yaml' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(MANIFESTS[0].yaml);

  });

  test('Repair: the option, its rounds, and the changes it made', async ({ page, tmpPath }) => {
    const requests = await scriptBuild(page, tmpPath, {
      tag: 'imports_numpy:notebook',
      verify: {
        passed: true,
        cells: [
          // a markdown cell first: the code cells are the notebook's cells 2 and 3, as in the log
          { index: 0, cell: 2, status: 'passed', output_match: true, error: null },
          { index: 1, cell: 3, status: 'passed', output_match: true, error: null }
        ]
      },
      repairs: REPAIRS
    });
    const panel = await openPanel(page, tmpPath);

    const verify = panel.getByRole('checkbox', { name: /^Verify/ });
    await panel.getByRole('checkbox', { name: /^Repair/ }).check();
    // Repair verifies: the Verify box is ticked and locked.
    await expect(verify).toBeChecked();
    await expect(verify).toBeDisabled();
    const rounds = panel.getByRole('spinbutton', { name: 'Repair rounds' });
    await expect(rounds).toHaveValue('3');
    await rounds.fill('12');
    await expect(panel.getByText('Repair rounds: a whole number from 1 to 10.')).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Build image' })).toBeDisabled();
    await rounds.fill('5');
    await panel.getByRole('button', { name: 'Build image' }).click();

    const repairs = panel.getByRole('list', { name: 'Repairs' });
    await expect(repairs.getByRole('listitem')).toHaveText([
      "pandas stepped back 2.2.2 → 1.5.3: cell 3 raised AttributeError inside pandas: 'DataFrame' object has no attribute 'append'",
      "scikit-learn added (1.0.2): cell 5 raised ModuleNotFoundError: No module named 'sklearn'"
    ]);
    await expect(panel.getByText('Repaired: 2 changes')).toBeVisible();
    await expect(panel.locator('.jp-Containerize-verify tbody tr td:first-child')).toHaveText(['2', '3']);
    expect(requests[0].options).toEqual({
      target: 'notebook',
      verify: true,
      gpu: 'auto',
      repair: true,
      repair_rounds: 5
    });
  });

  test('A failed verify: where the new image is, and what the tag still names', async ({ page, tmpPath }) => {
    await scriptBuild(page, tmpPath, null, {
      status: 'failed',
      error: {
        code: 'verify-failed',
        message: 'Verify failed: cell 4 raised FileNotFoundError.',
        hint: 'The new image is kept as imports_numpy:latest-unverified; imports_numpy:latest still names the previous image.',
        actions: [],
        kept_image: 'imports_numpy:latest-unverified',
        kept_image_id: 'sha256:2222',
        tag: 'imports_numpy:latest',
        tag_image_id: 'sha256:1111'
      }
    });
    const panel = await openPanel(page, tmpPath);
    await panel.getByRole('button', { name: 'Build image' }).click();
    await expect(panel.getByLabel('Kept image')).toHaveText(
      'The new image is kept as imports_numpy:latest-unverified; the tag imports_numpy:latest still names the previous image.'
    );
  });
});
