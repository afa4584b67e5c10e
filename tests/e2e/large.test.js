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

  // The rows' buttons share one listener: each still acts on its own row, on any page, by
  // mouse and by keyboard.
  const secondary = (await tableRows(page, 'table.ips')).filter((r) => r[1] === 'Secondary');
  const named = secondary.filter((r) => /^[a-z0-9.-]+\.example\.com$/.test(r[3]));
  const [edited, deleted] = [named[1], secondary[4]];
  await page.getByRole('button', { name: `Delete ${deleted[0]}` }).click();
  await page.getByRole('dialog').getByText(deleted[0]).first().waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: `Edit rDNS of ${edited[0]}` }).focus();
  await page.keyboard.press('Enter');
  const editor = page.getByRole('textbox', { name: `Reverse DNS name for ${edited[0]}` });
  assert.equal(await editor.inputValue(), edited[3], 'the editor opens on its own row, with its name');
  await page.keyboard.press('Escape');
  await editor.waitFor({ state: 'detached' });

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

// A keystroke changes only what changes: the rows are rebuilt in place, and an attribute whose
// value is the same for the new row is left alone, not removed and set again (work that made
// a keystroke on 10,000 IPs slower).
test('a search keystroke changes only the rows\' attributes that change', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20099`);
  const caption = page.locator('table.ips caption');
  await caption.waitFor();
  const search = page.getByLabel('Search');
  const captionOf = () => caption.textContent();
  const captionChanges = (from) => page.waitForFunction((from) => document.querySelector('table.ips caption')?.textContent !== from, from);
  const all = await captionOf();
  await search.fill('h1');
  await captionChanges(all);
  const ones = await captionOf();
  const before = (await tableRows(page, 'table.ips')).map((r) => r[0]);
  await page.evaluate(() => {
    window.__records = [];
    window.__observer = new MutationObserver((rs) => window.__records.push(...rs));
    window.__observer.observe(document.querySelector('table.ips tbody'), { subtree: true, attributes: true, attributeOldValue: true });
  });
  await search.press('2');
  await captionChanges(ones);
  const after = (await tableRows(page, 'table.ips')).map((r) => r[0]);
  assert.notDeepEqual(after, before.slice(0, after.length), 'the keystroke shows other rows');
  const { changed, same } = await page.evaluate(() => {
    const rs = [...window.__records, ...window.__observer.takeRecords()];
    const same = rs.filter((r) => r.target.isConnected && r.target.getAttribute(r.attributeName) === r.oldValue);
    return { changed: rs.length, same: same.map((r) => `${r.target.tagName.toLowerCase()} ${r.attributeName}="${r.oldValue}"`).slice(0, 5) };
  });
  assert.ok(changed > 0, 'the rows that show other IPs have their attributes changed');
  assert.deepEqual(same, [], 'no attribute is removed and set again to the value it had');
  assert.deepEqual(page.errors, []);
});
