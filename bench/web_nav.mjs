// Times navigation to charts drawn for bench/bench_web.sh: N fresh browser
// contexts (empty cache) load URL; prints window.elhub.drawnAt (ms since
// navigation start, set in the frame after the charts were drawn) for each.
// A second line gives, for 3 more traced loads, the CPU time the page's main
// thread spent from navigation to the line chart drawn (trace events' thread
// durations): unlike the wall time it does not grow when other processes
// take the cores.
// Usage: node bench/web_nav.mjs URL N
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [url, n] = [process.argv[2], Number(process.argv[3] || 5)];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'] });
const times = [];
for (let i = 0; i < n; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.elhub && window.elhub.drawnAt != null, null, { timeout: 60000 });
  times.push(await page.evaluate(() => window.elhub.drawnAt));
  await ctx.close();
}
const cpu = [];
const dir = mkdtempSync(join(tmpdir(), 'elhub-nav-'));
for (let i = 0; i < 3; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await ctx.newPage();
  const path = join(dir, 'trace.json');
  await browser.startTracing(page, { path, categories: ['toplevel', 'blink.user_timing'] });
  await page.goto(url);
  await page.waitForFunction(() => window.elhub && window.elhub.drawnAt != null, null, { timeout: 60000 });
  await browser.stopTracing();
  const ev = JSON.parse(readFileSync(path)).traceEvents;
  const start = ev.find((e) => e.name === 'elhub:script');
  const end = ev.filter((e) => e.name === 'elhub:line').pop();
  const t0 = Math.min(...ev.filter((e) => e.name === 'navigationStart').map((e) => e.ts));
  if (start && end) {
    cpu.push(ev.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X'
      && e.name === 'ThreadControllerImpl::RunTask' && e.ts >= t0 && e.ts <= end.ts)
      .reduce((a, e) => a + (e.tdur || 0), 0) / 1000);
  }
  await ctx.close();
}
rmSync(dir, { recursive: true, force: true });
await browser.close();
console.log(times.map((t) => t.toFixed(1)).join(' '));
console.log(cpu.map((t) => t.toFixed(1)).join(' '));
