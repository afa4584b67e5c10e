// A server with hundreds of IPs: the table pages through them; search, sort and export see all.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { suite, newPage, tableRows } = require('./harness');

const rig = suite(['--sim-large-server', '250']);

test('hundreds of IPs are paged, searched across all pages, and exported whole', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20099`);
  const caption = page.locator('table.ips caption');
  await caption.waitFor();
  assert.equal(await caption.textContent(), 'IP addresses 1–25 of 250', '25 rows per page by default');
  assert.equal((await tableRows(page, 'table.ips')).length, 25);
  const pager = page.getByRole('navigation', { name: 'IP pages' });
  assert.equal(await pager.getByRole('button', { name: 'Previous' }).isDisabled(), true);
  await pager.getByRole('button', { name: 'Next' }).click();
  await page.waitForFunction(() => document.querySelector('table.ips caption')?.textContent === 'IP addresses 26–50 of 250');
  await pager.getByText('Page 2 of 10').waitFor();

  // A larger page starts again at the first page, and is kept in this browser.
  await pager.getByLabel('Rows per page').selectOption('100');
  await page.waitForFunction(() => document.querySelector('table.ips caption')?.textContent === 'IP addresses 1–100 of 250');
  assert.equal((await tableRows(page, 'table.ips')).length, 100);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('table.ips caption')?.textContent === 'IP addresses 1–100 of 250');
  assert.equal(await page.getByLabel('Rows per page').inputValue(), '100');
  await pager.getByRole('button', { name: 'Next' }).click();
  await pager.getByText('Page 2 of 3').waitFor();

  // A stored size that is not one of the choices is not used: the default again.
  await page.evaluate(() => localStorage.setItem('hostwinds.rows_per_page', '60'));
  await page.reload();
  await page.waitForFunction(() => document.querySelector('table.ips caption')?.textContent === 'IP addresses 1–25 of 250');
  assert.equal(await page.getByLabel('Rows per page').inputValue(), '25');
  await pager.getByLabel('Rows per page').selectOption('100');
  await page.waitForFunction(() => document.querySelector('table.ips caption')?.textContent === 'IP addresses 1–100 of 250');

  // The search sees every page, and starts again at the first.
  await page.getByLabel('Search').fill('h248.');
  await page.waitForFunction(() => document.querySelector('table.ips caption')?.textContent === '1 IP address');
  assert.deepEqual((await tableRows(page, 'table.ips')).map((r) => r[3]), ['h248.bulk.mail.example.com']);
  await page.getByLabel('Search').fill('');
  await page.waitForFunction(() => document.querySelector('table.ips caption')?.textContent === 'IP addresses 1–100 of 250');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const lines = fs.readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.equal(lines.length, 251, 'header and all 250 IPs, not just the page shown');
  assert.deepEqual(page.errors, []);
});
