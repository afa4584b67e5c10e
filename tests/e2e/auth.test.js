// Signing in and out, and roles in the console: support sees admin actions disabled with a
// reason; an admin performs one; a deep link survives the trip through the sign-in page.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { suite, newPage, tableRows } = require('./harness');

const rig = suite();

test('a deep link without a session goes through sign-in and comes back', async () => {
  const page = await newPage(rig.browser, rig.proxy.base, null);
  // The first visit asks who is signed in and nothing else of the proxy: no refused read, no
  // error in the browser's console.
  const refused = [];
  const consoleErrors = [];
  page.on('response', (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`); });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`${rig.proxy.base}/servers/20004?location=2`);
  await page.waitForURL(/\/signin\?next=/);
  await page.getByText('demo accounts').waitFor();
  assert.deepEqual(refused, []);
  assert.deepEqual(consoleErrors, []);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor();
  await page.getByLabel('Password').fill('admin');
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/servers\/20004\?location=2$/);
  await page.getByRole('heading', { level: 1, name: 'relay.example.org' }).waitFor();
  assert.equal(await page.getByTestId('signed-in-as').textContent(), 'admin');
  assert.deepEqual(page.errors, []);
});

test('support sees admin actions disabled with the reason, and can still set rDNS', async () => {
  const page = await newPage(rig.browser, rig.proxy.base, 'support');
  await page.goto(`${rig.proxy.base}/servers/20001`);
  await page.locator('table.ips tbody tr').first().waitFor();
  for (const name of ['Rotate main IP', 'Regenerate networking', 'Make main 192.0.2.11', 'Delete 192.0.2.11']) {
    const b = page.getByRole('button', { name, exact: true });
    assert.equal(await b.isDisabled(), true, name);
    assert.match(await b.getAttribute('title'), /^Only admins can use .* \(you are signed in as support\)\.$/);
  }
  assert.equal(await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.16' }).isDisabled(), false);
  assert.equal(await page.getByRole('button', { name: 'Request IP cleanup' }).isDisabled(), false);

  await page.getByRole('link', { name: 'Firewall' }).click();
  const review = page.getByRole('button', { name: 'Review switch' });
  await review.waitFor();
  assert.equal(await review.isDisabled(), true);
  assert.match(await review.getAttribute('title'), /Only admins can use Set Instance Firewall Profile/);

  await page.getByRole('link', { name: 'IPs' }).click();
  await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.16' }).click();
  await page.getByRole('textbox', { name: 'Reverse DNS name for 192.0.2.16' }).fill('mta6.mail.example.com');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'rDNS record updated.' }).waitFor();
});

test('an admin performs an admin action, and signing out ends the session', async () => {
  const page = await newPage(rig.browser, rig.proxy.base, 'admin');
  await page.goto(`${rig.proxy.base}/servers/20002`);
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Make main 198.51.100.22' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Make main' }).click();
  await page.getByRole('status').filter({ hasText: 'Main IP set' }).waitFor();
  await page.waitForFunction(() => document.querySelector('table.ips tbody tr td')?.textContent === '198.51.100.22');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin$/);
  await page.goto(`${rig.proxy.base}/servers`);
  await page.waitForURL(/\/signin\?next=%2Fservers$/);
  const r = await page.request.get(`${rig.proxy.base}/auth/me`);
  assert.equal(r.status(), 200);
  assert.deepEqual(await r.json(), { signed_in: false, demo: true });
  assert.equal((await tableRows(page, 'table.servers')).length, 0);
});

test('an admin ends every session of a user from Settings; support cannot', async () => {
  const support = await newPage(rig.browser, rig.proxy.base, 'support');
  await support.goto(`${rig.proxy.base}/settings`);
  const supportsButton = support.getByRole('button', { name: 'End all sessions' });
  await supportsButton.waitFor();
  assert.equal(await supportsButton.isDisabled(), true, 'support cannot end sessions');
  assert.equal(await supportsButton.getAttribute('title'), 'Only admins can end sessions.');

  const admin = await newPage(rig.browser, rig.proxy.base, 'admin');
  await admin.goto(`${rig.proxy.base}/settings`);
  const field = admin.getByLabel('User name');
  await field.waitFor();
  // An empty name: the error next to the field, nothing asked.
  await admin.getByRole('button', { name: 'End all sessions' }).click();
  await admin.locator('#end-user-error').filter({ hasText: 'Enter the user name' }).waitFor();
  assert.equal(await admin.getByRole('dialog').count(), 0);
  // A name, confirmed in the dialog.
  await field.fill('support');
  await field.press('Enter');
  const dialog = admin.getByRole('dialog');
  await dialog.getByText('support is signed out on every browser').waitFor();
  await dialog.getByRole('button', { name: 'End all sessions' }).click();
  await admin.getByRole('status').filter({ hasText: 'Every session of support is ended' }).waitFor();

  // Support's next step finds the session gone: back to the sign-in page.
  await support.goto(`${rig.proxy.base}/servers`);
  await support.waitForURL(/\/signin\?next=%2Fservers$/);
  // The admin's own session goes on.
  await admin.goto(`${rig.proxy.base}/servers`);
  await admin.locator('table.servers tbody tr').first().waitFor();
  assert.deepEqual([...support.errors, ...admin.errors], []);
  await support.close();
  await admin.close();
});
