// The IP cleanup fee: explained, confirmed, never sent twice, and warned about when repeated
// (from the audit log, whoever raised it). Also the Activity page that reads the audit log.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startProxy, launchBrowser, newPage, tableRows, recordCalls, postForm } = require('./harness');

let proxy;
let browser;
let page;
let calls;

before(async () => {
  proxy = await startProxy();
  browser = await launchBrowser();
  page = await newPage(browser, proxy.base, 'support'); // support staff's job
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
  await d.getByText(/already requested for this server \d+ minutes? ago by support/).waitFor();
  const create = d.getByRole('button', { name: 'Create invoice' });
  assert.equal(await create.isDisabled(), true);
  await d.getByLabel('Yes, request another invoice').check();
  assert.equal(await create.isDisabled(), false);
  await d.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(fees().length, 1);

  // Another server has no such warning.
  await page.goto(`${proxy.base}/servers/20003`);
  await page.getByRole('button', { name: 'Request IP cleanup' }).click();
  // Held until the audit log has answered (a click while it is read cannot skip the warning).
  await d.getByRole('button', { name: 'Create invoice', disabled: false }).waitFor();
  assert.equal(await d.getByText('Checking the audit log').count(), 0);
  assert.equal(await d.getByText('already requested').count(), 0);
  await page.keyboard.press('Escape');
});

test('while the audit log is being read, the invoice cannot be created', async () => {
  let release;
  const held = new Promise((r) => { release = r; });
  const audit = (url) => new URL(url).pathname === '/api/audit';
  await page.route(audit, async (route) => { await held; await route.continue(); });
  await page.goto(`${proxy.base}/servers/20004`);
  await page.getByRole('button', { name: 'Request IP cleanup' }).click();
  const d = page.getByRole('dialog');
  await d.getByText('Checking the audit log for an earlier request').waitFor();
  assert.equal(await d.getByRole('button', { name: 'Create invoice' }).isDisabled(), true);
  release();
  await d.getByRole('button', { name: 'Create invoice', disabled: false }).waitFor();
  await page.unroute(audit);
  await d.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(fees().length, 1);
});

test('the Activity page reads the audit log: every change by anyone, refused ones too, filtered', async () => {
  // A read (not audited), a change by an admin, and a change support may not make.
  await postForm(page, proxy.base, 'action=get_instances');
  await postForm(page, proxy.base, 'action=delete_ip&serviceid=20002&ip=198.51.100.22');
  const admin = await newPage(browser, proxy.base, 'admin');
  await admin.goto(`${proxy.base}/servers/20002`);
  await admin.locator('table.ips tbody tr').first().waitFor();
  await admin.getByRole('button', { name: 'Delete 198.51.100.22' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Delete IP' }).click();
  await admin.getByRole('status').filter({ hasText: 'IP removed' }).waitFor();

  await page.getByRole('link', { name: 'Activity' }).click();
  await page.locator('table.activity tbody tr').first().waitFor();
  const rows = await tableRows(page, 'table.activity');
  assert.equal(rows.length, 3, 'reads are not recorded, changes are');
  assert.deepEqual(rows[0].slice(1), ['admin (admin)', '20002', 'Delete IP', 'ip=198.51.100.22', 'ok', 'IP removed']);
  assert.deepEqual(rows[1].slice(1), ['support (support)', '20002', 'Delete IP', 'ip=198.51.100.22', 'refused',
    'The support role cannot use Delete IP (delete_ip): ask an admin.']);
  assert.deepEqual(rows[2].slice(1), ['support (support)', '20002', 'Create IP Cleanup Fee', '', 'ok', 'A valid serviceid is required.']);
  const pager = page.getByRole('navigation', { name: 'Pages' });
  assert.equal(await pager.getByRole('button', { name: 'Previous' }).isDisabled(), true);
  assert.equal(await pager.getByRole('button', { name: 'Next' }).isDisabled(), true, 'one page of three changes');

  await page.getByLabel('Result', { exact: true }).selectOption('refused');
  await page.waitForURL(/outcome=refused/);
  await page.waitForFunction(() => document.querySelectorAll('table.activity tbody tr').length === 1);
  await page.getByLabel('User').fill('admin');
  await page.getByLabel('User').press('Enter');
  await page.getByText('No changes match.').waitFor();
  assert.deepEqual(page.errors, []);
});
