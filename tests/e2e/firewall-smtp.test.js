// Firewall profiles (rules, switching with a preview, backup) and SMTP filters.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { suite, newPage, tableRows, recordCalls } = require('./harness');

const rig = suite();

async function firewall(serviceid) {
  const page = await newPage(rig.browser, rig.proxy.base);
  const calls = recordCalls(page);
  await page.goto(`${rig.proxy.base}/servers/${serviceid}/firewall`);
  await page.locator('table.rules tbody tr').first().waitFor();
  return { page, calls };
}

test('the firewall screen shows the profile and its rules', async () => {
  const { page } = await firewall(20001);
  assert.equal(await page.getByTestId('profile-name').textContent(), 'smtp');
  const rows = await tableRows(page, 'table.rules');
  assert.deepEqual(rows[1], ['ingress', 'IPv4', 'tcp', '25', 'SMTP']);
  assert.ok(rows.some((r) => r[0] === 'egress' && r[2] === 'any' && r[3] === 'all'));
  assert.equal(await page.getByRole('link', { name: 'Firewall' }).getAttribute('aria-current'), 'page');
  assert.equal(await page.getByRole('link', { name: 'IPs' }).getAttribute('aria-current'), null);
});

test('switching profile shows the rules added and removed, warns about closing mail ports, and applies', async () => {
  const { page, calls } = await firewall(20001);
  await page.getByRole('button', { name: 'Review switch' }).click();
  await page.locator('#profile-error').getByText('Choose a profile to switch to.').waitFor();
  await page.getByLabel('New profile').selectOption('web');
  await page.getByRole('button', { name: 'Review switch' }).click();
  const d = page.getByRole('dialog');
  await d.getByRole('heading', { name: 'Switch mx1.mail.example.com from smtp to web?' }).waitFor();
  await d.getByText('web closes the mail ports 25, 465, 587 that are open now').waitFor();
  const added = await d.locator('ul.added li').allTextContents();
  const removed = await d.locator('ul.removed li').allTextContents();
  assert.deepEqual(added, ['ingress IPv4 tcp 80 (HTTP)', 'ingress IPv4 tcp 443 (HTTPS)']);
  assert.ok(removed.includes('ingress IPv4 tcp 25 (SMTP)') && removed.includes('ingress IPv4 tcp 587 (Submission)'));
  await d.getByRole('button', { name: 'Switch to web' }).click();
  await page.getByRole('status').filter({ hasText: 'Instances firewall profile has been updated.' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=profile-name]')?.textContent === 'web');
  assert.deepEqual(calls.filter((c) => c.action === 'set_instance_firewall'), [{ action: 'set_instance_firewall', serviceid: '20001', name: 'web' }]);

  // Back to a mail profile: no port warning.
  await page.getByLabel('New profile').selectOption('smtp');
  await page.getByRole('button', { name: 'Review switch' }).click();
  await d.getByRole('heading', { name: /from web to smtp/ }).waitFor();
  assert.equal(await d.getByText('closes the mail ports').count(), 0);
  await d.getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(page.errors, []);
});

test('the current profile downloads as a JSON backup named after the server and date', async () => {
  const { page } = await firewall(20005);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download backup' }).click()]);
  const today = await page.evaluate(() => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; });
  assert.equal(download.suggestedFilename(), `firewall-20005-warmup.example.com-${today}.json`);
  const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(doc.serviceid, '20005');
  assert.equal(doc.profile.name, 'custom');
  assert.ok(doc.profile.security_group_rules.some((r) => r.port_range_min === 2525));
});

test('SMTP filters for the account and for one server, with an empty state', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/smtp`);
  await page.locator('table.smtp tbody tr').first().waitFor();
  const rows = await tableRows(page, 'table.smtp');
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0], ['spam', '2026-09-14 08:12:40', '884102']);

  await page.goto(`${rig.proxy.base}/servers/20001/smtp`);
  await page.locator('table.smtp tbody tr').first().waitFor();
  assert.equal((await tableRows(page, 'table.smtp')).length, 2);

  await page.goto(`${rig.proxy.base}/servers/20003/smtp`);
  await page.getByText('This server has no SMTP filters.').waitFor();
  assert.deepEqual(page.errors, []);
});
