// Deliverability tools against the simulator and its loopback DNS server: forward-confirmed
// rDNS (editor verdict, table badges), blocklists (IP screen, cleanup confirmation), bulk rDNS
// with injected failures and stop/resume, the allocation and removal workflows, the inventory.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { suite, newPage, tableRows, recordCalls } = require('./harness');

const rig = suite(['--sim-slow-secs', '1', '--blocklists', 'zen.spamhaus.org,bl.spamcop.net,b.barracudacentral.org']);

function sim(page, path, data) {
  return page.request.post(`${rig.proxy.base}/__sim/${path}`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' },
    data,
  }).then(async (r) => { assert.equal(r.status(), 200, await r.text()); return r.json(); });
}

async function ipScreen(serviceid) {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/${serviceid}`);
  await page.locator('table.ips tbody tr').first().waitFor();
  return page;
}

// The proxy writes what a read showed into the inventory after the answer is sent: wait, with
// a deadline, until the inventory holds what `has` looks for.
async function inventoryHas(page, what, has) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const r = await page.request.get(`${rig.proxy.base}/api/inventory`);
    if (r.ok() && has(await r.json())) return;
    if (Date.now() > deadline) throw new Error(`the inventory never had ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
const ipsOf = (inv, serviceid) => inv.ips.filter((ip) => ip.serviceid === serviceid && ip.status !== 'removed');

const badge = (page, ip) => page.getByRole('row', { name: new RegExp(`^${ip.replace(/\./g, '\\.')} `) }).locator('td.dns-check');

test('the rDNS editor shows the DNS verdict of the name being saved, and the table badges each IP', async () => {
  const page = await ipScreen(20001);
  await badge(page, '192.0.2.10').getByText('Forward-confirmed').waitFor();
  await badge(page, '192.0.2.12').getByText('Resolves elsewhere').waitFor();
  await badge(page, '192.0.2.13').getByText('Name does not resolve').waitFor();
  assert.equal((await badge(page, '192.0.2.16').textContent()).trim(), '\u2014', 'no rDNS, nothing to check');

  await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.16' }).click();
  const field = page.getByRole('textbox', { name: 'Reverse DNS name for 192.0.2.16' });
  await field.fill('mta6.mail.example.com');
  const verdict = page.getByTestId('dns-verdict');
  await verdict.getByText('Name does not resolve').waitFor();
  assert.match(await verdict.textContent(), /treat the rDNS of 192\.0\.2\.16 as unconfirmed/);
  assert.match(await verdict.textContent(), /You can still save it/);
  const save = page.getByRole('row', { name: /192\.0\.2\.16/ }).getByRole('button', { name: 'Save' });
  assert.equal(await save.isDisabled(), false, 'an unconfirmed name can still be saved');

  // The A record appears (the user fixed their zone): the verdict follows as typing pauses.
  await sim(page, 'dns', 'name=mta6.mail.example.com&ip=192.0.2.16');
  await page.getByRole('button', { name: 'Check DNS again' }).click();
  await verdict.getByText('PTR differs').waitFor();
  assert.match(await verdict.textContent(), /Setting the rDNS to mta6\.mail\.example\.com confirms it/);
  await save.click();
  await page.getByRole('status').filter({ hasText: 'rDNS set for 192.0.2.16' }).waitFor();
  await badge(page, '192.0.2.16').getByText('Forward-confirmed').waitFor();
  assert.deepEqual(page.errors, []);
});

test('a known verdict shows at once when its row comes back, and a new name gets a new one', async () => {
  const page = await ipScreen(20001);
  await badge(page, '192.0.2.13').getByText('Name does not resolve').waitFor();
  // From here on: the screen's own checks (asked once its rows settle) are in.
  const checks = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/dns/checks') checks.push(r.postData()); });
  // Searched away and back: the row is built again from what is known, nothing asked again.
  const search = page.locator('#ip-search');
  await search.fill('192.0.2.10');
  await page.getByRole('row', { name: /^192\.0\.2\.13 / }).waitFor({ state: 'detached' });
  await search.fill('');
  await page.getByRole('row', { name: /^192\.0\.2\.13 / }).waitFor();
  assert.match(await badge(page, '192.0.2.13').textContent(), /Name does not resolve/);
  assert.deepEqual(checks, [], 'no check asked again for rows already checked');
  // Its name changes here: the settled verdict gives way to the new name's.
  await sim(page, 'dns', 'name=mta3b.mail.example.com&ip=192.0.2.13');
  await page.getByRole('button', { name: 'Edit rDNS of 192.0.2.13' }).click();
  await page.getByRole('textbox', { name: 'Reverse DNS name for 192.0.2.13' }).fill('mta3b.mail.example.com');
  await page.getByRole('row', { name: /192\.0\.2\.13/ }).getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'rDNS set for 192.0.2.13' }).waitFor();
  await badge(page, '192.0.2.13').getByText('Forward-confirmed').waitFor();
  // (The render between the save and the re-read can still ask for the old name, when the re-read
  // takes longer than the rows' settling time.)
  assert.match(checks.at(-1), /mta3b\.mail\.example\.com/, 'the new name is checked');
  assert.deepEqual(page.errors, []);
});

test('blocklists: the IP screen lists each zone, "Check again" asks past the cache, the cleanup confirmation shows them', async () => {
  const page = await ipScreen(20001);
  await page.getByRole('button', { name: 'Blocklists of 192.0.2.13' }).click();
  const panel = page.getByTestId('blocklist-panel');
  await panel.getByText('Listed on 2 of 3 blocklists').waitFor();
  const rows = await tableRows(page, '[data-testid=blocklist-panel] table');
  const zen = rows.find((r) => r[0] === 'zen.spamhaus.org');
  assert.equal(zen[1], 'Listed');
  assert.match(zen[2], /SBL: Spamhaus SBL.*SBL CSS.*\(127\.0\.0\.2, 127\.0\.0\.3\)/);
  assert.deepEqual(rows.find((r) => r[0] === 'b.barracudacentral.org').slice(0, 2), ['b.barracudacentral.org', 'Not listed']);

  // After a cleanup the IP is delisted: the cached answer stays until "Check again".
  await sim(page, 'dns', 'delist=192.0.2.13&zone=bl.spamcop.net');
  await panel.getByRole('button', { name: 'Check again' }).click();
  await panel.getByText('Listed on 1 of 3 blocklists').waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
  await panel.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Request IP cleanup' }).click();
  const dialog = page.getByRole('dialog');
  const overview = dialog.getByTestId('blocklist-overview');
  await overview.getByText(/192\.0\.2\.13: listed on zen\.spamhaus\.org/).waitFor();
  assert.match(await overview.locator('li').first().textContent(), /^192\.0\.2\.13: listed/, 'listed IPs come first');
  await overview.getByText('192.0.2.10: Not listed on 3 of 3 blocklists').waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(page.errors, []);
});

test('bulk rDNS: preview with conflicts, a run with injected failures, retry, stop and resume', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  const calls = recordCalls(page);
  await page.goto(`${rig.proxy.base}/rdns/bulk?servers=20004`);
  await page.getByRole('checkbox', { name: 'Pick 203.0.113.40' }).waitFor();
  // A second server joins from the list.
  await page.getByRole('checkbox', { name: /warmup\.example\.com \(20005\)/ }).check();
  await page.getByRole('checkbox', { name: 'Pick 198.51.100.51' }).waitFor();
  await page.getByRole('checkbox', { name: 'Pick 198.51.100.51' }).check();
  // The filter narrows the list; "select all" takes what it shows, "select none" drops it.
  const filter = page.getByLabel('Filter');
  await filter.fill('203.0.113');
  await page.getByRole('button', { name: 'Select all 4 shown' }).click();
  await page.getByTestId('bulk-selected').getByText('5 selected').waitFor();
  await page.getByRole('button', { name: 'Select none' }).click();
  await page.getByTestId('bulk-selected').getByText('1 selected').waitFor();
  await page.getByRole('button', { name: 'Select all 4 shown' }).click();
  await filter.fill('');
  await page.getByTestId('bulk-selected').getByText('5 selected').waitFor();

  const template = page.getByLabel('Name template');
  const apply = page.getByRole('button', { name: /^Set rDNS on/ });
  // A placeholder that does not exist.
  await template.fill('mail{x}.example.org');
  await page.getByText('Unknown placeholder {x}').first().waitFor();
  assert.equal(await apply.isDisabled(), true);
  // One name for all: every later row is a duplicate, and nothing can run.
  await template.fill('mail.example.org');
  await page.getByText('Same name as row 1: each IP needs its own name.').first().waitFor();
  assert.equal(await apply.isDisabled(), true);
  // A name an IP outside the run already has; a name an IP already has is skipped.
  await page.getByRole('checkbox', { name: 'Pick 203.0.113.41' }).uncheck();
  await template.fill('relay{n}.example.org');
  await page.getByText('Already the rDNS of 203.0.113.41.').waitFor();
  await page.getByRole('checkbox', { name: 'Pick 203.0.113.41' }).check();
  await page.getByText('Already set: skipped').waitFor();
  await template.fill('mta{n:2}.{server}.example.org');
  const preview = await tableRows(page, '[data-testid=bulk-preview]');
  assert.deepEqual(preview.map((r) => [r[2], r[4], r[5]]), [
    ['203.0.113.40', 'mta01.20004.example.org', 'OK'],
    ['203.0.113.41', 'mta02.20004.example.org', 'OK'],
    ['203.0.113.42', 'mta03.20004.example.org', 'OK'],
    ['203.0.113.43', 'mta04.20004.example.org', 'OK'],
    ['198.51.100.51', 'mta05.20005.example.org', 'OK'],
  ]);

  // Hostwinds fails the next two calls.
  await sim(page, 'faults', 'preset=5xx&count=2');
  await apply.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Set the rDNS of 5 IPs on 2 servers?' }).waitFor();
  // The new names have no A records yet: said before anything is sent.
  await dialog.getByTestId('bulk-dns').getByText('5 of 5 names do not point at their IPs').waitFor();
  assert.match(await dialog.getByTestId('bulk-dns').textContent(), /203\.0\.113\.40 → mta01\.20004\.example\.org: Name does not resolve/);
  await dialog.getByRole('button', { name: 'Set rDNS' }).click();
  const summary = page.getByTestId('bulk-summary');
  await summary.getByText('Finished. 3 of 5 changed, 2 failed (not changed).').waitFor();
  const results = await tableRows(page, '[data-testid=bulk-run] table');
  assert.equal(results.filter((r) => r[2].startsWith('Failed')).length, 2);
  assert.ok(results.filter((r) => r[2].startsWith('Changed')).every((r) => r[2].includes('rDNS record updated.')), JSON.stringify(results));
  assert.ok(results.filter((r) => r[2].startsWith('Failed')).every((r) => /HTTP 50\d/.test(r[2])), JSON.stringify(results));
  assert.equal(await page.locator('progress').getAttribute('value'), '5');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download results (CSV)' }).click(),
  ]);
  const record = fs.readFileSync(await download.path(), 'utf8');
  assert.match(record.split('\r\n')[0], /^serviceid,ip,rdns_before,rdns_requested,result,message$/);
  assert.equal(record.split('\r\n').filter((l) => /,failed,/.test(l)).length, 2, record);

  await page.getByRole('button', { name: 'Retry the 2 failed' }).click();
  await summary.getByText('Finished. 5 of 5 changed.').waitFor();
  assert.equal(calls.filter((c) => c.action === 'set_rdns').length, 7, '5 + 2 retried, nothing sent twice otherwise');

  // Stop and resume: slow answers (1 s each), stop after the run starts.
  await page.getByRole('button', { name: 'New run' }).click();
  for (const ip of ['192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14', '192.0.2.15', '192.0.2.16', '192.0.2.17']) {
    if (ip === '192.0.2.11') {
      await page.getByRole('checkbox', { name: /mx1\.mail\.example\.com \(20001\)/ }).check();
      await page.getByRole('checkbox', { name: `Pick ${ip}` }).waitFor();
    }
    await page.getByRole('checkbox', { name: `Pick ${ip}` }).check();
  }
  await template.fill('{ip-dashed}.mta.example.com');
  await sim(page, 'faults', 'preset=slow&count=20');
  await page.getByRole('button', { name: 'Set rDNS on 7 IPs' }).click();
  await dialog.getByRole('button', { name: 'Set rDNS' }).click();
  await page.getByRole('button', { name: 'Stop' }).click();
  await summary.getByText(/^Stopped\. 3 of 7 changed, 4 not sent\.$/).waitFor({ timeout: 10000 });
  await page.getByRole('button', { name: 'Resume' }).click();
  await summary.getByText('Finished. 7 of 7 changed.').waitFor({ timeout: 15000 });
  await sim(page, 'faults', 'preset=none');
  assert.deepEqual(page.errors, []);
});

async function stepResult(page, n) {
  return (await page.getByTestId(`step-${n}-result`).textContent()).trim();
}

test('allocation workflow: find the new IP, set and check its rDNS, open SMTP, record it warming; it resumes after a reload', async () => {
  const page = await ipScreen(20003); // feeds the inventory with the IPs the server has now
  await inventoryHas(page, 'the IPs of server 20003', (inv) => ipsOf(inv, 20003).length > 0);
  const { ip } = await sim(page, 'ips', 'serviceid=20003');
  assert.equal(ip, '203.0.113.100');
  await page.getByRole('link', { name: 'New IP workflow' }).click();
  const wf = page.getByTestId('allocate-workflow');
  await wf.getByRole('button', { name: 'Find the new IP' }).click();
  await wf.getByText('New IP found: 203.0.113.100').waitFor();
  await wf.getByRole('button', { name: 'Use this IP' }).click();
  assert.equal(await stepResult(page, 0), 'Setting up 203.0.113.100.');

  const field = page.getByRole('textbox', { name: 'Reverse DNS name for 203.0.113.100' });
  await field.fill('mail100.example.net');
  await page.getByTestId('dns-verdict').getByText('Name does not resolve').waitFor();
  // Leave and come back: the workflow is where it was.
  await page.reload();
  await page.getByRole('heading', { name: 'New IP: 203.0.113.100' }).waitFor();
  await page.getByRole('textbox', { name: 'Reverse DNS name for 203.0.113.100' }).fill('mail100.example.net');
  await page.getByRole('button', { name: 'Save' }).click();
  await wf.getByTestId('step-1-result').waitFor();
  assert.match(await stepResult(page, 1), /^rDNS of 203\.0\.113\.100 set to mail100\.example\.net: rDNS record updated\.$/);

  // The name does not resolve yet: the check says so; after the A record it confirms.
  await wf.getByTestId('dns-verdict').getByText('Name does not resolve').waitFor();
  await sim(page, 'dns', 'name=mail100.example.net&ip=203.0.113.100');
  await wf.getByRole('button', { name: 'Check again' }).click();
  await wf.getByTestId('dns-verdict').getByText('Forward-confirmed').waitFor();
  await wf.getByRole('button', { name: 'Continue' }).click();

  // The web profile keeps port 25 closed: switch to the mail profile.
  await wf.getByText('The firewall profile web does not open SMTP port 25').waitFor();
  await wf.getByRole('button', { name: 'Switch to smtp' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Switch profile' }).click();
  await wf.getByTestId('step-3-result').waitFor();
  assert.match(await stepResult(page, 3), /^Switched the firewall profile to smtp: Instances firewall profile has been updated\.$/);

  await wf.getByRole('button', { name: 'Record as warming' }).click();
  await page.getByTestId('workflow-done').waitFor();
  assert.equal(await stepResult(page, 4), '203.0.113.100 is now warming in the inventory.');
  await page.getByRole('button', { name: 'Start over' }).click();
  await page.getByRole('heading', { name: 'New IP', exact: true }).waitFor();
  await wf.getByRole('button', { name: 'Find the new IP' }).waitFor();

  await page.goto(`${rig.proxy.base}/inventory`);
  const row = page.locator('tr[data-ip="203.0.113.100"]');
  await row.waitFor();
  assert.equal(await row.getByRole('combobox').inputValue(), 'warming');
  assert.match(await row.textContent(), /mail100\.example\.net/);
  assert.deepEqual(page.errors, []);
});

test('removal workflow: promote another IP first, DNS records checked, delete, inventory, billing reminder', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20002/remove/198.51.100.20`);
  const wf = page.getByTestId('remove-workflow');
  await wf.getByText('198.51.100.20 is the main IP of this server').waitFor();
  await wf.getByRole('button', { name: 'Make 198.51.100.21 main' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Make main' }).click();
  await wf.getByText('198.51.100.20 is a secondary IP of this server.').waitFor();
  await wf.getByRole('button', { name: 'Continue' }).click();
  assert.equal(await stepResult(page, 0), '198.51.100.20 is not the main IP (198.51.100.21 is).');

  // mx2.mail.example.com still points here: continuing needs the record gone, or a tick.
  await wf.getByText('mx2.mail.example.com still points at 198.51.100.20.').waitFor();
  const cont = wf.getByRole('button', { name: 'Continue' });
  assert.equal(await cont.isDisabled(), true);
  await sim(page, 'dns', 'name=mx2.mail.example.com');
  await wf.getByRole('button', { name: 'Check again' }).click();
  await wf.getByText('mx2.mail.example.com no longer points at 198.51.100.20.').waitFor();
  await cont.click();
  assert.equal(await stepResult(page, 1), 'The rDNS name no longer points at the IP.');

  await wf.getByRole('button', { name: 'Delete the IP' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete IP' }).click();
  await wf.getByTestId('step-2-result').waitFor();
  assert.match(await stepResult(page, 2), /^Deleted 198\.51\.100\.20: /);
  await wf.getByRole('button', { name: 'Mark removed in the inventory' }).click();
  await wf.getByTestId('step-3-result').waitFor();
  assert.equal(await stepResult(page, 3), '198.51.100.20 is now removed in the inventory.');
  await wf.getByText(/Reconcile billing/).waitFor();
  await wf.getByRole('button', { name: 'Done' }).click();
  await page.getByTestId('workflow-done').waitFor();

  const ips = await (await page.request.post(`${rig.proxy.base}/api`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' },
    data: 'action=get_instance_ips&serviceid=20002',
  })).text();
  assert.ok(!ips.includes('198.51.100.20'), ips);
  assert.deepEqual(page.errors, []);
});

test('removal workflow for an IP that already left the server: straight to the inventory', async () => {
  const page = await newPage(rig.browser, rig.proxy.base);
  await page.goto(`${rig.proxy.base}/servers/20002/remove/198.51.100.20`);
  const wf = page.getByTestId('remove-workflow');
  await wf.getByText('198.51.100.20 is not on this server (any more).').waitFor();
  await wf.getByRole('button', { name: 'Skip to the inventory' }).click();
  assert.equal(await stepResult(page, 0), '198.51.100.20 was no longer on the server.');
  await wf.getByRole('button', { name: 'Mark removed in the inventory' }).click();
  await wf.getByTestId('step-3-result').waitFor();
  await wf.getByRole('button', { name: 'Done' }).click();
  await page.getByTestId('workflow-done').waitFor();
  assert.deepEqual(page.errors, []);
});

test('inventory: costs per server, status changes (audited), exports in the platform tables\' columns', async () => {
  const page = await newPage(rig.browser, rig.proxy.base, 'support');
  await page.goto(`${rig.proxy.base}/servers`);
  await page.locator('table.servers tbody tr').first().waitFor();
  await inventoryHas(page, 'the 4 IPs of server 20004', (inv) => ipsOf(inv, 20004).length === 4);
  await page.goto(`${rig.proxy.base}/inventory`);
  const costs = page.getByTestId('inventory-costs');
  await costs.locator('tr[data-serviceid="20004"]').waitFor();
  const line = await costs.locator('tr[data-serviceid="20004"]').textContent();
  assert.match(line, /relay\.example\.org \(20004\)\s*4\s*19\.96/);

  // Removed IPs are hidden until asked for; the search narrows by server name.
  assert.equal(await page.locator('tr[data-ip="198.51.100.20"]').count(), 0);
  await page.getByLabel('Show removed IPs').check();
  assert.equal(await page.locator('tr[data-ip="198.51.100.20"]').getByRole('combobox').inputValue(), 'removed');
  await page.getByLabel('Show removed IPs').uncheck();
  await page.getByLabel('Search').fill('relay');
  assert.deepEqual((await tableRows(page, 'table.inventory')).map((r) => r[1]), ['203.0.113.40 Main', '203.0.113.41', '203.0.113.42', '203.0.113.43']);
  await page.getByLabel('Search').fill('');
  const row = page.locator('tr[data-ip="203.0.113.42"]');
  await row.getByRole('combobox').selectOption('burned');
  await page.getByRole('status').filter({ hasText: '203.0.113.42 is now burned in the inventory.' }).waitFor();
  await page.getByLabel('Status', { exact: true }).selectOption('burned');
  assert.deepEqual((await tableRows(page, 'table.inventory')).map((r) => r[1]), ['203.0.113.42']);

  const href = await page.getByRole('link', { name: 'smtp_ip_addresses (CSV)' }).getAttribute('href');
  const csv = await (await page.request.get(`${rig.proxy.base}${href}`)).text();
  assert.match(csv.split('\n')[0], /^ip_address,status,approximate_cost,rdns_hostname/);
  assert.match(csv, /203\.0\.113\.42,burned,4\.99,/);
  const json = await (await page.request.get(`${rig.proxy.base}${await page.getByRole('link', { name: 'vps_instances (JSON)' }).getAttribute('href')}`)).json();
  assert.deepEqual(Object.keys(json[0]).sort(), ['hostname', 'ips', 'main_ip', 'private_ip', 'serviceid']);

  await page.goto(`${rig.proxy.base}/activity`);
  await page.getByText('inventory_status').first().waitFor();
  assert.deepEqual(page.errors, []);
});
