// `cargo xtask bench`: figures, never pass/fail. Each comparison is measured against a
// baseline in the same run (these machines are shared and noisy): the proxy against nginx
// and against the simulator directly; the console's first table against a static page.
'use strict';
const { spawn, execFileSync, execFile } = require('node:child_process');
const { promisify } = require('node:util');
const execFileAsync = promisify(execFile);
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { QUERIES, timeKeystroke } = require('./keystroke');

const BIN = process.env.PROXY_BIN;
const DIST = process.env.DIST;
// The framework's floor (bench/floor, built by `cargo xtask bench`): its pkg directory.
const FLOOR = process.env.FLOOR;
// The proxy's floor (crates/server/examples/proxy_floor.rs): the same Rust stack forwarding
// bodies as they are, none of the proxy's own checks; run twice, with axum and (`--hyper`)
// without. Optional: without it, no such rows.
const PROXY_FLOOR = process.env.PROXY_FLOOR_BIN;
const OUT = process.env.OUT;
const SECS = Number(process.env.BENCH_SECS || 10);
const KEY_ROUNDS = Number(process.env.BENCH_KEY_ROUNDS || 3);
const RUNS = Number(process.env.BENCH_RUNS || 7);
const KEY = 'bench-key-0a1b2c';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-bench-'));
const children = [];

function start(cmd, args, env, pattern) {
  const child = spawn(cmd, args, { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${cmd} did not start:\n${log}`)), 20000);
    const on = (d) => {
      log += d;
      const m = log.match(pattern);
      if (m) { clearTimeout(t); resolve(m[1]); }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (c) => reject(new Error(`${cmd} exited ${c}:\n${log}`)));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// Asynchronous, so this process keeps draining the servers' output while wrk runs.
async function wrk(url, body, headers, { conns = 16, pid } = {}) {
  const lua = path.join(tmp, `wrk-${Math.random().toString(36).slice(2)}.lua`);
  const hs = Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n');
  fs.writeFileSync(lua, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\n${hs}\n`);
  const cpu0 = pid && cpuTicks(pid);
  const { stdout: out } = await execFileAsync('wrk', [`-t${Math.min(2, conns)}`, `-c${conns}`, `-d${SECS}s`, '--latency', '-s', lua, url], { encoding: 'utf8' });
  const cpu1 = pid && cpuTicks(pid);
  const ms = (label) => {
    const m = out.match(new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`));
    if (!m) return null;
    return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 })[m[2]];
  };
  const rps = Number((out.match(/Requests\/sec:\s+([\d.]+)/) || [])[1]);
  const non2xx = Number((out.match(/Non-2xx or 3xx responses:\s+(\d+)/) || [0, 0])[1]);
  const requests = Number((out.match(/(\d+) requests in/) || [])[1]);
  // The middle hop's CPU time (user + system, from /proc) per request: less noisy than
  // latency on a shared machine, and what its added latency is made of.
  const cpu_us = pid && requests ? ((cpu1 - cpu0) * 1e6) / CLOCK_TICKS / requests : null;
  return { rps, p50: ms('50'), p99: ms('99'), non2xx, cpu_us };
}

// Kernel clock ticks a second (`getconf CLK_TCK`), the unit of /proc's CPU times.
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime
}

async function proxyBench() {
  const sim = await start(BIN, ['simulate', '--listen', '127.0.0.1:0'], { HOSTWINDS_API_KEY: KEY, RUST_LOG: 'warn,hostwinds_proxy::cli=info' }, /simulator on (http:\/\/[\d.:]+)\/cloud/);
  const nginxPort = await freePort();
  const conf = path.join(tmp, 'nginx.conf');
  fs.writeFileSync(conf, `worker_processes 1; pid ${tmp}/nginx.pid; error_log ${tmp}/nginx.err;
events { worker_connections 1024; }
http { access_log off;
  upstream sim { server ${sim.replace('http://', '')}; keepalive 32; }
  server { listen 127.0.0.1:${nginxPort};
    location / { proxy_pass http://sim; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
`);
  const nginx = spawn('nginx', ['-c', conf, '-p', tmp, '-g', 'daemon off;'], { stdio: 'ignore' });
  children.push(nginx);
  const hash = execFileSync(BIN, ['hash-password'], { input: 'bench\n', encoding: 'utf8' }).trim();
  const users = path.join(tmp, 'users.toml');
  fs.writeFileSync(users, `[[users]]\nname = "bench"\nrole = "admin"\npassword_hash = "${hash}"\n`);
  const proxy = await start(BIN, ['serve', '--listen', '127.0.0.1:0', '--dist', '/nonexistent', '--database', ':memory:',
    '--users', users, '--upstream', `${sim}/cloud/api.php`], { HOSTWINDS_API_KEY: KEY, RUST_LOG: 'warn,hostwinds_proxy::cli=info' },
  /console and proxy on (http:\/\/[\d.:]+)/);
  const proxyPid = children[children.length - 1].pid;
  const floor = PROXY_FLOOR && await start(PROXY_FLOOR, ['127.0.0.1:0', `${sim}/cloud/api.php`], {}, /proxy floor on (http:\/\/[\d.:]+)/);
  const floorPid = floor && children[children.length - 1].pid;
  // The same floor without axum (hyper's server alone): what the two differ by is axum's.
  const bare = PROXY_FLOOR && await start(PROXY_FLOOR, ['--hyper', '127.0.0.1:0', `${sim}/cloud/api.php`], {}, /proxy floor on (http:\/\/[\d.:]+)/);
  const barePid = bare && children[children.length - 1].pid;
  await new Promise((r) => setTimeout(r, 300));
  const login = await fetch(`${proxy}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' }, body: 'username=bench&password=bench' });
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const read = 'action=get_instance&serviceid=20001';
  // nginx's master forks the worker that does the work. Without the worker's pid (a kernel
  // without /proc's children list) its CPU figure is n/a, the rest of the run unchanged.
  let worker = null;
  try {
    worker = Number(fs.readFileSync(`/proc/${nginx.pid}/task/${nginx.pid}/children`, 'utf8').trim().split(/\s+/)[0]) || null;
  } catch (e) {
    console.error(`bench: nginx's worker not found (${e.message}): no CPU figure for it`);
  }
  const run = async (conns) => ({
    direct: await wrk(`${sim}/cloud/api.php`, `${read}&API=${KEY}`, form, { conns }),
    nginx: await wrk(`http://127.0.0.1:${nginxPort}/cloud/api.php`, `${read}&API=${KEY}`, form, { conns, pid: worker }),
    ...(bare ? { bare: await wrk(`${bare}/cloud/api.php`, `${read}&API=${KEY}`, form, { conns, pid: barePid }) } : {}),
    ...(floor ? { floor: await wrk(`${floor}/cloud/api.php`, `${read}&API=${KEY}`, form, { conns, pid: floorPid }) } : {}),
    proxy: await wrk(`${proxy}/api`, read, { ...form, Cookie: cookie, 'X-Hostwinds-Console': '1' }, { conns, pid: proxyPid }),
  });
  // Under load (16 connections: on 2 cores latency then follows throughput), and one
  // connection (one operator's read: nothing queues, the latency is each hop's own).
  const loaded = await run(16);
  return { ...loaded, one_connection: await run(1) };
}

// The floor's page for a server: /floor/<serviceid>/ in the served copy of dist/ (the
// console's stylesheet, its wasm preloaded as the console's is).
function addFloor(dist, css, serviceids) {
  if (!FLOOR) return false;
  fs.cpSync(FLOOR, path.join(dist, 'floor', 'pkg'), { recursive: true });
  for (const id of serviceids) {
    fs.mkdirSync(path.join(dist, 'floor', id), { recursive: true });
    fs.writeFileSync(path.join(dist, 'floor', id, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="description" content="The framework's floor: a server's IPs.">` +
      `<title>IP addresses</title><link rel="stylesheet" href="/${css}"><link rel="modulepreload" href="/floor/pkg/leptos-floor.js">` +
      `<link rel="preload" href="/floor/pkg/leptos-floor_bg.wasm" as="fetch" type="application/wasm" crossorigin>` +
      `<script type="module">import init from '/floor/pkg/leptos-floor.js'; await init({ module_or_path: '/floor/pkg/leptos-floor_bg.wasm' });</script></head><body></body></html>`);
  }
  return true;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function loadBench() {
  // A copy of the console with a static page holding the same IP table, served alike.
  const dist = path.join(tmp, 'dist');
  fs.cpSync(DIST, dist, { recursive: true });
  const css = fs.readdirSync(dist).find((f) => f.endsWith('.css'));
  const floor = addFloor(dist, css, ['20001', '20099']);
  const base = await start(BIN, ['serve', '--listen', '127.0.0.1:0', '--dist', dist, '--database', ':memory:', '--upstream', 'sim', '--sim-large-server', '10000'],
    { RUST_LOG: 'warn,hostwinds_proxy::cli=info' }, /console and proxy on (http:\/\/[\d.:]+)/);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const login = async (ctx) => { await ctx.request.post(`${base}/auth/login`, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' }, data: 'username=admin&password=admin' }); };
  // The rows the console shows, taken from the console itself, for the static page.
  const ctx0 = await browser.newContext();
  await login(ctx0);
  const p0 = await ctx0.newPage();
  await p0.goto(`${base}/servers/20001`);
  await p0.locator('table.ips tbody tr').first().waitFor();
  const tableHtml = await p0.locator('table.ips').evaluate((t) => t.outerHTML);
  await ctx0.close();
  fs.writeFileSync(path.join(dist, 'static-ips.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>static</title><link rel="stylesheet" href="/${css}"></head><body><main>${tableHtml}</main></body></html>`);
  // When the first IP row exists, whoever puts it there.
  const mark = () => {
    new MutationObserver((_, obs) => {
      if (document.querySelector('table.ips tbody tr')) { performance.mark('ip-table'); obs.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  };
  const time = async (url) => {
    const ctx = await browser.newContext();
    await login(ctx);
    const page = await ctx.newPage();
    await page.addInitScript(mark);
    await page.goto(url);
    await page.locator('table.ips tbody tr').first().waitFor();
    const ms = await page.evaluate(() => (performance.getEntriesByName('ip-table')[0] || { startTime: performance.now() }).startTime);
    await ctx.close();
    return ms;
  };
  const consoleMs = [];
  const staticMs = [];
  const floorMs = [];
  await time(`${base}/servers/20001`); // warm the server and the disk cache once
  if (floor) await time(`${base}/floor/20001/`);
  for (let i = 0; i < RUNS; i++) {
    consoleMs.push(await time(`${base}/servers/20001`));
    staticMs.push(await time(`${base}/static-ips.html`));
    if (floor) floorMs.push(await time(`${base}/floor/20001/`));
  }
  const large = await largeTable(browser, login, base, time, floor);
  await browser.close();
  return { console_ms: median(consoleMs), static_ms: median(staticMs), runs: RUNS, console_all: consoleMs, static_all: staticMs,
    floor_ms: floor ? median(floorMs) : null, floor_all: floorMs, large };
}

// A server with 10,000 IPs: the console's table against plain DOM code doing the same work
// (filter the 10,000 rows, build the page shown) in the same page session.
async function largeTable(browser, login, base, time, floor) {
  const nav = [];
  for (let i = 0; i < 3; i++) nav.push(await time(`${base}/servers/20099`));
  const ctx = await browser.newContext();
  await login(ctx);
  const page = await ctx.newPage();
  // At the default page size, then at 50 rows (chosen in the console, kept in the browser).
  const atDefault = await keystrokes(page, `${base}/servers/20099`);
  await page.evaluate(() => localStorage.setItem('hostwinds.rows_per_page', '50'));
  const at50 = await keystrokes(page, `${base}/servers/20099`);
  // The floor shows 25 rows, the console's default.
  const atFloor = floor ? await keystrokes(page, `${base}/floor/20099/`) : null;
  await ctx.close();
  return { navigation_ms: median(nav), ...atDefault, at_50: at50, floor: atFloor };
}

// Search keystrokes on the 10,000-IP server, and the plain DOM code building the same
// number of rows as the console's page holds.
async function keystrokes(page, url) {
  await page.goto(url);
  await page.locator('table.ips tbody tr').first().waitFor();
  const perPage = await page.locator('table.ips tbody tr').count();
  const keys = [];
  const plain = [];
  const keyFrames = [];
  const plainFrames = [];
  const same = [];
  const sameFrames = [];
  // Each time split in two: building the rows (to the DOM changed) and the layout forced after.
  const keyBuild = [];
  const sameBuild = [];
  // Typing the same five searches three times: 15 keystrokes, so one slow moment on a shared
  // machine moves the median less.
  const queries = Array.from({ length: KEY_ROUNDS }, () => QUERIES).flat();
  for (const q of queries) {
    const k = await timeKeystroke(page, q);
    // The same work in plain DOM code: filter the 10,000, then build the rows two ways, each
    // timed to the DOM laid out and to the next frame. `same`: the console's own markup
    // (every element, attribute and text it put in those rows, a click listener per button),
    // in a table next to the console's so the same styles apply. `simple`: 9 elements a row
    // (the baseline of earlier reports, kept so figures stay comparable).
    const p = await page.evaluate(async ([q, perPage, shape]) => {
      const r = await fetch('/api', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' }, body: 'action=get_instance_ips&serviceid=20099' });
      const items = (await r.json()).success['IP Addresses'];
      const next = () => new Promise((res) => requestAnimationFrame(() => res(performance.now())));
      const matching = () => items.filter((it) => it.ip.includes(q) || (it.rdns || '').includes(q)).slice(0, perPage);
      await next();
      let t0 = performance.now();
      const shown = matching();
      const onClick = () => {};
      const build = (x) => {
        if (typeof x === 'string') return document.createTextNode(x);
        const el = document.createElement(x.tag);
        for (const [k, v] of x.attrs) el.setAttribute(k, v);
        if (x.tag === 'button') el.addEventListener('click', onClick);
        for (const kid of x.kids) el.append(build(kid));
        return el;
      };
      const sameTable = document.createElement('table');
      sameTable.className = 'data ips';
      const sameBody = sameTable.createTBody();
      for (let i = 0; i < shown.length && i < shape.length; i++) sameBody.append(build(shape[i]));
      document.querySelector('table.ips').after(sameTable);
      const sameBuilt = performance.now() - t0;
      sameTable.getBoundingClientRect();
      const sameWork = performance.now() - t0;
      const sameFrame = (await next()) - t0;
      sameTable.remove();
      await next();
      t0 = performance.now();
      const rows = matching();
      const table = document.createElement('table');
      const body = table.createTBody();
      for (const it of rows) {
        const tr = body.insertRow();
        for (const text of [it.ip, 'Secondary', 'IPv6', it.rdns || 'not known']) tr.insertCell().textContent = text;
        const td = tr.insertCell();
        for (const b of ['Edit rDNS', 'Make main', 'Delete']) { const btn = document.createElement('button'); btn.textContent = b; td.append(btn); }
      }
      document.body.append(table);
      table.getBoundingClientRect();
      const work = performance.now() - t0;
      const frame = (await next()) - t0;
      table.remove();
      return { work, frame, sameWork, sameBuilt, sameFrame, matched: shown.length };
    }, [q, perPage, k.shape]);
    // Both filters must agree on how many rows the page shows, or the builds are not alike.
    if (p.matched !== k.shape.length && !(k.shape.length === perPage && p.matched >= perPage)) {
      throw new Error(`"${q}": the console shows ${k.shape.length} rows, the plain filter found ${p.matched}`);
    }
    keys.push(k.work);
    keyFrames.push(k.frame);
    plain.push(p.work);
    plainFrames.push(p.frame);
    same.push(p.sameWork);
    keyBuild.push(k.build);
    sameBuild.push(p.sameBuilt);
    sameFrames.push(p.sameFrame);
  }
  return {
    keystroke_ms: median(keys), plain_dom_ms: median(plain), keystrokes: keys, plain_all: plain,
    keystroke_frame_ms: median(keyFrames), plain_frame_ms: median(plainFrames), rows_per_page: perPage,
    same_markup_ms: median(same), same_markup_all: same, same_markup_frame_ms: median(sameFrames),
    keystroke_build_ms: median(keyBuild), same_markup_build_ms: median(sameBuild),
    keystroke_layout_ms: median(keys.map((w, i) => w - keyBuild[i])), same_markup_layout_ms: median(same.map((w, i) => w - sameBuild[i])),
  };
}

// Lighthouse 12.2.3 on the first visit (the sign-in on /servers, no session) and on the servers
// and IP screens signed in through a cookie header.
async function lighthouseBench() {
  const lhBin = path.join(__dirname, '..', 'node_modules', '.bin', 'lighthouse');
  if (!fs.existsSync(lhBin)) return { skipped: 'lighthouse is not installed' };
  const dist = path.join(tmp, 'lh-dist');
  fs.cpSync(DIST, dist, { recursive: true });
  const floor = addFloor(dist, fs.readdirSync(dist).find((f) => f.endsWith('.css')), ['20001']);
  const base = await start(BIN, ['serve', '--listen', '127.0.0.1:0', '--dist', dist, '--database', ':memory:', '--upstream', 'sim'],
    { RUST_LOG: 'warn,hostwinds_proxy::cli=info' }, /console and proxy on (http:\/\/[\d.:]+)/);
  const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hostwinds-console': '1' }, body: 'username=admin&password=admin' });
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const headers = path.join(tmp, 'lh-headers.json');
  fs.writeFileSync(headers, JSON.stringify({ Cookie: cookie }));
  const out = {};
  const pages = [['first visit (/servers, no session)', '/servers', false], ['servers', '/servers', true], ['ips', '/servers/20001', true],
    ...(floor ? [['floor (its IP table)', '/floor/20001/', true]] : [])]
    .filter(([name]) => !process.env.LH_ONLY || process.env.LH_ONLY.split(',').some((n) => name.startsWith(n)));
  for (const [name, p, signedIn] of pages) {
    const file = path.join(tmp, `lh-${name.split(' ')[0]}.json`);
    await execFileAsync(lhBin, [`${base}${p}`, '--quiet', '--output=json', `--output-path=${file}`,
      '--only-categories=performance,accessibility,best-practices,seo', ...(signedIn ? [`--extra-headers=${headers}`] : []),
      '--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run'],
    { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, maxBuffer: 64 * 1024 * 1024 });
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    out[name] = Object.fromEntries(Object.entries(r.categories).map(([k, v]) => [k, Math.round(v.score * 100)]));
    // What the performance score is made of (simulated mobile throttling), to know what to work on.
    out[name].metrics = Object.fromEntries(['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'speed-index', 'cumulative-layout-shift']
      .map((a) => [a, r.audits[a] ? { value: r.audits[a].numericValue, score: r.audits[a].score } : null]));
    // Which element the LCP was: what to make paint sooner.
    const lcp = r.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node;
    if (lcp) out[name].lcp_element = lcp.snippet;
    // LH_KEEP=dir keeps each full report (the trace's LCP breakdown, the network requests).
    if (process.env.LH_KEEP) fs.copyFileSync(file, path.join(process.env.LH_KEEP, path.basename(file)));
  }
  return out;
}

// Each split module's files, as index.html's preload script lists them (the split's own map).
function deepLinks(later) {
  const m = /const files = (\{[^\n]*\});/.exec(fs.readFileSync(path.join(DIST, 'index.html'), 'utf8'));
  if (!m) return [];
  return Object.entries(JSON.parse(m[1])).map(([name, files]) =>
    [name, files, later.filter((a) => files.some((f) => a.name.endsWith(`/${f}.wasm`) || a.name === `${f}.wasm`))]);
}

(async () => {
  const report = { date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${os.cpus()[0].model}` };
  report.bundle = JSON.parse(process.env.BUNDLE || '[]');
  report.floor_bundle = JSON.parse(process.env.FLOOR_BUNDLE || '[]');
  // BENCH_ONLY=proxy,load,lighthouse runs some of them (while working on one figure).
  const only = (process.env.BENCH_ONLY || 'proxy,load,lighthouse').split(',');
  try {
    if (only.includes('proxy')) report.proxy = await proxyBench();
    if (only.includes('load')) report.load = await loadBench();
    if (only.includes('lighthouse')) report.lighthouse = await lighthouseBench();
  } finally {
    for (const c of children) c.kill('SIGTERM');
  }
  const f = (x, d = 2) => (x == null ? 'n/a' : Number(x).toFixed(d));
  const kib = (b) => (b / 1024).toFixed(1);
  const first = report.bundle.filter((a) => a.first_load);
  const later = report.bundle.filter((a) => !a.first_load);
  const sum = (k, list = first) => list.reduce((a, b) => a + b[k], 0);
  const p = report.proxy;
  const readsTable = (runs, digits) => ['| path | req/s | p50 ms | p99 ms | non-2xx |', '|---|---|---|---|---|',
    ...[['direct', 'simulator directly'], ['nginx', 'nginx proxy_pass'], ['bare', 'hyper alone, no axum (proxy_floor --hyper)'], ['floor', 'the Rust stack\'s floor (examples/proxy_floor)'], ['proxy', 'hostwinds-proxy']].filter(([k]) => runs[k]).map(([k, name]) =>
      `| ${name} | ${f(runs[k].rps, 0)} | ${f(runs[k].p50, digits)} | ${f(runs[k].p99, digits)} | ${runs[k].non2xx} |`)];
  // What the Rust stack alone adds (the floor), against nginx and against the proxy.
  const floorLine = (r) => (!r.floor ? '' : ` The Rust stack's floor: added p50 ${f(r.floor.p50 - r.direct.p50, 3)} ms, ` +
    `CPU per read ${f(r.floor.cpu_us, 1)} µs (${f(r.floor.cpu_us / r.nginx.cpu_us)}x nginx's; the proxy ${f(r.proxy.cpu_us / r.floor.cpu_us)}x the floor's).` +
    (!r.bare ? '' : ` Without axum (hyper alone): added p50 ${f(r.bare.p50 - r.direct.p50, 3)} ms, CPU per read ${f(r.bare.cpu_us, 1)} µs ` +
      `(${f(r.bare.cpu_us / r.nginx.cpu_us)}x nginx's; the floor ${f(r.floor.cpu_us / r.bare.cpu_us)}x it).`));
  const lines = [
    `# Bench report, ${report.date}`, '', `Machine: ${report.machine}. Command: \`cargo xtask bench\`.`, '',
    '## First-load assets (release build)', '', '| file | raw KiB | gzip KiB | brotli KiB |', '|---|---|---|---|',
    ...first.map((a) => `| ${a.name} | ${kib(a.raw)} | ${kib(a.gzip)} | ${kib(a.brotli)} |`),
    `| **total** | ${kib(sum('raw'))} | ${kib(sum('gzip'))} | ${kib(sum('brotli'))} |`, '',
    ...(!report.floor_bundle.length ? [] : (() => {
      const css = first.find((a) => a.name.endsWith('.css'));
      const fl = report.floor_bundle;
      return ['The framework\'s floor (bench/floor: the smallest Leptos app with leptos_router showing the IP table), built alike:', '',
        '| file | raw KiB | gzip KiB | brotli KiB |', '|---|---|---|---|',
        ...fl.map((a) => `| ${a.name} | ${kib(a.raw)} | ${kib(a.gzip)} | ${kib(a.brotli)} |`),
        `| **total**, with the console's stylesheet | ${kib(sum('raw', fl) + (css ? css.raw : 0))} | ${kib(sum('gzip', fl) + (css ? css.gzip : 0))} | ${kib(sum('brotli', fl) + (css ? css.brotli : 0))} |`, ''];
    })()),
    ...(!later.length ? [] : ['## Loaded with the screens that need them (the split\'s modules)', '',
      '| file | raw KiB | gzip KiB | brotli KiB |', '|---|---|---|---|',
      ...later.map((a) => `| ${a.name} | ${kib(a.raw)} | ${kib(a.gzip)} | ${kib(a.brotli)} |`),
      `| **total** | ${kib(sum('raw', later))} | ${kib(sum('gzip', later))} | ${kib(sum('brotli', later))} |`, '',
      ...deepLinks(later).map(([m, files, list]) => `A page opened on the ${m} module's screens, or the first use of it, fetches ${files.length} more files: ` +
        `${kib(sum('gzip', list))} KiB gzip (${kib(sum('brotli', list))} brotli); with the first load ${kib(sum('gzip') + sum('gzip', list))} KiB gzip ` +
        `(${kib(sum('brotli') + sum('brotli', list))} brotli).`), '']),
    ...(!p ? [] : [
      `## Reads through the proxy (wrk -t2 -c16 -d${SECS}s, get_instance; per-request logging off, as nginx's access log)`, '',
      ...readsTable(p, 2),
      '', `Throughput vs direct: nginx ${f(p.nginx.rps / p.direct.rps)}x, proxy ${f(p.proxy.rps / p.direct.rps)}x. ` +
        `Added p50 latency: nginx ${f(p.nginx.p50 - p.direct.p50, 3)} ms, proxy ${f(p.proxy.p50 - p.direct.p50, 3)} ms ` +
        `(the proxy also checks the session and role, validates, redacts). ` +
        `CPU per read: nginx's worker ${f(p.nginx.cpu_us, 1)} µs, the proxy ${f(p.proxy.cpu_us, 1)} µs.` + floorLine(p), '',
      ...(!p.one_connection ? [] : (() => {
        const o = p.one_connection;
        return [`One connection (wrk -t1 -c1: one operator's reads, nothing queues):`, '',
          ...readsTable(o, 3),
          '', `Added p50 latency: nginx ${f(o.nginx.p50 - o.direct.p50, 3)} ms, proxy ${f(o.proxy.p50 - o.direct.p50, 3)} ms. ` +
            `CPU per read: nginx's worker ${f(o.nginx.cpu_us, 1)} µs, the proxy ${f(o.proxy.cpu_us, 1)} µs.` + floorLine(o), ''];
      })())]),
    ...(!report.load ? [] : [
    `## Navigation to the IP table visible (median of ${report.load.runs}, headless Chromium, loopback)`, '',
    `Console ${f(report.load.console_ms, 1)} ms, static HTML of the same table ${f(report.load.static_ms, 1)} ms: ratio ${f(report.load.console_ms / report.load.static_ms)}x.` +
      (report.load.floor_ms == null ? '' : ` The framework's floor ${f(report.load.floor_ms, 1)} ms: ${f(report.load.floor_ms / report.load.static_ms)}x the static page; the console ${f(report.load.console_ms / report.load.floor_ms)}x the floor.`), '',
    ]),
    ...(!report.lighthouse ? [] : ['## Lighthouse 12.2.3 (performance / accessibility / best practices / SEO)', '',
    ...(report.lighthouse.skipped ? [report.lighthouse.skipped] : Object.entries(report.lighthouse).map(([k, v]) =>
      `- ${k}: ${v.performance} / ${v.accessibility} / ${v['best-practices']} / ${v.seo} (` +
        Object.entries(v.metrics || {}).filter(([, m]) => m).map(([a, m]) => `${a.replace(/-/g, ' ')} ${a.includes('shift') ? f(m.value, 3) : f(m.value, 0) + ' ms'}, score ${f(m.score, 2)}`).join('; ') + ')' +
        (v.lcp_element ? `; LCP element \`${v.lcp_element.replace(/`/g, "'").slice(0, 80)}\`` : ''))), '']),
    ...(!report.load ? [] : ['## A server with 10,000 IPs', '',
    `Navigation to the first rows visible: ${f(report.load.large.navigation_ms, 1)} ms (median of 3). ` +
      `One search keystroke (filter 10,000, show the first ${report.load.large.rows_per_page} of the matches; median of ${report.load.large.keystrokes.length} keystrokes: 5 queries typed ${KEY_ROUNDS} times), to the DOM updated and laid out, in the same page:`, '',
    '| rows shown | console | plain DOM, the console\'s markup | ratio | plain DOM, simpler rows (9 elements) | ratio |', '|---|---|---|---|---|---|',
    ...[report.load.large, report.load.large.at_50, report.load.large.floor].filter((k) => k).map((k) => `| ${k === report.load.large.floor ? 'the framework\'s floor, ' : ''}${k.rows_per_page} | ${f(k.keystroke_ms, 1)} ms (next frame ${f(k.keystroke_frame_ms, 1)}) | ` +
      `${f(k.same_markup_ms, 1)} ms | ${f(k.keystroke_ms / k.same_markup_ms)}x | ${f(k.plain_dom_ms, 1)} ms | ${f(k.keystroke_ms / k.plain_dom_ms)}x |`), '',
    'Where the time goes: building the rows (to the DOM changed), then the layout forced after (medians of each part):', '',
    '| rows shown | console: rows | plain DOM, same markup: rows | ratio | console: layout | plain DOM: layout |', '|---|---|---|---|---|---|',
    ...[report.load.large, report.load.large.at_50, report.load.large.floor].filter((k) => k).map((k) => `| ${k === report.load.large.floor ? 'the framework\'s floor, ' : ''}${k.rows_per_page} | ${f(k.keystroke_build_ms, 1)} ms | ${f(k.same_markup_build_ms, 1)} ms | ` +
      `${f(k.keystroke_build_ms / k.same_markup_build_ms)}x | ${f(k.keystroke_layout_ms, 1)} ms | ${f(k.same_markup_layout_ms, 1)} ms |`), '',
    'The console\'s markup: the plain code builds, with createElement, every element, attribute and text the console put in those rows. ' +
      '"Next frame" includes the wait for the frame (the plain builds start on a frame, so theirs is in report.json only). ' +
      'Every keystroke in report.json (keystrokes, same_markup_all, plain_all): h123 and h1234 fill only part of the page.', '']),
  ];
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'report.json'), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(OUT, 'report.md'), lines.join('\n'));
  console.log(lines.join('\n'));
  fs.rmSync(tmp, { recursive: true, force: true });
})().catch((e) => { for (const c of children) c.kill('SIGTERM'); console.error(e); process.exit(1); });
