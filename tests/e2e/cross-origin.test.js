// The console served from one origin, the proxy on another (`--allow-origin`): signing in and
// listing the servers work for a listed origin; an origin not listed gets a clear error.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { startProxy, launchBrowser, newPage, tableRows } = require('./harness');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.txt': 'text/plain' };

// A plain static server of the built console (no proxy routes), the page for any other path.
function staticConsole() {
  const dist = process.env.DIST;
  const server = http.createServer((req, res) => {
    const file = path.join(dist, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    const found = file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(dist, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(found)] || 'application/octet-stream' });
    fs.createReadStream(found).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

const rig = {};
before(async () => {
  rig.listed = await staticConsole();
  rig.other = await staticConsole();
  rig.proxy = await startProxy(['--allow-origin', rig.listed.origin]);
  rig.browser = await launchBrowser();
});
after(async () => {
  await rig.browser?.close();
  await rig.proxy?.stop();
  rig.listed?.server.close();
  rig.other?.server.close();
});

async function consoleAt(origin) {
  const page = await newPage(rig.browser, rig.proxy.base, null);
  await page.addInitScript((endpoint) => localStorage.setItem('hostwinds.endpoint', endpoint), `${rig.proxy.base}/api`);
  await page.goto(`${origin}/servers`);
  return page;
}

test('a console on a listed origin signs in and lists the servers through the proxy', async () => {
  const page = await consoleAt(rig.listed.origin);
  await page.waitForURL(/\/signin\?next=%2Fservers$/);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/servers$/);
  await page.getByRole('link', { name: 'mx1.mail.example.com' }).waitFor();
  assert.equal((await tableRows(page, 'table.servers')).length, 5);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a console on an origin not listed says how to allow it', async () => {
  const page = await consoleAt(rig.other.origin);
  await page.getByRole('alert').filter({ hasText: `start it with --allow-origin ${rig.other.origin}` }).first().waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
