// IP management on a server's IP screen: promote, delete, rotate (queued, watched, cooldown),
// regenerate networking, and the refusals.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { suite, newPage, tableRows, recordCalls, fastWatch, postForm } = require('./harness');

const rig = suite(['--sim-task-secs', '2']);

async function ipScreen(serviceid, opts) {
  const page = await newPage(rig.browser, rig.proxy.base);
  await fastWatch(page, opts);
  const calls = recordCalls(page);
  await page.goto(`${rig.proxy.base}/servers/${serviceid}`);
  await page.locator('table.ips tbody tr').first().waitFor();
  return { page, calls };
}

const ipsOf = async (page) => (await tableRows(page, 'table.ips')).map((r) => [r[0], r[1]]);
const dialog = (page) => page.getByRole('dialog');

test('promoting a secondary asks first, then the table shows the new main', async () => {
  const { page, calls } = await ipScreen(20002);
  const mainRow = page.getByRole('row', { name: /198\.51\.100\.20/ });
  assert.equal(await mainRow.getByRole('button', { name: /Make main|Delete/ }).count(), 0, 'no promote/delete on the main IP');

  await page.getByRole('button', { name: 'Make main 198.51.100.21' }).click();
  await dialog(page).getByText('198.51.100.20 becomes a secondary IP of this server.').waitFor();
  // Cancel changes nothing and sends nothing.
  await dialog(page).getByRole('button', { name: 'Cancel' }).click();
  assert.equal(calls.filter((c) => c.action === 'set_main_ip').length, 0);

  await page.getByRole('button', { name: 'Make main 198.51.100.21' }).click();
  await dialog(page).getByRole('button', { name: 'Make main' }).click();
  await page.getByRole('status').filter({ hasText: 'Main IP set' }).waitFor();
  await page.waitForFunction(() => document.querySelector('table.ips tbody tr td')?.textContent === '198.51.100.21');
  assert.deepEqual((await ipsOf(page))[0], ['198.51.100.21', 'Main']);
  assert.equal(await page.getByTestId('main-ip').textContent(), '198.51.100.21');
  assert.deepEqual(calls.filter((c) => c.action === 'set_main_ip'), [{ action: 'set_main_ip', serviceid: '20002', ip: '198.51.100.21' }]);
  assert.deepEqual(page.errors, []);
});

test('deleting a secondary names it, warns about DNS, shows its rDNS, and the row goes only after success', async () => {
  const { page } = await ipScreen(20004);
  await page.getByRole('button', { name: 'Delete 203.0.113.41' }).click();
  const d = dialog(page);
  await d.getByRole('heading', { name: 'Delete 203.0.113.41 from relay.example.org?' }).waitFor();
  await d.getByText('Update the DNS records for email first').waitFor();
  await d.getByText('relay2.example.org').waitFor();
  // Escape closes without deleting.
  await page.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  assert.ok((await ipsOf(page)).some((r) => r[0] === '203.0.113.41'));

  // A failed call changes nothing on screen, and its error stays.
  await page.route('**/api', async (route) => {
    if ((route.request().postData() || '').includes('action=delete_ip')) {
      await route.fulfill({ status: 200, contentType: 'application/json', body: '[{"result":"error","action":"Delete IP","message":"Simulated failure<br>try later"}]' });
    } else {
      await route.continue();
    }
  });
  await page.getByRole('button', { name: 'Delete 203.0.113.41' }).click();
  await d.getByRole('button', { name: 'Delete IP' }).click();
  const err = page.getByRole('alert').filter({ hasText: 'Delete IP failed' });
  await err.waitFor();
  assert.equal(await err.locator('.text').textContent(), 'Simulated failure\ntry later');
  assert.ok((await ipsOf(page)).some((r) => r[0] === '203.0.113.41'), 'the row stays after a failure');
  await page.unroute('**/api');

  await page.getByRole('button', { name: 'Delete 203.0.113.41' }).click();
  await d.getByRole('button', { name: 'Delete IP' }).click();
  await page.getByRole('status').filter({ hasText: 'IP removed' }).waitFor();
  await page.waitForFunction(() => ![...document.querySelectorAll('table.ips tbody tr td:first-child')].some((td) => td.textContent === '203.0.113.41'));
  assert.equal((await ipsOf(page)).length, 3);
  // The error stays until dismissed.
  await err.getByRole('button', { name: 'Dismiss' }).click();
  await err.waitFor({ state: 'detached' });
});

test('the proxy refuses a crafted request to delete the main IP', async () => {
  const { page } = await ipScreen(20004);
  const r = await postForm(page, rig.proxy.base, 'action=delete_ip&serviceid=20004&ip=203.0.113.40');
  assert.equal(r.status(), 400);
  const body = await r.json();
  assert.equal(body[0].result, 'error');
  assert.match(body[0].message, /203\.0\.113\.40 is the main IP of server 20004 and cannot be deleted/);
  await page.reload();
  await page.locator('table.ips tbody tr').first().waitFor();
  assert.ok((await ipsOf(page)).some((r) => r[0] === '203.0.113.40'));
});

test('rotating the main IP is confirmed, watched until the new IP shows, and warned about when repeated', async () => {
  const { page } = await ipScreen(20003);
  await page.getByRole('button', { name: 'Rotate main IP' }).click();
  const d = dialog(page);
  await d.getByText('a new main IP from its pool; 203.0.113.30 may be released or turned into a secondary IP').waitFor();
  await d.getByText('may need regenerating').waitFor();
  await d.getByText('cooldown').waitFor();
  assert.equal(await d.getByText('rotated once in the last hour').count(), 0);
  await d.getByRole('button', { name: 'Rotate main IP' }).click();

  const watch = page.getByTestId('watch');
  await watch.getByText('Waiting for the new main IP').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Rotate main IP' }).isDisabled(), true, 'no second rotation while one is watched');
  await watch.getByText('The main IP changed: 203.0.113.30 → 203.0.113.100').waitFor({ timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('table.ips tbody tr td')?.textContent === '203.0.113.100');
  const rows = await ipsOf(page);
  assert.deepEqual(rows, [['203.0.113.100', 'Main'], ['203.0.113.30', 'Secondary']]);

  await watch.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Rotate main IP' }).click();
  await d.getByText("This server's main IP was rotated once in the last hour (audit log).").waitFor();
  await d.getByRole('button', { name: 'Cancel' }).click();
});

test('after several quick rotations the screen says the IP has not changed yet, without claiming failure', async () => {
  const { page } = await ipScreen(20005, { poll: 1, limit: 8 });
  const watch = page.getByTestId('watch');
  for (let i = 0; i < 3; i++) {
    await page.getByRole('button', { name: 'Rotate main IP' }).click();
    await dialog(page).getByRole('button', { name: 'Rotate main IP' }).click();
    await watch.getByText('The main IP changed').waitFor({ timeout: 20000 });
    await watch.getByRole('button', { name: 'Close' }).click();
  }
  const before = await page.getByTestId('main-ip').textContent();
  await page.getByRole('button', { name: 'Rotate main IP' }).click();
  await dialog(page).getByText('rotated 3 times in the last hour').waitFor();
  await dialog(page).getByRole('button', { name: 'Rotate main IP' }).click();
  await page.getByRole('status').filter({ hasText: 'Main IP address changed successfully!' }).first().waitFor();
  await watch.getByText(`The main IP has not changed yet: it is still ${before}`).waitFor({ timeout: 30000 });
  assert.equal(await watch.getByText('failed').count(), 0);
  await watch.getByRole('button', { name: 'Keep watching' }).waitFor();
});

test('regenerating networking warns of the reboot, then follows the server until it is ACTIVE again', async () => {
  const { page } = await ipScreen(20001);
  // Keyboard only: focus the button, open with Enter, the dialog starts on Cancel.
  await page.getByRole('button', { name: 'Regenerate networking' }).focus();
  await page.keyboard.press('Enter');
  const d = dialog(page);
  await d.getByText('The server will reboot').waitFor();
  await d.getByText('maintenance window').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Rebuild and reboot');
  await page.keyboard.press('Enter');

  await page.getByRole('status').filter({ hasText: 'Regenerating Network for Server#20001' }).waitFor();
  const watch = page.getByTestId('watch');
  await watch.getByText(/Regenerating networking; the server reboots.*status (REBUILD|REBOOT)/).waitFor();
  // No other change on the server meanwhile: the rows' actions wait too, and come back after.
  const rowActions = ['Make main 192.0.2.11', 'Delete 192.0.2.11'];
  for (const name of rowActions) assert.equal(await page.getByRole('button', { name }).isDisabled(), true, 'a row action while networking is rebuilt');
  await watch.getByText('Networking regenerated: the server is ACTIVE again.').waitFor({ timeout: 20000 });
  await watch.getByText('status ACTIVE · vm active · task none').waitFor();
  // Looked up afresh each time: the table renders again when the watch ends.
  await page.waitForFunction((names) => names.every((n) => document.querySelector(`button[aria-label="${n}"]`)?.disabled === false), rowActions);
  assert.deepEqual(page.errors, []);
});

test('watching pauses while the page is hidden and stops when the screen is left', async () => {
  const { page, calls } = await ipScreen(20004, { poll: 1, limit: 60 });
  const reads = () => calls.filter((c) => c.action === 'get_instance').length;
  const setHidden = (hidden) => page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, hidden);

  await page.getByRole('button', { name: 'Rotate main IP' }).click();
  await dialog(page).getByRole('button', { name: 'Rotate main IP' }).click();
  await page.getByTestId('watch').getByText('Waiting for the new main IP').waitFor();
  await setHidden(true);
  const whileHidden = reads();
  await page.waitForTimeout(3500);
  assert.equal(reads(), whileHidden, 'no polling while hidden');
  await setHidden(false);
  await page.getByTestId('watch').getByText('The main IP changed').waitFor({ timeout: 20000 });
  assert.ok(reads() > whileHidden);

  // Start another watch, then leave the screen: polling ends with it.
  await page.getByTestId('watch').getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Rotate main IP' }).click();
  await dialog(page).getByRole('button', { name: 'Rotate main IP' }).click();
  await page.getByTestId('watch').getByText('Waiting for the new main IP').waitFor();
  await page.getByRole('link', { name: 'Servers', exact: true }).first().click();
  await page.locator('table.servers tbody tr').first().waitFor();
  const afterLeaving = reads();
  await page.waitForTimeout(3000);
  assert.equal(reads(), afterLeaving, 'no polling after leaving the screen');
});
