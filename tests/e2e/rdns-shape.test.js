// The live API is only known to send `ip` in IP items: the console must work with that shape.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { suite, newPage, tableRows } = require('./harness');

const rig = suite(['--sim-rdns-field', 'off']);

test('IP items without rdns still list every IP, main marked, rDNS from the PTR record', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(rig.proxy.base + '/servers/20002');
  await page.getByText('(PTR)').first().waitFor();
  const rows = (await tableRows(page, 'table.ips')).map((r) => r.slice(0, 4));
  assert.deepEqual(rows, [
    ['198.51.100.20', 'Main', 'IPv4', 'mx2.mail.example.com (PTR)'],
    ['198.51.100.21', 'Secondary', 'IPv4', 'bounce.mail.example.com (PTR)'],
    ['198.51.100.22', 'Secondary', 'IPv4', 'not known'],
  ]);
  assert.deepEqual(page.errors, []);
});
