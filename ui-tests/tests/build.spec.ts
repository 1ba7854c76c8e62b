/**
 * The build flow of the panel against a scripted build API (Playwright routes): progress, log,
 * result, notifications, a reload in the middle of a build, and a server without the endpoints.
 * Inspection still goes to the real server. The real build test is in containerize.spec.ts.
 */
import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Route } from '@playwright/test';
import * as path from 'path';

const NOTEBOOK = 'imports_numpy.ipynb';
const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
const BUILD_ID = 'a1b2c3d4e5f6';
const ENGINE = {
  available: true,
  where: "this machine's container engine",
  version: '20.10.24',
  message: null
};

/** A fake build that runs three steps, then succeeds once `finish` is set. */
class ScriptedBuild {
  finish = false;
  fail = false;
  requests: any[] = [];
  polls = 0;
  cancelled = false;
  /** Whether `GET /containerize/builds` lists the build. */
  listed = false;
  /** The server records the notebook's absolute path. */
  notebook = '';

  async install(page: IJupyterLabPageFixture, tmpPath: string): Promise<void> {
    await page.route(/\/containerize\/builds(\/|\?|$)/, route => this.answer(route));
    // The real /info, with an engine that answers: these tests need no Docker.
    await page.route(/\/containerize\/info(\?|$)/, async route => {
      const response = await route.fetch();
      const info = await response.json();
      await route.fulfill({
        response,
        json: { ...info, engine: ENGINE }
      });
    });
    // The panel asked /info when the page loaded: load it again to get the engine above.
    await page.goto(`tree/${tmpPath}?reset`);
  }

  private t0 = Date.now() / 1000;

  private events() {
    const at = (s: number) => this.t0 + s;
    const events: any[] = [
      { index: 0, kind: 'log', time: at(0), message: 'Base image python:3.11-slim has Python 3.11.2' },
      { index: 1, kind: 'step', time: at(1), message: 'FROM python:3.11-slim AS builder', step: 1, total: 3 },
      { index: 2, kind: 'step', time: at(2), message: 'RUN uv pip install -r requirements.txt', step: 2, total: 3 },
      { index: 3, kind: 'log', time: at(3), message: 'Installed 1 package in 12ms' }
    ];
    if (this.finish || this.fail || this.cancelled) {
      events.push({ index: 4, kind: 'step', time: at(4), message: 'COPY imports_numpy.ipynb /home/jovyan/', step: 3, total: 3 });
    }
    if (this.fail) {
      events.push({ index: 5, kind: 'error', time: at(5), message: 'E: Unable to locate package libfoo' });
    } else if (this.finish) {
      events.push(
        { index: 5, kind: 'verify', time: at(70), message: 'cell 0: passed, nothing saved to compare' },
        { index: 6, kind: 'verify', time: at(71), message: 'cell 1: passed, output matches' },
        { index: 7, kind: 'done', time: at(75), message: 'Built imports_numpy:latest (123.5 MB)' }
      );
    }
    return events;
  }

  private record(since: number) {
    const events = this.events();
    const status = this.cancelled
      ? 'cancelled'
      : this.fail
        ? 'failed'
        : this.finish
          ? 'succeeded'
          : 'running';
    return {
      id: BUILD_ID,
      notebook: this.notebook,
      status,
      options: { target: 'notebook' },
      created: this.t0,
      started: this.t0,
      finished: status === 'running' ? null : this.t0 + 75,
      events: events.filter(e => e.index >= since),
      next: events.length,
      error: this.fail
        ? { code: 'build-failed', message: 'The Docker build failed at step 3 of 3.', hint: 'Read the log.' }
        : null,
      result: this.finish
        ? {
            tag: 'imports_numpy:latest',
            size: 123456789,
            size_text: '123 MB',
            digest: 'sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904a1b2c3d4e5f60718293a4b5c',
            run_command: 'docker run --rm -p 8888:8888 -e JUPYTER_TOKEN=choose-a-token imports_numpy:latest',
            verify: {
              passed: true,
              cells: [
                { index: 0, status: 'passed', output_match: null, error: null },
                { index: 1, status: 'passed', output_match: true, error: null }
              ]
            }
          }
        : null
    };
  }

  private async answer(route: Route): Promise<void> {
    const request = route.request();
    const url = new URL(request.url());
    const json = (status: number, body: unknown) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (request.method() === 'POST') {
      const body = request.postDataJSON();
      this.requests.push(body);
      this.notebook = `/tmp/galata-root/${body.path}`;
      return json(202, { id: BUILD_ID, status: 'queued', notebook: this.notebook, next: 0 });
    }
    if (request.method() === 'DELETE') {
      this.cancelled = true;
      return json(200, { id: BUILD_ID, status: 'cancelled' });
    }
    if (url.pathname.endsWith(`/builds/${BUILD_ID}`)) {
      this.polls++;
      return json(200, this.record(Number(url.searchParams.get('since') ?? 0)));
    }
    const summary: Record<string, unknown> = this.record(0);
    delete summary.events;
    return json(200, this.listed && this.requests.length ? [summary] : []);
  }
}

async function openNotebookAndPanel(page: IJupyterLabPageFixture, tmpPath: string) {
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

test.describe('Build flow (scripted build API)', () => {
  // Tall enough for the whole panel, result card included.
  test.use({ viewport: { width: 1280, height: 2000 } });

  test('progress, log, notification and result card', async ({ page, tmpPath }) => {
    const build = new ScriptedBuild();
    await build.install(page, tmpPath);
    const panel = await openNotebookAndPanel(page, tmpPath);

    await expect(panel.locator('.jp-Containerize-engine')).toHaveText(
      "Builds run on this machine's container engine (engine 20.10.24)."
    );
    await expect(panel.getByRole('button', { name: 'Or download the build context' })).toBeEnabled();
    await panel.getByRole('button', { name: 'Build image' }).click();
    const status = panel.locator('.jp-Containerize-buildStatus');
    await expect(status).toContainText('Building');
    await expect(status).toContainText('step 2 of 3');
    await expect(panel.locator('.jp-Containerize-log')).toContainText(
      'RUN uv pip install -r requirements.txt'
    );
    await expect(page.getByText('Building an image of imports_numpy.ipynb')).toBeVisible();

    // What the panel sent: the notebook, the inspected spec and the options.
    const sent = build.requests[0];
    expect(sent.path).toBe(`${tmpPath}/${NOTEBOOK}`);
    expect(sent.spec.spec_version).toBe(1);
    expect(sent.spec.packages.map((p: any) => p.name)).toContain('numpy');
    expect(sent.options).toEqual({ target: 'notebook', verify: true, gpu: 'auto' });

    build.finish = true;
    const result = panel.locator('.jp-Containerize-result');
    await expect(result).toBeVisible();
    await expect(status).toContainText('Succeeded');
    await expect(status).toContainText('1:15');
    await expect(result).toContainText('imports_numpy:latest');
    // The size as the log wrote it (result.size_text, decimal units as docker images)
    await expect(result).toContainText('123 MB');
    await expect(result.locator('.jp-Containerize-copyField code').first()).toHaveText(
      'docker run --rm -p 8888:8888 -e JUPYTER_TOKEN=choose-a-token imports_numpy:latest'
    );
    await expect(result.getByRole('button', { name: 'Copy the docker run command' })).toBeVisible();
    await expect(result.locator('.jp-Containerize-verify tbody tr')).toHaveCount(2);
    await expect(page.getByText('Built imports_numpy:latest from imports_numpy.ipynb')).toBeVisible();

    // The notifications float over the panel: hide them for the picture.
    await page.addStyleTag({ content: '.Toastify { display: none !important; }' });
    await page.mouse.move(0, 0);
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-build-light.png') });
  });

  test('a failed build notifies with a Show action', async ({ page, tmpPath }) => {
    const build = new ScriptedBuild();
    await build.install(page, tmpPath);
    const panel = await openNotebookAndPanel(page, tmpPath);
    await panel.getByRole('button', { name: 'Build image' }).click();
    await expect(panel.locator('.jp-Containerize-buildStatus')).toContainText('step 2 of 3');
    build.fail = true;
    await expect(panel.locator('.jp-Containerize-buildStatus')).toContainText('Failed');
    await expect(panel.locator('.jp-Containerize-logLine.jp-mod-error')).toHaveText(
      'E: Unable to locate package libfoo'
    );
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('The Docker build failed at step 3 of 3.');
    await expect(dialog).toContainText('E: Unable to locate package libfoo');
    await dialog.getByRole('button', { name: 'Ok' }).click();
  });

  test('cancel stops the build', async ({ page, tmpPath }) => {
    const build = new ScriptedBuild();
    await build.install(page, tmpPath);
    const panel = await openNotebookAndPanel(page, tmpPath);
    await panel.getByRole('button', { name: 'Build image' }).click();
    await expect(panel.locator('.jp-Containerize-buildStatus')).toContainText('Building');
    await panel.getByRole('button', { name: 'Cancel build' }).click();
    await expect(panel.locator('.jp-Containerize-buildStatus')).toContainText('Cancelled');
    expect(build.cancelled).toBe(true);
    await expect(panel.getByRole('button', { name: 'Build again' })).toBeEnabled();
  });

  test('a reload finds the running build again', async ({ page, tmpPath }) => {
    const build = new ScriptedBuild();
    await build.install(page, tmpPath);
    const panel = await openNotebookAndPanel(page, tmpPath);
    await panel.getByRole('button', { name: 'Build image' }).click();
    await expect(panel.locator('.jp-Containerize-buildStatus')).toContainText('step 2 of 3');

    // JupyterLab saves the state database to the workspace a moment after a change.
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const response = await fetch('/lab/api/workspaces/default');
          const workspace = await response.json();
          return JSON.stringify(workspace.data['jupyterlab-containerize:builds'] ?? {});
        })
      )
      .toContain(BUILD_ID);
    const pollsBefore = build.polls;
    await page.reload({ waitForIsReady: false });
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await page.evaluate(async path => {
      await window.jupyterapp.commands.execute('containerize:open', { path });
    }, `${tmpPath}/${NOTEBOOK}`);
    const again = page.locator('#jp-containerize-panel');
    await expect(again.locator('.jp-Containerize-buildStatus')).toContainText('step 2 of 3');
    await expect(again.locator('.jp-Containerize-log')).toContainText('FROM python:3.11-slim');
    expect(build.polls).toBeGreaterThan(pollsBefore);
    build.finish = true;
    await expect(again.locator('.jp-Containerize-result')).toBeVisible();
    expect(build.requests).toHaveLength(1);
  });

  test("without the state database, the server's build list finds it", async ({
    page,
    tmpPath
  }) => {
    const build = new ScriptedBuild();
    build.listed = true;
    await build.install(page, tmpPath);
    const panel = await openNotebookAndPanel(page, tmpPath);
    await panel.getByRole('button', { name: 'Build image' }).click();
    await expect(panel.locator('.jp-Containerize-buildStatus')).toContainText('Building');
    // A fresh page with an empty workspace: only the server remembers the build.
    await page.goto(`tree/${tmpPath}?reset`);
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await page.evaluate(async path => {
      await window.jupyterapp.commands.execute('containerize:open', { path });
    }, `${tmpPath}/${NOTEBOOK}`);
    const again = page.locator('#jp-containerize-panel');
    await expect(again.locator('.jp-Containerize-buildStatus')).toContainText('step 2 of 3');
  });

  test("a server without the build endpoints: the server's message", async ({ page, tmpPath }) => {
    await page.route(/\/containerize\/builds/, route =>
      route.fulfill({ status: 404, contentType: 'text/html', body: '<html>404: Not Found</html>' })
    );
    const panel = await openNotebookAndPanel(page, tmpPath);
    await panel.getByRole('button', { name: 'Build image' }).click();
    const error = panel.getByRole('alert');
    await expect(error).toContainText('The build could not start');
    await expect(error).toContainText('/containerize/builds');
  });

  test('a refused build shows the JSON error with its hint', async ({ page, tmpPath }) => {
    await page.route(/\/containerize\/builds/, route =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          code: 'engine-unavailable',
          message: 'The Docker engine does not answer.',
          hint: 'Start Docker (dockerd) and try again.',
          detail: null
        })
      })
    );
    const panel = await openNotebookAndPanel(page, tmpPath);
    await panel.getByRole('button', { name: 'Build image' }).click();
    const error = panel.getByRole('alert');
    await expect(error).toContainText('The Docker engine does not answer.');
    await expect(error).toContainText('Start Docker (dockerd) and try again.');
  });
});

test.describe('Settings', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-containerize:plugin': {
        registry: 'registry.example.org/team',
        gpuDefault: 'none',
        defaultBaseImage: 'quay.io/jupyter/scipy-notebook:latest'
      }
    }
  });

  test('the settings are the defaults of a new build', async ({ page, tmpPath }) => {
    const build = new ScriptedBuild();
    await build.install(page, tmpPath);
    const panel = await openNotebookAndPanel(page, tmpPath);
    await expect(panel.getByRole('textbox', { name: 'Registry' })).toHaveValue('registry.example.org/team');
    await expect(panel.getByLabel('GPU', { exact: true })).toHaveValue('none');
    await expect(panel.getByLabel('Base image', { exact: true })).toHaveValue(
      'quay.io/jupyter/scipy-notebook:latest'
    );
    await panel.getByRole('button', { name: 'Build image' }).click();
    await expect(panel.locator('.jp-Containerize-buildStatus')).toContainText('Building');
    expect(build.requests[0].options).toEqual({
      target: 'notebook',
      verify: true,
      tag: 'registry.example.org/team/imports_numpy:notebook',
      base_image: 'quay.io/jupyter/scipy-notebook:latest'
    });
  });
});

test.describe('Server extension missing', () => {
  test('the panel explains how to enable it', async ({ page, tmpPath }) => {
    await page.route(/\/containerize\/info/, route =>
      route.fulfill({ status: 404, contentType: 'text/html', body: '<html>404: Not Found</html>' })
    );
    await page.reload({ waitForIsReady: false });
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await page.contents.uploadFile(
      path.resolve(__dirname, '..', 'notebooks', NOTEBOOK),
      `${tmpPath}/${NOTEBOOK}`
    );
    await page.evaluate(async path => {
      await window.jupyterapp.commands.execute('containerize:open', { path });
    }, `${tmpPath}/${NOTEBOOK}`);
    const panel = page.locator('#jp-containerize-panel');
    await expect(panel).toContainText('The containerize server extension is not running');
    await expect(panel).toContainText('jupyter server extension enable jupyterlab_containerize');
  });
});
