// Reverse DNS: in-place editing with validation as you type, the `rdns` field on the wire,
// the table's rDNS column sortable and searchable, and the CSV export.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startProxy, launchBrowser, newPage, tableRows, recordCalls } = require('./harness');

let proxy;
let bare; // a simulator whose IP items carry only `ip`
let browser;

before(async () => {
  proxy = await startProxy();
  bare = await startProxy(['--sim-rdns-field', 'off']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
  await bare?.stop();
});

async function ipScreen(base, serviceid) {
  const page = await newPage(browser, base);
  const calls = recordCalls(page);
  await page.goto(`${base}/servers/${serviceid}`);
  await page.locator('table.ips tbody tr').first().waitFor();
  return { page, calls };
}

const rdnsOf = async (page, ip) => (await tableRows(page, 'table.ips')).find((r) => r[0] === ip)?.[3];

test('editing rDNS validates as you type, warns on a bare domain, and saves with the rdns field', async () => {
  const { page, calls } = await ipScreen(proxy.base, 20004);
  assert.equal(await rdnsOf(page, '203.0.113.43'), 'not known');
  // Keyboard only: the button, Enter, type, Enter.
  await page.getByRole('button', { name: 'Edit rDNS of 203.0.113.43' }).focus();
  await page.keyboard.press('Enter');
  const field = page.getByRole('textbox', { name: 'Reverse DNS name for 203.0.113.43' });
  await field.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Reverse DNS name for 203.0.113.43');
  const save = page.getByRole('row', { name: /203\.0\.113\.43/ }).getByRole('button', { name: 'Save' });

  await page.keyboard.type('bad_name.example.org');
  await page.getByText('this one has an underscore').waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(await save.isDisabled(), true);
  await page.keyboard.press('Enter'); // an invalid name cannot be sent
  await field.fill('x'.repeat(64) + '.example.org');
  await page.getByText('at most 63 characters').waitFor();
  assert.equal(calls.filter((c) => c.action === 'set_rdns').length, 0);

  await field.fill('example.org');
  await page.getByText('example.org is a bare domain').waitFor();
  await page.getByText('HELO/EHLO').waitFor();
  assert.equal(await save.isDisabled(), false, 'a bare domain is a warning, not an error');

  await field.fill('MTA9.Example.org');
  await page.getByText('Reverse DNS changes can take 24–48 hours to propagate.').first().waitFor();
  await page.keyboard.press('Enter');
  const toast = page.getByRole('status').filter({ hasText: 'rDNS set for 203.0.113.43' });
  await toast.waitFor();
  assert.match(await toast.textContent(), /rDNS record updated\./);
  assert.match(await toast.textContent(), /24–48 hours/);
  // Shown "(set here)" at once, then as Hostwinds reports it once the list is read again.
  await page.waitForFunction(() => [...document.querySelectorAll('table.ips tbody tr')]
    .some((tr) => tr.cells[0]?.textContent === '203.0.113.43' && tr.cells[3]?.textContent === 'mta9.example.org'));
  assert.equal(await rdnsOf(page, '203.0.113.43'), 'mta9.example.org');
  const sent = calls.filter((c) => c.action === 'set_rdns');
  assert.deepEqual(sent, [{ action: 'set_rdns', serviceid: '20004', ip: '203.0.113.43', rdns: 'mta9.example.org' }]);
  assert.ok(!('rdata' in sent[0]));
  assert.deepEqual(page.errors, []);
});

test('Escape leaves the editor without saving', async () => {
  const { page, calls } = await ipScreen(proxy.base, 20004);
  await page.getByRole('button', { name: 'Edit rDNS of 203.0.113.42' }).click();
  await page.getByRole('textbox', { name: 'Reverse DNS name for 203.0.113.42' }).fill('mail.example.org');
  await page.keyboard.press('Escape');
  await page.getByRole('textbox', { name: 'Reverse DNS name for 203.0.113.42' }).waitFor({ state: 'detached' });
  assert.equal(calls.filter((c) => c.action === 'set_rdns').length, 0);
  assert.equal(await rdnsOf(page, '203.0.113.42'), 'not known');
});

test('where Hostwinds sends no rDNS: the PTR, else the name set here, marked', async () => {
  const { page } = await ipScreen(bare.base, 20002);
  // A name set here earlier that DNS does not show yet.
  await page.evaluate(() => localStorage.setItem('hostwinds.rdns', JSON.stringify({ '198.51.100.21': 'new.mail.example.com' })));
  await page.reload();
  await page.getByText('(set here; the PTR still says bounce.mail.example.com)').waitFor();
  assert.equal(await rdnsOf(page, '198.51.100.20'), 'mx2.mail.example.com (PTR)');
  // No PTR for .22: what is set here shows, then the PTR once the simulator serves it.
  await page.evaluate(() => localStorage.setItem('hostwinds.rdns', JSON.stringify({ '198.51.100.22': 'old.mail.example.com' })));
  await page.reload();
  await page.getByText('(set here)').waitFor();
  assert.equal(await rdnsOf(page, '198.51.100.22'), 'old.mail.example.com (set here)');
  await page.getByRole('button', { name: 'Edit rDNS of 198.51.100.22' }).click();
  await page.getByRole('textbox', { name: 'Reverse DNS name for 198.51.100.22' }).fill('mta3.mail.example.com');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'rDNS record updated.' }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('table.ips tbody tr')].some((tr) => tr.textContent.includes('mta3.mail.example.com (PTR)')));
  assert.equal(await rdnsOf(page, '198.51.100.22'), 'mta3.mail.example.com (PTR)');
  await page.reload();
  await page.getByText('mta3.mail.example.com (PTR)').waitFor();
});

test('the rDNS column sorts and the table searches by rDNS name', async () => {
  const { page } = await ipScreen(proxy.base, 20001);
  const sortButton = page.getByRole('button', { name: 'Reverse DNS' });
  await sortButton.click();
  await page.waitForURL(/sort=rdns/);
  const header = page.locator('th', { has: sortButton });
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  let rows = await tableRows(page, 'table.ips');
  assert.deepEqual(rows.slice(0, 3).map((r) => r[3]), ['mta1.mail.example.com', 'mta2.mail.example.com', 'mta3.mail.example.com']);
  assert.equal(rows.at(-1)[3], 'not known', 'unnamed IPs last');
  await sortButton.click();
  await page.waitForURL(/sort=-rdns/);
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  rows = await tableRows(page, 'table.ips');
  assert.deepEqual(rows.slice(0, 2).map((r) => r[3]), ['mx1.mail.example.com', 'mx1.mail.example.com']);

  await page.getByLabel('Search').fill('mta3');
  await page.waitForURL(/q=mta3/);
  rows = await tableRows(page, 'table.ips');
  assert.deepEqual(rows.map((r) => r[0]), ['192.0.2.13']);
  await page.getByLabel('Search').fill('nothing-like-this');
  await page.getByText('No IP matches the search.').waitFor();
});

test('the IP table exports as CSV', async () => {
  const { page } = await ipScreen(proxy.base, 20002);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'ips-20002-mx2.mail.example.com.csv');
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split('\r\n');
  assert.deepEqual(lines, [
    'ip,role,rdns,server,location',
    '198.51.100.20,main,mx2.mail.example.com,mx2.mail.example.com,1',
    '198.51.100.21,secondary,bounce.mail.example.com,mx2.mail.example.com,1',
    '198.51.100.22,secondary,,mx2.mail.example.com,1',
  ]);
});
