/**
 * The panel against a Jupyter server whose container engine does not answer (the
 * `engine-down` project of playwright.config.js: c.Containerize.engine_url = tcp://127.0.0.1:9).
 * Nothing is faked here: /containerize/info, /inspect and /context are the real server's.
 */
import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** ServerConnection adds a cache-busting query string to every request. */
const isEndpoint = (url: string, name: string) =>
  new URL(url).pathname.endsWith(`/containerize/${name}`);

const NOTEBOOK = 'imports_numpy.ipynb';
const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

test.describe('No container engine answers', () => {
  // Tall enough for the whole panel in the screenshot.
  test.use({ viewport: { width: 1280, height: 1600 } });

  test('the panel says so and offers the build context and Binder, never a dead Build button', async ({
    page,
    tmpPath
  }) => {
    const info = await (await page.request.get('/containerize/info')).json();
    expect(info.engine).toMatchObject({
      available: false,
      where: 'a remote engine at 127.0.0.1:9 (tcp)'
    });

    await page.contents.uploadFile(
      path.resolve(__dirname, '..', 'notebooks', NOTEBOOK),
      `${tmpPath}/${NOTEBOOK}`
    );
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.notebook.activate(NOTEBOOK);
    await page
      .locator('.jp-NotebookPanel-toolbar [data-jp-item-name="containerize"]')
      .click();
    const panel = page.locator('#jp-containerize-panel');
    await expect(panel.locator('.jp-Containerize-packages')).toBeVisible({ timeout: 60000 });

    // One clear line, with the server's reason under it.
    const section = panel.locator('.jp-Containerize-buildSection');
    const down = section.locator('.jp-Containerize-engineDown');
    await expect(down.locator('.jp-Containerize-messageTitle')).toHaveText(
      'No container engine answers: builds cannot run on a remote engine at 127.0.0.1:9 (tcp).'
    );
    await expect(down.locator('.jp-Containerize-hint')).toContainText(
      info.engine.message
    );
    // No Build button at all, enabled or not.
    await expect(panel.getByRole('button', { name: /^Build/ })).toHaveCount(0);

    // The user's edits and options go into the context, as they would into a build.
    await panel
      .getByRole('textbox', { name: 'Package to add, as name or name==version' })
      .fill('tabulate==0.9.0');
    await panel.getByRole('button', { name: 'Add', exact: true }).first().click();
    await panel.getByLabel('Image tag').fill('numpy-job:v1');

    const sent = page.waitForRequest(
      r => isEndpoint(r.url(), 'context') && r.method() === 'POST'
    );
    const downloaded = page.waitForEvent('download');
    await section.getByRole('button', { name: 'Download build context' }).click();
    const body = (await sent).postDataJSON();
    expect(body.path).toBe(`${tmpPath}/${NOTEBOOK}`);
    expect(body.options).toEqual({ target: 'notebook', verify: true, gpu: 'auto', tag: 'numpy-job:v1' });
    expect(body.spec.packages.map((p: any) => p.name)).toContain('tabulate');

    const file = await downloaded;
    expect(file.suggestedFilename()).toBe('imports_numpy-context.tar.gz');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'context-'));
    const archive = path.join(folder, file.suggestedFilename());
    await file.saveAs(archive);
    execFileSync('tar', ['xzf', archive, '-C', folder]);
    const top = path.join(folder, 'imports_numpy-context');
    expect(fs.existsSync(path.join(top, 'Dockerfile'))).toBe(true);
    expect(fs.existsSync(path.join(top, NOTEBOOK))).toBe(true);
    const pinned = execFileSync('grep', ['-rl', 'tabulate==0.9.0', top], { encoding: 'utf-8' });
    expect(pinned.trim()).not.toBe('');
    fs.rmSync(folder, { recursive: true, force: true });
    await expect(section.getByRole('status').filter({ hasText: 'Saved imports_numpy-context.tar.gz' })).toBeVisible();

    // "Check again" asks the server again; the engine still does not answer.
    const checked = page.waitForResponse(r => isEndpoint(r.url(), 'info'));
    await down.getByRole('button', { name: 'Check again' }).click();
    await checked;
    await expect(down.getByRole('button', { name: 'Check again' })).toBeEnabled();
    await expect(down).toContainText('No container engine answers');

    await page.mouse.move(0, 0);
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-engine-down.png') });
    await page.theme.setDarkTheme();
    await page.mouse.move(0, 0);
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-engine-down-dark.png') });
    await page.theme.setLightTheme();

    // The BinderHub route needs no engine here.
    await section.getByRole('button', { name: 'Use Binder instead' }).click();
    await expect(panel.getByLabel('Target')).toHaveValue('binder');
    await expect(panel.getByRole('button', { name: 'Write Binder files' })).toBeEnabled();
  });
});
