// The live API is only known to send `ip` in IP items: the console must work with that shape.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startProxy, launchBrowser, newPage, tableRows } = require('./harness');

let proxy;
let browser;

before(async () => {
  proxy = await startProxy(['--sim-rdns-field', 'off']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
});

test('IP items without rdns still list every IP, main marked, rDNS not known', async () => {
  const page = await newPage(browser, proxy.base);
  await page.goto(proxy.base + '/servers/20002');
  await page.locator('table.ips tbody tr').first().waitFor();
  const rows = (await tableRows(page, 'table.ips')).map((r) => r.slice(0, 4));
  assert.deepEqual(rows, [
    ['198.51.100.20', 'Main', 'IPv4', 'not known'],
    ['198.51.100.21', 'Secondary', 'IPv4', 'not known'],
    ['198.51.100.22', 'Secondary', 'IPv4', 'not known'],
  ]);
  assert.deepEqual(page.errors, []);
});
