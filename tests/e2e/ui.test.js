// Dark mode (the system's, or set in Settings) and the keyboard shortcuts.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { suite, newPage } = require('./harness');

const rig = suite();

const background = (page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

test('dark mode follows the system unless Settings says otherwise, and is kept', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${rig.proxy.base}/settings`);
  await page.getByLabel('As the system').waitFor();
  assert.equal(await page.getByLabel('As the system').isChecked(), true);
  assert.equal(await background(page), 'rgb(18, 21, 26)');
  await page.getByLabel('Light').check();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.equal(await background(page), 'rgb(246, 247, 249)');
  await page.reload();
  await page.getByLabel('Light').waitFor();
  assert.equal(await page.getByLabel('Light').isChecked(), true);
  assert.equal(await background(page), 'rgb(246, 247, 249)', 'kept across a reload');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByLabel('Dark').check();
  assert.equal(await background(page), 'rgb(18, 21, 26)');
  await page.getByLabel('As the system').check();
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-theme')), false);
  assert.equal(await background(page), 'rgb(246, 247, 249)');
});

test('keyboard shortcuts: / searches the table, g s goes to servers, ? lists them', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20001`);
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ip-search');
  await page.keyboard.type('mta2');
  await page.waitForFunction(() => document.querySelectorAll('table.ips tbody tr').length === 1);
  // Typing in a field is not a shortcut: "g s" stayed text.
  await page.keyboard.type(' gs');
  assert.match(page.url(), /\/servers\/20001/);
  await page.locator('h1').click();
  await page.keyboard.press('g');
  await page.keyboard.press('s');
  await page.waitForURL(/\/servers(\?|$)/);
  await page.keyboard.press('?');
  const d = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await d.waitFor();
  await d.getByText('Search the table on this screen').waitFor();
  await page.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  await page.keyboard.press('g');
  await page.keyboard.press('a');
  await page.waitForURL(/\/activity/);
});

test('the watch timings are checked next to their fields and kept', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/settings`);
  const every = page.getByLabel('Check every (seconds)');
  await every.fill('0');
  await page.locator('#poll-secs-error').getByText('Check every 1 to 60 seconds.').waitFor();
  assert.equal(await every.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Save timings' }).isDisabled(), true);
  await every.fill('2');
  await page.getByLabel('Give up after (seconds)').fill('10');
  await page.getByRole('button', { name: 'Save timings' }).click();
  await page.getByText('Saved. Queued tasks are checked every 2 s for up to 10 s.').waitFor();
  assert.deepEqual(await page.evaluate(() => [localStorage.getItem('hostwinds.poll_secs'), localStorage.getItem('hostwinds.watch_limit_secs')]), ['2', '10']);
});

test('the page shows its frame while the wasm loads, says so when it cannot load, and the app takes its place', async () => {
  // The wasm never arrives: the frame is there, in the theme chosen in Settings, with why.
  const failing = await newPage(rig.browser, rig.proxy.base);
  await failing.addInitScript(() => localStorage.setItem('hostwinds.theme', 'dark'));
  await failing.route('**/*_bg.wasm', (route) => route.abort('connectionrefused'));
  await failing.goto(`${rig.proxy.base}/servers`);
  const status = failing.getByRole('alert');
  await status.getByText(/^The console could not be loaded \(.+\)\. Check the connection and reload the page\.$/).waitFor();
  assert.equal(await failing.locator('header.top .brand').textContent(), 'Hostwinds networking');
  assert.equal(await failing.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await background(failing), 'rgb(18, 21, 26)');

  // It loads: the app is in the frame's place, one header and one main, the frame gone.
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers`);
  await page.locator('table.servers tbody tr').first().waitFor();
  assert.equal(await page.locator('#boot').count(), 0);
  assert.equal(await page.locator('header.top').count(), 1);
  assert.equal(await page.locator('main').count(), 1);
  assert.deepEqual(page.errors, []);
});
