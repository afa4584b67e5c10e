// The console when Hostwinds misbehaves: each fault preset gives the right message, no wrong
// state, and controls that work again afterwards.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { suite, newPage, tableRows, recordCalls } = require('./harness');

const rig = suite(['--upstream-timeout-secs', '2', '--sim-slow-secs', '1']);

async function fault(page, preset, count) {
  const data = count === undefined ? `preset=${preset}` : `preset=${preset}&count=${count}`;
  const r = await page.request.post(`${rig.proxy.base}/__sim/faults`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' },
    data,
  });
  assert.equal(r.status(), 200, await r.text());
}

async function servers() {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers`);
  await page.locator('table.servers tbody tr').first().waitFor();
  return page;
}

const refresh = (page) => page.getByRole('button', { name: 'Refresh' }).click();
const alert = (page, text) => page.getByRole('alert').filter({ hasText: text }).first();

test('slow: the loading state shows, then the data', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await fault(page, 'slow', 1);
  await page.goto(`${rig.proxy.base}/servers`);
  await page.getByRole('status').filter({ hasText: 'Loading servers' }).waitFor();
  await page.locator('table.servers tbody tr').first().waitFor({ timeout: 15000 });
  assert.equal((await tableRows(page, 'table.servers')).length, 5);
});

test('slow: a server screen keeps its shape while the server loads (nothing below it moves)', async () => {
  for (const width of [1280, 412]) {
    const page = await newPage(rig.browser, rig.proxy.base);
    await page.setViewportSize({ width, height: 800 });
    // Every read slow (other pages of this file may read too), put back afterwards.
    await fault(page, 'slow', 50);
    try {
      await page.goto(`${rig.proxy.base}/servers/20001`);
      // Taken in one go while the placeholder is up.
      const loading = await page.waitForFunction(() => {
        const status = [...document.querySelectorAll('[role=status]')].find((e) => e.textContent.includes('Loading the server'));
        const bar = document.querySelector('.server-bar');
        return status && bar && { h1: document.querySelector("main h1")?.textContent, top: bar.getBoundingClientRect().top };
      });
      const { h1, top } = await loading.jsonValue();
      assert.equal(h1, 'Server 20001');
      await page.getByTestId('main-ip').waitFor({ timeout: 15000 });
      assert.equal(await page.locator('.server-bar').evaluate((e) => e.getBoundingClientRect().top), top, `the tabs stayed put at ${width}px`);
    } finally {
      await fault(page, 'none');
    }
    await page.close();
  }
});

test('timeout on a read: the error with Retry, the last good data kept and marked stale', async () => {
  const page = await servers();
  await fault(page, 'timeout', 1);
  await refresh(page);
  const err = alert(page, 'Hostwinds did not answer within 2 s.');
  await err.waitFor({ timeout: 15000 });
  await err.getByText(/Showing what was loaded at \d\d:\d\d:\d\d/).waitFor();
  assert.equal(await page.locator('.stale table.servers tbody tr').count(), 5, 'stale rows stay');
  await err.getByRole('button', { name: 'Retry' }).click();
  await page.waitForFunction(() => !document.querySelector('.stale') && document.querySelectorAll('table.servers tbody tr').length === 5);
  assert.equal(await page.getByRole('button', { name: 'Refresh' }).isDisabled(), false);
});

test('timeout on a change: "may or may not have been applied", and an offer to re-read, never to resend', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  const calls = recordCalls(page);
  await page.goto(`${rig.proxy.base}/servers/20004`);
  await page.locator('table.ips tbody tr').first().waitFor();
  await fault(page, 'timeout', 1);
  await page.getByRole('button', { name: 'Edit rDNS of 203.0.113.42' }).click();
  await page.getByRole('textbox', { name: 'Reverse DNS name for 203.0.113.42' }).fill('mta8.example.org');
  await page.keyboard.press('Enter');
  const toast = alert(page, 'Set rDNS: outcome unknown');
  await toast.waitFor({ timeout: 15000 });
  await toast.getByText('may or may not have been applied').waitFor();
  assert.equal(await page.getByRole('status').filter({ hasText: 'rDNS set' }).count(), 0, 'no success claimed');
  const before = calls.length;
  await toast.getByRole('button', { name: 'Re-read server state' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.ips tbody tr').length === 4);
  await page.waitForTimeout(500);
  const after = calls.slice(before).map((c) => c.action);
  assert.ok(after.includes('get_instance_ips') && !after.includes('set_rdns'), `re-read only: ${after}`);
  assert.equal(calls.filter((c) => c.action === 'set_rdns').length, 1, 'never resent');
});

test('5xx: the error page is reported, the data stays', async () => {
  const page = await servers();
  await fault(page, '5xx', 1);
  await refresh(page);
  await alert(page, /sent a web page instead of an API answer \(HTTP 50[23]\)/).waitFor();
  assert.equal(await page.locator('.stale table.servers tbody tr').count(), 5);
});

test('refused: one refused read is retried by the proxy; two say nothing was sent', async () => {
  const page = await servers();
  await fault(page, 'refused', 1);
  await refresh(page);
  await page.waitForTimeout(500);
  assert.equal(await page.getByRole('alert').count(), 0, 'the retry hid a single refusal');
  await fault(page, 'refused', 2);
  await refresh(page);
  await alert(page, 'could not connect to Hostwinds (Connection refused').waitFor();
  await alert(page, 'Nothing was sent.').waitFor();
});

test('malformed: each broken body gets its own clear message', async () => {
  const page = await servers();
  await fault(page, 'malformed', 4);
  for (const text of ['incomplete answer', 'web page instead of an API answer', 'empty answer', 'neither a result nor data']) {
    await refresh(page);
    await alert(page, text).waitFor();
  }
  await refresh(page);
  await page.waitForFunction(() => !document.querySelector('.stale'));
  assert.equal((await tableRows(page, 'table.servers')).length, 5);
});

test('not authorized: the message as sent, with what to check', async () => {
  const page = await servers();
  await fault(page, 'not-authorized', 1);
  await refresh(page);
  const err = alert(page, 'Not Authorized!');
  await err.waitFor();
  await err.getByText("must be on this key's allow-list in the Hostwinds panel").waitFor();
  await err.getByText('keys last a year').waitFor();
});

test('flaky: whatever fails, nothing wrong is shown and Retry gets there', async () => {
  const page = await servers();
  await fault(page, 'flaky');
  try {
    for (let i = 0; i < 8; i++) {
      await refresh(page);
      await page.waitForTimeout(300);
      const rows = await tableRows(page, 'table.servers');
      // Either the right five servers (fresh or stale) are shown, or an error: never others.
      assert.ok(rows.length === 5 && rows[0][1] === 'mx1.mail.example.com', JSON.stringify(rows));
    }
  } finally {
    await fault(page, 'none');
  }
  await refresh(page);
  await page.waitForFunction(() => !document.querySelector('.stale'));
  assert.deepEqual(page.errors, []);
});

test('a panic shows a clear view with a reload button instead of a dead page', async () => {
  const page = await servers();
  page.errors = [];
  await page.evaluate(() => { try { window.wasmBindings.crash_for_test(); } catch (e) { /* the trap */ } });
  await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
  await page.getByRole('button', { name: 'Reload the console' }).click();
  await page.locator('table.servers tbody tr').first().waitFor();
});

test('a screen whose module does not arrive says so, and Reload brings it', async () => {
  const page = await servers();
  // The IP table's wasm module (cut out of the first download) fails to arrive, as when
  // the network drops or the console was updated since the tab was opened.
  const blocked = (url) => /\/pkg-[0-9a-f]+\/(split_\w+|chunk_\d+)\.wasm$/.test(new URL(url).pathname);
  await page.route(blocked, (route) => route.abort('failed'));
  await page.locator('table.servers tbody tr').first().getByRole('link').first().click();
  const err = alert(page, 'This screen could not be loaded');
  await err.waitFor();
  assert.equal(await page.title(), 'Screen not loaded \u00b7 Hostwinds networking console');
  await page.unroute(blocked);
  await err.getByRole('button', { name: 'Reload the console' }).click();
  await page.getByTestId('main-ip').waitFor();
  assert.deepEqual(page.errors, []);
});

test('an editor whose module does not arrive says so where it would be, and the table stays', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20001`);
  await page.locator('table.ips tbody tr').first().waitFor();
  // Only the tools' own file: the IP table's chunks are already here.
  const blocked = (url) => /\/pkg-[0-9a-f]+\/split_server_tools\.wasm$/.test(new URL(url).pathname);
  await page.route(blocked, (route) => route.abort('failed'));
  await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.11' }).click();
  const err = page.getByRole('row', { name: /^192\.0\.2\.11 / }).getByRole('alert').filter({ hasText: 'This could not be loaded' });
  await err.waitFor();
  assert.ok((await tableRows(page, 'table.ips')).length > 1, 'the table is still there');
  await page.unroute(blocked);
  await err.getByRole('button', { name: 'Reload the console' }).click();
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.11' }).click();
  await page.getByRole('textbox', { name: 'Reverse DNS name for 192.0.2.11' }).waitFor();
  assert.deepEqual(page.errors, []);
});
