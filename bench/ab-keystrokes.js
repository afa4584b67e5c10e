// A/B of the search keystroke between builds of the console, for changes too small for the
// bench's own figure on a noisy machine: one proxy per dist/ (`--sim-large-server 10000`), one
// page each in one browser, and the pages take turns keystroke by keystroke, so a slow moment
// of the machine falls on both. Prints each build's median time to the DOM changed ("build")
// and to the layout forced after ("work").
//   node bench/ab-keystrokes.js DIST_A DIST_B   (PROXY_BIN, default target/server/hostwinds-proxy;
//   N keystrokes a side, default 60)
'use strict';
const { spawn } = require('node:child_process');
const { chromium } = require('playwright-core');
const { QUERIES, timeKeystroke } = require('./keystroke');
const BIN = process.env.PROXY_BIN || 'target/server/hostwinds-proxy';
const N = Number(process.env.N || 60);
const dists = process.argv.slice(2);
const kids = [];
function start(dist) {
  const c = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--dist', dist, '--database', ':memory:', '--upstream', 'sim', '--sim-large-server', '10000'], { env: { ...process.env, RUST_LOG: 'warn,hostwinds_proxy::cli=info', NO_COLOR: '1' } });
  kids.push(c);
  let log = '';
  return new Promise((res) => { const on = (d) => { log += d; const m = log.match(/console and proxy on (http:\/\/[\d.:]+)/); if (m) res(m[1]); }; c.stdout.on('data', on); c.stderr.on('data', on); });
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const pages = [];
  for (const d of dists) {
    const base = await start(d);
    const ctx = await browser.newContext();
    await ctx.request.post(`${base}/auth/login`, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' }, data: 'username=admin&password=admin' });
    const page = await ctx.newPage();
    await page.goto(`${base}/servers/20099`);
    await page.locator('table.ips tbody tr').first().waitFor();
    pages.push(page);
  }
  const res = dists.map(() => ({ build: [], work: [] }));
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < pages.length; j++) {
      const k = await timeKeystroke(pages[j], QUERIES[i % QUERIES.length]);
      res[j].build.push(k.build); res[j].work.push(k.work);
      await pages[j].waitForTimeout(30);
    }
  }
  dists.forEach((d, j) => console.log(d, 'build median', med(res[j].build).toFixed(2), 'work median', med(res[j].work).toFixed(2), 'sum build', res[j].build.reduce((a, b) => a + b, 0).toFixed(0)));
  await browser.close();
  kids.forEach((k) => k.kill());
})();
