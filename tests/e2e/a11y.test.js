// axe-core on every screen (and an open dialog, and dark mode): any violation fails.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { suite, newPage } = require('./harness');

const AXE = require.resolve('axe-core/axe.min.js');
const rig = suite();

async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

const screens = [
  ['servers', '/servers', 'table.servers tbody tr'],
  ['IPs', '/servers/20001', 'table.ips tbody tr'],
  ['firewall', '/servers/20001/firewall', 'table.rules tbody tr'],
  ['server SMTP filters', '/servers/20001/smtp', 'table.smtp tbody tr'],
  ['account SMTP filters', '/smtp', 'table.smtp tbody tr'],
  ['activity', '/activity', 'h1'],
  ['bulk rDNS', '/rdns/bulk?servers=20001', 'table.picks tbody tr'],
  ['inventory', '/inventory', 'table.costs'],
  ['allocation workflow', '/servers/20001/allocate', '[data-testid=allocate-workflow]'],
  ['removal workflow', '/servers/20001/remove/192.0.2.11', '[data-testid=remove-workflow]'],
  ['settings', '/settings', '#endpoint'],
  ['not found', '/nowhere', 'h1'],
];

for (const [name, path, ready] of screens) {
  for (const scheme of ['light', 'dark']) {
    test(`the ${name} screen has no axe violations (${scheme})`, async () => {
      const page = await newPage(rig.browser, rig.proxy.base);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(rig.proxy.base + path);
      await page.locator(ready).first().waitFor();
      assert.deepEqual(await violations(page), []);
    });
  }
}

test('the sign-in screen has no axe violations', async () => {
  const page = await newPage(rig.browser, rig.proxy.base, null);
  await page.goto(`${rig.proxy.base}/signin`);
  await page.getByLabel('User name').waitFor();
  assert.deepEqual(await violations(page), []);
});

test('an open confirmation dialog and the rDNS editor have no axe violations', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20001`);
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.16' }).click();
  // The editor comes with the tools' module: type once it has the focus.
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Reverse DNS name for 192.0.2.16');
  await page.keyboard.type('example.com');
  await page.getByTestId('dns-verdict').waitFor();
  assert.deepEqual(await violations(page), []);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Delete 192.0.2.11' }).click();
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(await violations(page), []);
});

test('a blocklist report, a bulk preview and a run have no axe violations', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20001`);
  await page.locator('td.dns-check .badge').first().waitFor();
  await page.getByRole('button', { name: 'Blocklists of 192.0.2.13' }).click();
  await page.getByTestId('blocklist-summary').waitFor();
  assert.deepEqual(await violations(page), []);
  await page.goto(`${rig.proxy.base}/rdns/bulk?servers=20004`);
  await page.getByRole('checkbox', { name: 'Pick 203.0.113.42' }).check();
  await page.getByRole('checkbox', { name: 'Pick 203.0.113.43' }).check();
  await page.getByLabel('Name template').fill('m{octet4}.example.org');
  await page.getByTestId('bulk-preview').waitFor();
  assert.deepEqual(await violations(page), []);
  await page.getByRole('button', { name: 'Set rDNS on 2 IPs' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Set rDNS' }).click();
  await page.getByTestId('bulk-summary').getByText('Finished.').waitFor();
  assert.deepEqual(await violations(page), []);
});
