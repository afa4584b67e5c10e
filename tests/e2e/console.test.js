// The foundation end to end: browser -> console -> proxy -> simulator.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { suite, newPage, tableRows } = require('./harness');

// Which routes are in which split module: the table the console and the page's preload read.
const LAZY_ROUTES = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/app/lazy_routes.json'), 'utf8'));
const SAMPLE = { ':serviceid': '20001', ':ip': '192.0.2.11' };

const rig = suite();

// The wasm files a page asks for, by name, in order.
function wasmRequests(page) {
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.split('/').pop()); });
  return wasm;
}

// A page opened on `path`, with the wasm files it asks for recorded from the start.
async function openRecording(path) {
  const page = await newPage(rig.browser, rig.proxy.base);
  const wasm = wasmRequests(page);
  await page.goto(rig.proxy.base + path);
  return { page, wasm };
}

// Resolves when the page asks for the split module `name` (ip_screen, server_screens, ...).
function moduleFetched(page, name) {
  return page.waitForRequest((r) => r.url().endsWith(`/split_${name}.wasm`));
}

function eachOnce(wasm) {
  for (const name of new Set(wasm)) assert.equal(wasm.filter((w) => w === name).length, 1, wasm.join(' '));
}

async function open(path) {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(rig.proxy.base + path);
  return page;
}

test('the servers list shows the seeded servers', async () => {
  const page = await open('/');
  await page.waitForURL(/\/servers$/);
  await page.getByRole('link', { name: 'mx1.mail.example.com' }).waitFor();
  const rows = await tableRows(page, 'table.servers');
  assert.equal(rows.length, 5);
  const mx1 = rows.find((r) => r[1] === 'mx1.mail.example.com');
  assert.deepEqual(mx1, ['20001', 'mx1.mail.example.com', '192.0.2.10', '1', 'ACTIVE']);
  assert.equal(await page.title(), 'Servers · Hostwinds networking console');
  assert.deepEqual(page.errors, []);
});

test('the first download leaves the server screens out; a pointer over the list fetches the IP table, over the tabs the other server screens', async () => {
  const { page, wasm } = await openRecording('/servers');
  await page.getByRole('link', { name: 'mx1.mail.example.com' }).waitFor();
  assert.deepEqual(wasm, ['hostwinds-console_bg.wasm']);
  const fetched = moduleFetched(page, 'ip_screen');
  await page.locator('table.servers tbody tr').first().hover();
  await fetched;
  await page.getByRole('link', { name: 'mx1.mail.example.com' }).click();
  await page.getByTestId('main-ip').waitFor();
  await page.locator('table.ips tbody tr').first().waitFor();
  // Not on load, where it would compete with the IP screen's reads: on the way to a tab.
  await page.waitForTimeout(300);
  assert.ok(!wasm.includes('split_server_screens.wasm'), wasm.join(' '));
  const others = moduleFetched(page, 'server_screens');
  await page.getByRole('navigation', { name: 'Server' }).hover();
  await others;
  await page.getByRole('link', { name: 'Firewall' }).click();
  await page.locator('table.rules tbody tr').first().waitFor();
  // Each file once, whatever asked for it; the account screens not at all.
  eachOnce(wasm);
  assert.ok(!wasm.includes('split_account_screens.wasm'), wasm.join(' '));
  assert.deepEqual(page.errors, []);
});

test('a deep link fetches its screen\'s module: with the page, or after the server\'s name is painted; each file once', async () => {
  const links = Object.entries(LAZY_ROUTES).flatMap(([module, { routes, with_page }]) =>
    routes.map((r) => [r.split('/').map((seg) => SAMPLE[seg] ?? seg).join('/'), module, with_page]));
  assert.ok(links.length >= 10, JSON.stringify(links));
  assert.ok(links.some((l) => l[2]) && links.some((l) => !l[2]), 'both kinds of module are in the table');
  // A trailing slash is the same screen; the server list is in the first download.
  links.push(['/servers/20001/firewall/', 'server_screens', false], ['/servers', null, true]);
  for (const [path, module, withPage] of links) {
    const page = await newPage(rig.browser, rig.proxy.base);
    const wasm = wasmRequests(page);
    // When the shell's server name (`main h1`) is first in the page, on the same clock as the
    // resource timings.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('main h1')) { window.titleAt = performance.now(); observer.disconnect(); }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(rig.proxy.base + path);
    // Every screen names itself in the title once it is shown.
    await page.waitForFunction(() => document.title.includes(' \u00b7 '));
    const { split, titleAt } = await page.evaluate(() => ({
      split: performance.getEntriesByType('resource')
        .filter((e) => /\/(split_\w+|chunk_\d+)\.wasm$/.test(e.name))
        .map((e) => ({ file: e.name.split('/').pop(), by: e.initiatorType, at: e.startTime })),
      titleAt: window.titleAt,
    }));
    const label = `${path}: ${JSON.stringify({ split, titleAt })}`;
    if (module) {
      assert.deepEqual(split.filter((e) => e.file.startsWith('split_')).map((e) => e.file), [`split_${module}.wasm`], label);
      if (withPage) {
        assert.ok(split.every((e) => e.by === 'link'), label);
      } else {
        // Asked for by the console once the server's name is there, not preloaded by the page.
        assert.ok(typeof titleAt === 'number', label);
        assert.ok(split.every((e) => e.by === 'fetch' && e.at >= titleAt), label);
      }
    } else {
      assert.deepEqual(split, [], label);
    }
    // A preload the module's own fetch did not match would show as a second request.
    eachOnce(wasm);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

// Every read the page sends to the proxy (a POST's form, or a GET's path), in order.
function recordReads(page) {
  const reads = [];
  page.on('request', (r) => {
    const { pathname } = new URL(r.url());
    if (r.method() === 'POST' && pathname === '/api') reads.push(r.postData() || '');
    else if (r.method() === 'GET' && pathname.startsWith('/auth/')) reads.push(`GET ${pathname}`);
  });
  return reads;
}

test('a deep link sends its screen\'s reads with the page, and the screen takes their answers instead of asking again', async () => {
  for (const [path, expected] of [
    ['/servers/20001', ['action=get_instance&serviceid=20001', 'action=get_instance_ips&serviceid=20001', 'action=get_instances']],
    ['/servers/020004?location=2&q=relay', ['action=get_instance&serviceid=20004', 'action=get_instance_ips&serviceid=20004&location_id=2', 'action=get_instances']],
    // Not a location: no filter, as the screen reads it.
    ['/servers/20001?location=two', ['action=get_instance&serviceid=20001', 'action=get_instance_ips&serviceid=20001', 'action=get_instances']],
    ['/servers', ['action=get_instances']],
  ]) {
    const page = await newPage(rig.browser, rig.proxy.base);
    const reads = recordReads(page);
    // The reads the page's own script sent (index.html), not the console's wasm: no frame of
    // the caller's stack is in a .js file or in wasm.
    await page.addInitScript(() => {
      window.byPage = [];
      const fetch = window.fetch;
      window.fetch = (url, init) => {
        const read = /\/(api|auth\/me)$/.test(String(url));
        const callers = String(new Error().stack).split('\n').slice(2).join('\n');
        if (read && !/\.js:\d|wasm:\/\//.test(callers)) window.byPage.push(init && init.body ? init.body : `GET ${url}`);
        return fetch(url, init);
      };
    });
    await page.goto(rig.proxy.base + path);
    await page.waitForFunction(() => document.title.includes(' \u00b7 '));
    await page.locator('table tbody tr').first().waitFor();
    // A second request for any of them would come after the screen rendered: give it time.
    await page.waitForTimeout(300);
    const label = `${path}: ${reads.join(' | ')}`;
    const first = reads.filter((r) => !r.startsWith('action=dns'));
    assert.deepEqual(first.filter((r) => r.startsWith('GET ')), ['GET /auth/me'], label);
    assert.deepEqual(first.filter((r) => !r.startsWith('GET ')).sort(), [...expected].sort(), label);
    assert.deepEqual((await page.evaluate(() => window.byPage)).sort(), ['GET /auth/me', ...expected].sort(), label);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('an early read that failed is asked again by its screen', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  const reads = recordReads(page);
  let refused = 0;
  // The first read of the IPs fails in the network: the screen must not be left without it.
  await page.route('**/api', (route) => {
    if (refused === 0 && (route.request().postData() || '').startsWith('action=get_instance_ips&')) {
      refused += 1;
      return route.abort();
    }
    return route.continue();
  });
  await page.goto(rig.proxy.base + '/servers/20001');
  await page.locator('table.ips tbody tr').first().waitFor();
  assert.equal(refused, 1);
  assert.equal(reads.filter((r) => r.startsWith('action=get_instance_ips&')).length, 2, reads.join(' | '));
  assert.equal(reads.filter((r) => r === 'action=get_instance&serviceid=20001').length, 1, reads.join(' | '));
  assert.deepEqual(page.errors, []);
});

test('a page opened on the firewall tab fetches the IP table when a pointer is over the tabs', async () => {
  const { page, wasm } = await openRecording('/servers/20001/firewall');
  await page.locator('table.rules tbody tr').first().waitFor();
  assert.ok(!wasm.includes('split_ip_screen.wasm'), wasm.join(' '));
  const ips = moduleFetched(page, 'ip_screen');
  await page.getByRole('navigation', { name: 'Server' }).hover();
  await ips;
  await page.getByRole('link', { name: 'IPs', exact: true }).click();
  await page.locator('table.ips tbody tr').first().waitFor();
  eachOnce(wasm);
  assert.deepEqual(page.errors, []);
});

test('what a click opens on the IP screen comes with a pointer over the table or the cleanup button, not with the table', async () => {
  const { page, wasm } = await openRecording('/servers/20001');
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.waitForTimeout(300);
  assert.ok(!wasm.includes('split_server_tools.wasm'), wasm.join(' '));
  const tools = moduleFetched(page, 'server_tools');
  await page.locator('table.ips tbody tr').nth(1).hover();
  await tools;
  await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.11' }).click();
  // Focus goes to the field, as it did when the editor was in the table's own module.
  await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('aria-label') === 'Reverse DNS name for 192.0.2.11');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Request IP cleanup' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: /^Request an IP cleanup for / }).waitFor();
  // A modal dialog, with focus on Cancel.
  assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  eachOnce(wasm);
  assert.deepEqual(page.errors, []);
});

test('a delete confirmation fetches the module of the remove workflow it offers', async () => {
  const { page, wasm } = await openRecording('/servers/20001');
  await page.locator('table.ips tbody tr').first().waitFor();
  assert.ok(!wasm.includes('split_server_screens.wasm'), wasm.join(' '));
  const others = moduleFetched(page, 'server_screens');
  await page.getByRole('button', { name: 'Delete 192.0.2.11' }).click();
  await page.getByRole('dialog').waitFor();
  await others;
  eachOnce(wasm);
  assert.deepEqual(page.errors, []);
});

test('the filter narrows the servers and lives in the URL', async () => {
  const page = await open('/servers');
  await page.getByRole('link', { name: 'mx1.mail.example.com' }).waitFor();
  await page.getByLabel('Filter').fill('203.0.113.41');
  await page.waitForURL(/q=203\.0\.113\.41/);
  const rows = await tableRows(page, 'table.servers');
  assert.deepEqual(rows.map((r) => r[1]), ['relay.example.org']);
  await page.getByLabel('Filter').fill('no-such-server');
  await page.getByText('No server matches the filter.').waitFor();
});

test('opening a server shows its IPs with the main IP marked', async () => {
  const page = await open('/servers');
  // A click anywhere on the row opens the server.
  await page.getByRole('row', { name: /mx1\.mail\.example\.com/ }).getByText('ACTIVE').click();
  await page.waitForURL(/\/servers\/20001$/);
  await page.getByRole('heading', { level: 1, name: 'mx1.mail.example.com' }).waitFor();
  await page.locator('table.ips tbody tr').first().waitFor();
  const rows = await tableRows(page, 'table.ips');
  assert.equal(rows.length, 10);
  assert.deepEqual(rows[0].slice(0, 4), ['192.0.2.10', 'Main', 'IPv4', 'mx1.mail.example.com']);
  assert.deepEqual(rows[1].slice(0, 4), ['192.0.2.11', 'Secondary', 'IPv4', 'mta1.mail.example.com']);
  assert.equal(rows.filter((r) => r[1] === 'Main').length, 1);
  assert.deepEqual(rows[7].slice(0, 4), ['192.0.2.17', 'Secondary', 'IPv4', 'not known']);
  assert.deepEqual(rows[8].slice(0, 3), ['2001:db8:100::10', 'Secondary', 'IPv6']);
  assert.deepEqual(page.errors, []);
});

test('the location filter asks Hostwinds for one location', async () => {
  const page = await open('/servers/20001');
  await page.locator('table.ips tbody tr').first().waitFor();
  await page.getByLabel('Location').selectOption({ label: 'Location 2' });
  await page.getByText('This server has no IPs in location 2.').waitFor();
  assert.match(page.url(), /location=2/);
  await page.getByLabel('Location').selectOption({ label: 'Location 1' });
  await page.locator('table.ips tbody tr').first().waitFor();
  assert.equal((await tableRows(page, 'table.ips')).length, 10);
  await page.getByLabel('Location').selectOption({ label: 'All locations' });
  await page.waitForURL((u) => !u.search.includes('location'));
});

test('a deep link opens a server directly, and bad links say what is wrong', async () => {
  const page = await open('/servers/20004?location=2');
  await page.getByRole('heading', { level: 1, name: 'relay.example.org' }).waitFor();
  await page.locator('table.ips tbody tr').first().waitFor();
  assert.equal((await tableRows(page, 'table.ips')).length, 4);
  assert.equal(await page.getByLabel('Location').inputValue(), '2');

  await page.goto(rig.proxy.base + '/servers/99999');
  const alert = page.getByRole('alert').filter({ hasText: 'A valid serviceid is required.' }).first();
  await alert.waitFor();

  await page.goto(rig.proxy.base + '/servers/abc');
  await page.getByRole('alert').filter({ hasText: 'is not a service ID' }).first().waitFor();

  await page.goto(rig.proxy.base + '/no/such/screen');
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  assert.deepEqual(page.errors, []);
});

test('a wrong endpoint in settings gives a clear error and the right one recovers', async () => {
  const page = await open('/settings');
  const field = page.getByLabel('Proxy endpoint');
  assert.equal(await field.inputValue(), '/api');

  // Not a URL: an error next to the field, nothing saved.
  await field.fill('api');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#endpoint-error').getByText('neither a path nor an http(s) URL').waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');

  await field.fill('/nope');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved. Calls now go to /nope.').waitFor();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByRole('alert').filter({ hasText: "is not the console's proxy" }).waitFor();

  await page.getByRole('link', { name: 'Servers' }).click();
  await page.getByRole('alert').filter({ hasText: 'The endpoint /nope answered HTTP 405' }).waitFor();

  // The setting survives a reload (localStorage).
  await page.goto(rig.proxy.base + '/settings');
  assert.equal(await page.getByLabel('Proxy endpoint').inputValue(), '/nope');

  await page.getByLabel('Proxy endpoint').fill('/api');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connected to /api: the proxy answered and Hostwinds listed 5 servers.').waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('link', { name: 'Servers' }).click();
  await page.getByRole('link', { name: 'mx1.mail.example.com' }).waitFor();
  assert.deepEqual(page.errors, []);
});
