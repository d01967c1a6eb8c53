// The browser test of oqcloud's web pages, run by tests/browser.rs (or by hand against any
// running server):
//
//   node tests/browser/webui.mjs BASE_URL JOB_DIR ARTIFACTS_DIR
//
// Drives Debian's headless chromium (/usr/bin/chromium, or $OQCLOUD_CHROMIUM) with
// playwright-core: opens the calculation list, submits every file of JOB_DIR through the
// submit form, waits on the calculation page until the calculation is complete, downloads
// its hazard maps as CSV and checks OpenQuake's header, and checks that the plot images
// are displayed. Screenshots (and the downloaded file) go to ARTIFACTS_DIR.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [base, jobDir, artifacts] = process.argv.slice(2);
if (!base || !jobDir || !artifacts) {
  console.error('usage: node webui.mjs BASE_URL JOB_DIR ARTIFACTS_DIR');
  process.exit(2);
}
const executablePath = process.env.OQCLOUD_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`no chromium at ${executablePath} (apt-get install chromium, or set OQCLOUD_CHROMIUM)`);
  process.exit(2);
}
// How long the calculation may take, and every other wait.
const JOB_TIMEOUT_MS = 10 * 60 * 1000;
const STEP_TIMEOUT_MS = 60 * 1000;
mkdirSync(artifacts, { recursive: true });

const step = (message) => console.log(`[browser] ${message}`);

/** Fails with `message` unless `condition` holds. */
function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The job's files, the job.ini first (the API takes the first .ini as the job). */
function jobFiles(dir) {
  const files = readdirSync(dir)
    .map((name) => join(resolve(dir), name))
    .filter((path) => statSync(path).isFile());
  files.sort((a, b) => Number(!a.endsWith('job.ini')) - Number(!b.endsWith('job.ini')));
  return files;
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  timeout: STEP_TIMEOUT_MS,
  // --no-sandbox: CI runs as root in a container, where chromium's sandbox cannot start;
  // the others keep chromium from reaching the network on its own.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
context.setDefaultTimeout(STEP_TIMEOUT_MS);
const page = await context.newPage();
const problems = [];
page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
page.on('console', (message) => {
  if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
});
page.on('response', (response) => {
  if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
});

try {
  step(`opening ${base}/engine/`);
  const list = await page.goto(`${base}/engine/`);
  check(list.status() === 200, `/engine/ answered ${list.status()}`);
  check((await page.textContent('h1')).trim() === 'Calculations', 'the list page has no "Calculations" heading');
  await page.screenshot({ path: join(artifacts, '1-list.png'), fullPage: true });

  step('opening the submit form');
  await page.click('main a.button[href="/engine/submit"]');
  await page.waitForURL(`${base}/engine/submit`);
  const files = jobFiles(jobDir);
  step(`choosing ${files.length} files of ${jobDir}`);
  await page.setInputFiles('#archive', files);
  await page.screenshot({ path: join(artifacts, '2-submit.png'), fullPage: true });
  await page.click('#run');
  await page.waitForURL(/\/engine\/\d+\/outputs$/);
  const id = page.url().match(/\/engine\/(\d+)\/outputs$/)[1];
  step(`submitted: calculation ${id}; waiting until it ends`);

  await page.waitForFunction(
    () => {
      const status = document.getElementById('status');
      return document.readyState === 'complete' && status
        && ['complete', 'failed', 'aborted'].includes(status.dataset.status)
        && document.getElementById('calc').dataset.running === 'false';
    },
    null,
    { timeout: JOB_TIMEOUT_MS, polling: 500 },
  );
  const status = await page.getAttribute('#status', 'data-status');
  if (status !== 'complete') {
    throw new Error(`calculation ${id} ended ${status}; its log:\n${await page.textContent('#log')}`);
  }
  step(`calculation ${id} is complete`);

  // the log is loaded, the plots are drawn and displayed
  await page.waitForFunction(() => document.getElementById('log').textContent.length > 0);
  const plots = await page.locator('img.plot').count();
  check(plots > 0, 'the complete calculation shows no plots');
  await page.waitForFunction(
    () => [...document.querySelectorAll('img.plot')].every((img) => img.complete),
    null,
    { timeout: STEP_TIMEOUT_MS, polling: 250 },
  );
  const widths = await page.$$eval('img.plot', (imgs) => imgs.map((img) => [img.getAttribute('src'), img.naturalWidth]));
  for (const [src, width] of widths) check(width > 0, `the plot ${src} is not displayed (naturalWidth 0)`);
  step(`plots displayed: ${widths.map(([src, width]) => `${src.split('/').pop()} ${width}px`).join(', ')}`);
  await page.screenshot({ path: join(artifacts, '3-calculation.png'), fullPage: true });

  // download the hazard maps as CSV through their link (one file, whatever the IMTs)
  const link = page.locator('tr[data-output-type="hmaps"] a.download[data-format="csv"]');
  check((await link.count()) === 1, 'no CSV download link for the hazard maps');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = join(artifacts, download.suggestedFilename());
  await download.saveAs(saved);
  const lines = readFileSync(saved, 'utf8').split('\n');
  check(/^#.*generated_by=/.test(lines[0]), `${saved}: no OpenQuake metadata line: ${lines[0]}`);
  check(/^lon,lat,[^,]+/.test(lines[1]), `${saved}: no OpenQuake CSV header: ${lines[1]}`);
  check(lines.filter((line) => line.length > 0).length > 2, `${saved}: no data rows`);
  step(`downloaded ${download.suggestedFilename()} (${lines.length - 1} lines)`);

  // back to the list: the calculation is there, complete
  await page.click('header a.brand');
  await page.waitForURL(`${base}/engine/`);
  const row = page.locator(`tr[data-calc-id="${id}"]`);
  check((await row.count()) === 1, `calculation ${id} is not in the list`);
  check((await row.locator('.status').textContent()) === 'complete', `calculation ${id} is not complete in the list`);
  await page.screenshot({ path: join(artifacts, '4-list.png'), fullPage: true });

  check(problems.length === 0, `the pages reported errors:\n${problems.join('\n')}`);
  step(`passed; screenshots in ${artifacts}`);
  await browser.close();
} catch (error) {
  await page.screenshot({ path: join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
  console.error(`[browser] FAILED at ${page.url()}: ${error.message}`);
  if (problems.length) console.error(problems.join('\n'));
  await browser.close();
  process.exit(1);
}
