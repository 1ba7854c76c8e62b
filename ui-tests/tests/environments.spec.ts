/**
 * The panel's "Environment images" section: the images builds left on the engine, and "Free
 * space…" (a dry run shown in a dialog, then the prune of what it showed).
 *
 * The first tests are a stand-in: Playwright routes script GET /containerize/environments and
 * POST /containerize/environments/prune, so that the list, the prune and an engine that does not
 * answer are the same on every machine. The last one asks the real server and engine, for the
 * list and a dry run only: a route refuses any prune that is not a dry run, so this test can
 * never remove an image from the engine it shares with other tests.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator, Request, Route } from '@playwright/test';
import * as path from 'path';

const ENV = 'localhost/containerize-env';
const SHOTS = process.env.CONTAINERIZE_UI_SHOTS || '';

/** ServerConnection adds a cache-busting query string to every request. */
const isEndpoint = (url: string, name: string) =>
  new URL(url).pathname.endsWith(`/containerize/${name}`);

function image(key: string, size: number, hoursAgo: number, more: object = {}) {
  return {
    tag: `${ENV}:${key}`,
    image_id: `sha256:${key}`,
    size,
    last_used: Date.now() / 1000 - hoursAgo * 3600,
    parent: null,
    used_by: [],
    notebooks: [],
    untagged_images: 0,
    needed_by: null,
    ...more
  };
}

const IMAGES = [
  image('c80e9fe91de85adf8d822f42', 314_000_000, 1, {
    used_by: ['registry.example.org/team/sales-forecast-weekly:2026-12-07'],
    notebooks: ['analysis/sales_forecast_weekly_with_a_long_name.ipynb', 'report.ipynb'],
    needed_by: 'registry.example.org/team/sales-forecast-weekly:2026-12-07'
  }),
  image('d57fc76583281d399a514009', 534_000_000, 30),
  image('6619579f7395f7eb4499d991', 1_539_000_000, 24 * 9)
];

function listing(images: object[], remove: string[] = []) {
  const sizes = (images as { tag: string; size: number }[]);
  return {
    total: sizes.reduce((sum, i) => sum + i.size, 0),
    limit: null,
    freed: sizes.filter(i => remove.includes(i.tag)).reduce((sum, i) => sum + i.size, 0),
    environments: images,
    remove
  };
}

async function openSection(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.locator('.jp-SideBar [data-id="jp-containerize-panel"]').click();
  const panel = page.locator('#jp-containerize-panel');
  const section = panel.locator('.jp-Containerize-environments');
  await section.locator('summary').click();
  return section;
}

/** No sideways scroll, and nothing of the section past the panel's right edge. */
async function expectFits(page: IJupyterLabPageFixture, section: Locator): Promise<void> {
  const content = page.locator('#jp-containerize-panel .jp-SidePanel-content');
  expect(await content.evaluate(node => node.scrollWidth - node.clientWidth)).toBeLessThanOrEqual(0);
  const right = await content.evaluate(node => node.getBoundingClientRect().right);
  const widest = await section.evaluate(node =>
    Math.max(...Array.from(node.querySelectorAll('*')).map(el => el.getBoundingClientRect().right))
  );
  expect(widest).toBeLessThanOrEqual(right + 0.5);
}

test.describe('Environment images (stand-in: scripted REST answers)', () => {
  test.use({ viewport: { width: 1280, height: 1000 } });

  test('lists the images, and frees space after a dry run and a yes', async ({ page }) => {
    let images = IMAGES;
    const pruned: Request[] = [];
    await page.route(
      url => isEndpoint(url.href, 'environments'),
      (route: Route) => route.fulfill({ json: listing(images) })
    );
    await page.route(
      url => isEndpoint(url.href, 'environments/prune'),
      (route: Route) => {
        const body = route.request().postDataJSON();
        pruned.push(route.request());
        const going = [IMAGES[2].tag, IMAGES[1].tag];
        if (body.dry_run) {
          return route.fulfill({ json: { ...listing(images, going), dry_run: true, removed: [], problems: [] } });
        }
        const answer = {
          ...listing(images, body.tags),
          dry_run: false,
          removed: [`removed ${IMAGES[2].tag} (1.54 GB)`],
          problems: [`${IMAGES[1].tag}: conflict: unable to remove (a container uses it)`]
        };
        images = [IMAGES[0], IMAGES[1]];
        return route.fulfill({ json: answer });
      }
    );

    const section = await openSection(page);
    const rows = section.locator('.jp-Containerize-envImage');
    await expect(rows).toHaveCount(3);
    await expect(section.locator('.jp-Containerize-badge').first()).toHaveText('2.4 GB');
    await expect(section.getByText('2.4 GB in 3 images')).toBeVisible();
    await expect(rows.nth(0)).toContainText('c80e9fe91de8');
    await expect(rows.nth(0)).toContainText('needed by registry.example.org/team/sales-forecast-weekly:2026-12-07');
    await expect(rows.nth(0)).toContainText('notebooks: analysis/sales_forecast_weekly_with_a_long_name.ipynb, report.ipynb');
    await expect(rows.nth(2)).toContainText('no tagged image needs it');
    await expect(rows.nth(2)).toContainText('1.5 GB');
    await expectFits(page, section);

    await section.getByRole('button', { name: 'Free space…' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(
      'Removes 2 environment images no tagged image needs, least recently used first, and frees 2.1 GB.'
    );
    await expect(dialog.locator('.jp-Containerize-envHead')).toHaveCount(2);
    if (SHOTS) {
      await page.screenshot({ path: `${SHOTS}/h22-panel-envs-dialog.png` });
    }
    expect(pruned.map(r => r.postDataJSON())).toEqual([{ dry_run: true }]);
    await dialog.getByRole('button', { name: 'Remove 2 images' }).click();

    await expect(section.getByRole('status')).toContainText('Removed 1 environment image, freed 1.5 GB.');
    await expect(section.getByRole('status')).toContainText(
      `Not removed: ${IMAGES[1].tag}: conflict: unable to remove (a container uses it)`
    );
    // Exactly what the dry run showed, then the list again.
    expect(pruned[1].postDataJSON()).toEqual({ dry_run: false, tags: [IMAGES[2].tag, IMAGES[1].tag] });
    await expect(rows).toHaveCount(2);
    await expectFits(page, section);
    await page.theme.setDarkTheme();
    await expectFits(page, section);
    await page.theme.setLightTheme();
  });

  test('a build that ends lists the images again', async ({ page, tmpPath }) => {
    let images = IMAGES.slice(0, 1);
    let listed = 0;
    await page.route(
      url => isEndpoint(url.href, 'environments'),
      (route: Route) => {
        listed += 1;
        return route.fulfill({ json: listing(images) });
      }
    );
    // The build API answers at once: queued, then succeeded (it made a new environment image).
    await page.route(/\/containerize\/builds(\/|\?|$)/, (route: Route) => {
      const request = route.request();
      if (request.method() === 'POST') {
        images = IMAGES.slice(0, 2);
        return route.fulfill({ status: 202, json: { id: 'e0e0e0e0e0e0', status: 'queued', next: 0 } });
      }
      if (new URL(request.url()).pathname.endsWith('/builds/e0e0e0e0e0e0')) {
        const t0 = Date.now() / 1000 - 20;
        return route.fulfill({
          json: {
            id: 'e0e0e0e0e0e0', status: 'succeeded', created: t0, started: t0, finished: t0 + 15, next: 1,
            events: [{ index: 0, kind: 'done', time: t0 + 15, message: 'Built imports_numpy:notebook' }],
            result: { tag: 'imports_numpy:notebook', size: 300_000_000, size_text: '300 MB', run_command: 'docker run' }
          }
        });
      }
      return route.fulfill({ json: [] });
    });
    const notebook = 'imports_numpy.ipynb';
    await page.contents.uploadFile(path.resolve(__dirname, '..', 'notebooks', notebook), `${tmpPath}/${notebook}`);
    await page.notebook.openByPath(`${tmpPath}/${notebook}`);
    await page.notebook.activate(notebook);
    await page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]').click();
    const panel = page.locator('#jp-containerize-panel');
    await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({ timeout: 60000 });
    const section = panel.locator('.jp-Containerize-environments');
    await section.locator('summary').click();
    const rows = section.locator('.jp-Containerize-envImage');
    await expect(rows).toHaveCount(1);
    expect(listed).toBe(1);

    await panel.getByRole('button', { name: 'Build image' }).click();
    await expect(panel.locator('.jp-Containerize-result')).toBeVisible({ timeout: 30000 });
    await expect(rows).toHaveCount(2);
    expect(listed).toBe(2);
    if (SHOTS) {
      await rows.last().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/h22-panel-envs-after-build.png` });
    }
  });

  test('an engine that does not answer: one line, in the engine status words', async ({ page }) => {
    await page.route(
      url => isEndpoint(url.href, 'environments'),
      (route: Route) =>
        route.fulfill({
          status: 503,
          json: { code: 'engine-unavailable', message: 'Cannot reach the container engine: refused.', hint: 'Start it.' }
        })
    );
    const section = await openSection(page);
    await expect(section.getByRole('alert')).toHaveText(/^No container engine answers: builds cannot run on .+\.$/);
    await expect(section.locator('.jp-Containerize-envImage')).toHaveCount(0);
  });
});

test.describe('Environment images (real server and engine: list and dry run only)', () => {
  test.use({ viewport: { width: 1280, height: 1000 } });

  test('the engine’s images are listed and a dry run is shown; nothing is removed', async ({ page }) => {
    const sent: object[] = [];
    await page.route(
      url => isEndpoint(url.href, 'environments/prune'),
      (route: Route) => {
        const body = route.request().postDataJSON();
        sent.push(body);
        // The engine is shared: only a dry run may reach it.
        return body?.dry_run === true
          ? route.continue()
          : route.fulfill({ status: 403, json: { code: 'refused-in-test', message: 'not in this test' } });
      }
    );
    const listed = await (await page.request.get('/containerize/environments')).json();
    test.skip(listed.environments.length === 0, 'the engine has no environment images');

    const section = await openSection(page);
    const rows = section.locator('.jp-Containerize-envImage');
    await expect(rows.first()).toBeVisible({ timeout: 30000 });
    // Other tests build and prune on this engine meanwhile: the count is the listing's own.
    const count = await rows.count();
    expect(count).toBeGreaterThan(0);
    await expect(section.locator('.jp-Containerize-note').first()).toContainText(/ in \d+ images?/);
    await expectFits(page, section);
    if (SHOTS) {
      await page.screenshot({ path: `${SHOTS}/h22-panel-envs.png` });
    }

    await section.getByRole('button', { name: 'Free space…' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(/Removes \d+ environment images?|Nothing to remove/);
    await dialog.getByRole('button', { name: /Cancel|Ok/i }).click();
    await expect(dialog).toHaveCount(0);
    expect(sent).toEqual([{ dry_run: true }]);
  });
});
