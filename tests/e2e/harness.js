// Shared by the browser specs: start a proxy + in-process simulator on a free loopback port
// (fresh state per spec file), and Debian's chromium driven by playwright-core.
'use strict';
const { spawn } = require('node:child_process');
const { chromium } = require('playwright-core');

const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests through \`cargo xtask test\``);
  return v;
}

/** Start `hostwinds-proxy serve` with the simulator; resolves to { base, stop, log }. */
function startProxy(extraArgs = []) {
  const taskSecs = extraArgs.includes('--sim-task-secs') ? [] : ['--sim-task-secs', '1'];
  // Each spec file gets its own audit log.
  const database = extraArgs.includes('--database') ? [] : ['--database', ':memory:'];
  const args = ['serve', '--listen', '127.0.0.1:0', '--dist', need('DIST'), '--upstream', 'sim',
    ...taskSecs, ...database, ...extraArgs];
  const child = spawn(need('PROXY_BIN'), args, {
    env: { ...process.env, RUST_LOG: 'info', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start:\n${log}`)), 15000);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = log.replace(/\x1b\[[0-9;]*m/g, '').match(/console and proxy on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          base: m[1],
          log: () => log,
          stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`proxy exited (${code}):\n${log}`)); });
  });
}

/** Chromium, launched again (twice at most) if it dies while starting: that is the machine,
 *  not the console, and once it has started every failure counts. */
async function launchBrowser() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`chromium did not start (attempt ${attempt}): ${String(e.message).split('\n')[0]}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Sign the page's browser context in through the proxy (the demo accounts). */
async function signIn(page, base, user = 'admin') {
  const r = await page.request.post(`${base}/auth/login`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' },
    data: `username=${user}&password=${user}`,
  });
  if (r.status() !== 200) throw new Error(`sign-in as ${user} failed: ${r.status()} ${await r.text()}`);
}

/** A fresh page (own localStorage and cookies) that fails the test on any uncaught page error;
 *  signed in as `user` (admin by default) when `base` is given, anonymous with user null. */
async function newPage(browser, base, user = 'admin') {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (base && user) await signIn(page, base, user);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  page.on('console', (m) => { if (m.type() === 'error' && /panicked/.test(m.text())) page.errors.push(new Error(m.text())); });
  return page;
}

/** Rows of the table with the given caption start, as arrays of cell texts. */
async function tableRows(page, selector) {
  return page.locator(`${selector} tbody tr`).evaluateAll((rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent.trim())));
}

/** Every form the page POSTs to the proxy, decoded, in order. */
function recordCalls(page) {
  const calls = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api') {
      calls.push(Object.fromEntries(new URLSearchParams(r.postData() || '')));
    }
  });
  return calls;
}

/** Options for watching queued tasks quickly in tests (the settings the Settings page saves). */
async function fastWatch(page, { poll = 1, limit = 60 } = {}) {
  await page.addInitScript(([p, l]) => {
    localStorage.setItem('hostwinds.poll_secs', String(p));
    localStorage.setItem('hostwinds.watch_limit_secs', String(l));
  }, [poll, limit]);
}

/** POST a form to the proxy as the page's signed-in user, the way a script would. */
function postForm(page, base, data) {
  return page.request.post(`${base}/api`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' },
    data,
  });
}

/** A spec file's proxy (fresh simulator and audit log) and browser, started before its
 *  tests and stopped after them: `const rig = suite([...proxy flags])`, then `rig.proxy.base`. */
function suite(extraArgs = []) {
  const { before, after } = require('node:test');
  const rig = {};
  before(async () => {
    rig.proxy = await startProxy(extraArgs);
    rig.browser = await launchBrowser();
  });
  after(async () => {
    await rig.browser?.close();
    await rig.proxy?.stop();
  });
  return rig;
}

module.exports = { suite, startProxy, launchBrowser, newPage, signIn, tableRows, recordCalls, fastWatch, postForm };
