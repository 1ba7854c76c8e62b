/**
 * Builds on BinderHub from the Binder card, against scripted answers (Playwright routes) of
 * `POST /containerize/binder` (a launch link) and `/containerize/binder/builds`: phases and log
 * lines in the build log, Cancel, a pre-build, a launch, and BinderHub's refusal with its hint.
 * No BinderHub and no git repository are needed. Inspection goes to the real server.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Route } from '@playwright/test';
import * as path from 'path';

const NOTEBOOK = 'imports_numpy.ipynb';
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const BUILD_ID = 'c544b722f108';
const COMMIT = '770c4d63f650367bd2136a22989389e84165364d';
const LINK = `https://mybinder.org/v2/gh/octo/analysis/${COMMIT}?urlpath=lab/tree/${NOTEBOOK}`;
const LAUNCH_URL = `https://hub.mybinder.org/user/octo-analysis-x1y2z3/lab/tree/${NOTEBOOK}?token=s3rv3r-t0k3n`;

type Ending = 'running' | 'built' | 'launched' | 'refused';

/** A BinderHub build that runs through its phases, then ends as `ending` says. */
class ScriptedBinderHub {
  ending: Ending = 'running';
  requests: any[] = [];
  cancelled = false;
  private t0 = Date.now() / 1000;

  async install(page: IJupyterLabPageFixture): Promise<void> {
    await page.route(/\/containerize\/binder(\?|$)/, route =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          files: [
            { path: 'binder/requirements.txt', status: 'unchanged' },
            { path: 'binder/runtime.txt', status: 'unchanged' }
          ],
          written: false,
          provider: 'gh',
          commit: COMMIT,
          url: LINK,
          badge_markdown: `[![Binder](https://mybinder.org/badge_logo.svg)](${LINK})`,
          warnings: [],
          next_steps: []
        })
      })
    );
    await page.route(/\/containerize\/binder\/builds(\/|\?|$)/, route =>
      this.answer(route)
    );
  }

  private events(prebuild: boolean) {
    const at = (s: number) => this.t0 + s;
    const log = (index: number, s: number, phase: string | null, line: string) => ({
      index,
      kind: 'log',
      time: at(s),
      message: `[${phase ?? 'log'}] ${line}`,
      ...(phase ? { data: { phase } } : {})
    });
    const events: any[] = [
      { index: 0, kind: 'log', time: at(0), message: `GET https://mybinder.org/build/gh/octo/analysis/${COMMIT}${prebuild ? '?build_only=true' : ''}` },
      log(1, 1, 'waiting', 'Waiting for build to start...'),
      log(2, 2, 'fetching', 'Fetching repository...'),
      log(3, 3, null, 'Picked Git content provider.'),
      log(4, 5, 'building', 'Step 5/9 : RUN pip install -r binder/requirements.txt'),
      log(5, 40, null, 'Successfully installed numpy-1.26.4')
    ];
    if (this.ending === 'refused') {
      events.splice(2);
      events.push(
        log(2, 2, 'failed', 'Building but not launching is not permitted when the API only mode was not enabled.'),
        {
          index: 3,
          kind: 'error',
          time: at(3),
          message: 'BinderHub: Building but not launching is not permitted when the API only mode was not enabled.',
          data: { code: 'binderhub-build-failed' }
        }
      );
    } else if (this.ending === 'built') {
      events.push(
        log(6, 60, 'pushing', 'Pushing image'),
        log(7, 75, 'built', 'Done! Image built'),
        { index: 8, kind: 'done', time: at(75), message: 'Image built on BinderHub.', data: { phase: 'built' } }
      );
    } else if (this.ending === 'launched') {
      events.push(
        log(6, 60, 'launching', 'Launching server...'),
        log(7, 80, 'ready', 'server running at https://hub.mybinder.org/user/octo-analysis-x1y2z3/'),
        { index: 8, kind: 'done', time: at(80), message: "Server ready on BinderHub: open the result's launch_url.", data: { phase: 'ready' } }
      );
    }
    return events;
  }

  private record(since: number) {
    const prebuild = this.requests[0]?.prebuild !== false;
    const events = this.events(prebuild);
    const status = this.cancelled
      ? 'cancelled'
      : this.ending === 'running'
        ? 'running'
        : this.ending === 'refused'
          ? 'failed'
          : 'succeeded';
    return {
      id: BUILD_ID,
      status,
      created: this.t0,
      started: this.t0,
      finished: status === 'running' ? null : events[events.length - 1].time,
      options: { binderhub_url: 'https://mybinder.org', provider: 'gh', commit: COMMIT, build_only: prebuild, link: LINK },
      events: events.filter(e => e.index >= since),
      next: events.length,
      error:
        status === 'failed'
          ? {
              code: 'binderhub-build-failed',
              message: 'BinderHub: Building but not launching is not permitted when the API only mode was not enabled.',
              hint: 'This BinderHub builds only to launch (mybinder.org does too): use "Build and launch" instead; it builds and caches the image, then starts one session.'
            }
          : null,
      result:
        status === 'succeeded'
          ? {
              phase: prebuild ? 'built' : 'ready',
              build_only: prebuild,
              image: 'registry/binder-octo-analysis:770c4d63',
              server_url: prebuild ? null : 'https://hub.mybinder.org/user/octo-analysis-x1y2z3/',
              launch_url: prebuild ? null : LAUNCH_URL,
              link: LINK,
              commit: COMMIT
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
      this.requests.push(request.postDataJSON());
      this.t0 = Date.now() / 1000;
      const summary: Record<string, unknown> = this.record(0);
      delete summary.events;
      return json(202, summary);
    }
    if (request.method() === 'DELETE') {
      this.cancelled = true;
      return json(200, { id: BUILD_ID, status: 'cancelled' });
    }
    return json(200, this.record(Number(url.searchParams.get('since') ?? 0)));
  }
}

async function openBinderCard(page: IJupyterLabPageFixture, tmpPath: string) {
  await page.contents.uploadFile(
    path.resolve(__dirname, '..', 'notebooks', NOTEBOOK),
    `${tmpPath}/${NOTEBOOK}`
  );
  await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
  await page.notebook.activate(NOTEBOOK);
  await page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]').click();
  const panel = page.locator('#jp-containerize-panel');
  await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({ timeout: 60000 });
  await panel.getByLabel('Target').selectOption('binder');
  await panel.getByRole('button', { name: 'Write Binder files' }).click();
  await expect(panel.getByRole('link', { name: 'Launch on Binder' })).toBeVisible();
  return panel;
}

test.describe('BinderHub builds (scripted BinderHub API)', () => {
  test.use({ viewport: { width: 1280, height: 1800 } });

  test('pre-build: phases and log, then the image is built', async ({ page, tmpPath }) => {
    const hub = new ScriptedBinderHub();
    await hub.install(page);
    const panel = await openBinderCard(page, tmpPath);

    await panel.getByRole('button', { name: 'Pre-build on BinderHub' }).click();
    const status = panel.getByRole('status', { name: 'BinderHub build status' });
    await expect(status).toContainText('Building the image');
    await expect(status).toContainText('pre-build');
    const log = panel.getByRole('log', { name: 'BinderHub build log' });
    await expect(log).toContainText('[fetching] Fetching repository...');
    await expect(log).toContainText('[log] Picked Git content provider.');
    await expect(panel.getByRole('button', { name: 'Cancel', exact: true })).toBeVisible();
    expect(hub.requests).toEqual([{ path: `${tmpPath}/${NOTEBOOK}`, prebuild: true }]);

    hub.ending = 'built';
    await expect(panel.getByText('Image built: the badge will start fast')).toBeVisible();
    await expect(status).toContainText('Image built');
    await expect(status).toContainText('1:15');
    await expect(panel.getByText('For commit 770c4d63f650.')).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Build and launch' })).toBeEnabled();

    await page.mouse.move(0, 0);
    await page.addStyleTag({ content: '.Toastify { display: none !important; }' });
    await panel.locator('.jp-Containerize-buildSection').screenshot({
      path: path.join(IMAGES, 'panel-binderhub-build.png')
    });
  });

  test('build and launch: a link to the session, its token never in the log', async ({
    page,
    tmpPath
  }) => {
    const hub = new ScriptedBinderHub();
    hub.ending = 'launched';
    await hub.install(page);
    const panel = await openBinderCard(page, tmpPath);
    // A hub behind a login: its API token goes with the request, in a password field.
    const token = panel.getByLabel('Hub API token (only for a BinderHub behind a login)');
    await expect(token).toHaveAttribute('type', 'password');
    await token.fill('hub-t0k3n');
    await panel.getByRole('button', { name: 'Build and launch' }).click();
    const link = panel.getByRole('link', { name: 'Open the launched notebook' });
    await expect(link).toHaveAttribute('href', LAUNCH_URL);
    await expect(link).toHaveAttribute('target', '_blank');
    expect(hub.requests[0]).toEqual({ path: `${tmpPath}/${NOTEBOOK}`, prebuild: false, hub_token: 'hub-t0k3n' });
    await expect(panel).not.toContainText('hub-t0k3n');
    await expect(panel.getByRole('status', { name: 'BinderHub build status' })).toContainText('Ready');
    await expect(panel.getByRole('log', { name: 'BinderHub build log' })).toContainText('[ready] server running');
    // The token is in the link only: nowhere in the panel's text.
    await expect(panel).not.toContainText('s3rv3r-t0k3n');
  });

  test("BinderHub refuses a pre-build: its message and the hint", async ({ page, tmpPath }) => {
    const hub = new ScriptedBinderHub();
    hub.ending = 'refused';
    await hub.install(page);
    const panel = await openBinderCard(page, tmpPath);
    await panel.getByRole('button', { name: 'Pre-build on BinderHub' }).click();
    const error = panel.getByRole('alert');
    await expect(error).toContainText('BinderHub did not build the image');
    await expect(error).toContainText('Building but not launching is not permitted');
    await expect(error).toContainText('use "Build and launch" instead');
    await expect(panel.getByRole('status', { name: 'BinderHub build status' })).toContainText('Failed');
    await expect(panel.getByRole('log', { name: 'BinderHub build log' }).locator('.jp-mod-error')).toHaveCount(1);
  });

  test('cancel closes the stream to BinderHub', async ({ page, tmpPath }) => {
    const hub = new ScriptedBinderHub();
    await hub.install(page);
    const panel = await openBinderCard(page, tmpPath);
    await panel.getByRole('button', { name: 'Pre-build on BinderHub' }).click();
    await expect(panel.getByRole('status', { name: 'BinderHub build status' })).toContainText('Building the image');
    await panel.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(panel.getByRole('status', { name: 'BinderHub build status' })).toContainText('Cancelled');
    expect(hub.cancelled).toBe(true);
    await expect(panel.getByRole('button', { name: 'Pre-build on BinderHub' })).toBeEnabled();
  });
});
