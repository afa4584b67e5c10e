// The IP cleanup fee: explained, confirmed, never sent twice, and warned about when repeated.
// Also the history page that records every action of this browser.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startProxy, launchBrowser, newPage, tableRows, recordCalls } = require('./harness');

let proxy;
let browser;
let page;
let calls;

before(async () => {
  proxy = await startProxy();
  browser = await launchBrowser();
  page = await newPage(browser); // one page: the history of this browser carries across tests
  calls = recordCalls(page);
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
});

const fees = () => calls.filter((c) => c.action === 'create_ip_cleanup_fee');

test('the cleanup request explains itself, and a double click sends one request', async () => {
  await page.goto(`${proxy.base}/servers/20002`);
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Request IP cleanup' }).click();
  const d = page.getByRole('dialog');
  await d.getByRole('heading', { name: 'Request an IP cleanup for mx2.mail.example.com?' }).waitFor();
  for (const words of ['reputation', 'spam blocklists', 'IP warming', 'creates an invoice']) {
    await d.getByText(words).first().waitFor();
  }
  await d.getByRole('button', { name: 'Create invoice' }).dblclick();
  const toast = page.getByRole('status').filter({ hasText: 'Invoice requested' });
  await toast.waitFor();
  // The API's success text is the copy-paste one: shown as given, success read from `result`.
  assert.match(await toast.textContent(), /A valid serviceid is required\./);
  await page.waitForTimeout(300);
  assert.equal(fees().length, 1);
});

test('a second request within 24 h needs an explicit second confirmation', async () => {
  // From another screen of the same server.
  await page.goto(`${proxy.base}/servers/20002/firewall`);
  await page.getByRole('button', { name: 'Request IP cleanup' }).click();
  const d = page.getByRole('dialog');
  await d.getByText(/already requested for this server \d+ minutes? ago/).waitFor();
  const create = d.getByRole('button', { name: 'Create invoice' });
  assert.equal(await create.isDisabled(), true);
  await d.getByLabel('Yes, request another invoice').check();
  assert.equal(await create.isDisabled(), false);
  await d.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(fees().length, 1);

  // Another server has no such warning.
  await page.goto(`${proxy.base}/servers/20003`);
  await page.getByRole('button', { name: 'Request IP cleanup' }).click();
  assert.equal(await d.getByText('already requested').count(), 0);
  assert.equal(await d.getByRole('button', { name: 'Create invoice' }).isDisabled(), false);
  await page.keyboard.press('Escape');
});

test('the history page lists this browser\'s actions with their messages', async () => {
  // One more action, an error this time.
  await page.request.post(`${proxy.base}/api`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: 'action=get_instances' });
  await page.goto(`${proxy.base}/servers/20002`);
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Delete 198.51.100.22' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete IP' }).click();
  await page.getByRole('status').filter({ hasText: 'IP removed' }).waitFor();

  await page.getByRole('link', { name: 'Activity' }).click();
  await page.locator('table.activity tbody tr').first().waitFor();
  const rows = await tableRows(page, 'table.activity');
  assert.equal(rows.length, 2, 'reads are not recorded, mutations are');
  assert.deepEqual(rows[0].slice(1), ['20002', 'Delete IP', 'ip=198.51.100.22', 'success', 'IP removed']);
  assert.deepEqual(rows[1].slice(1), ['20002', 'Create IP Cleanup Fee', '', 'success', 'A valid serviceid is required.']);
  assert.deepEqual(page.errors, []);
});
