// What the browser scripts share (tests/browser/*.mjs, bench/*.mjs):
// Debian's Chromium (/usr/bin/chromium) launched by playwright-core, never a
// downloaded browser; a page whose errors are collected; the wait for a
// page's render; the page main thread's CPU time for the benches.
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'] });
}

// A page in a new context of browser (opts: Playwright's context options,
// 1400x1000 unless they say otherwise); its page errors and console errors
// are pushed onto problems.
export async function newPage(browser, opts, problems) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...opts });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return page;
}

// Waits for the render action() starts on a page that counts its renders in
// window[hook].renders and sets body[data-ready=1] when drawn; nav: action
// navigates, and the new page's first render is awaited.
export async function settled(page, hook, action, nav) {
  const before = nav ? 0 : await page.evaluate((h) => (window[h] && window[h].renders) || 0, hook);
  await action();
  await page.waitForFunction(([h, n]) => window[h] && window[h].renders > n
    && document.body.dataset.ready === '1', [hook, before], { timeout: 30000 });
}

// The CPU time (ms) the page's main thread has spent: Chrome's
// Performance.getMetrics TaskDuration (cdp: a session with Performance
// enabled). Unlike wall time it does not grow when other processes take
// the cores.
export async function taskMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return 1000 * metrics.find((m) => m.name === 'TaskDuration').value;
}

// The text of each element selectors name ({selector: text}; null for one
// missing or hidden).
export async function visibleTexts(page, selectors) {
  const out = {};
  for (const sel of selectors || []) {
    out[sel] = await page.evaluate((q) => {
      const e = document.querySelector(q);
      return e && e.offsetParent !== null ? e.textContent : null;
    }, sel);
  }
  return out;
}

// Runs body(k, r) on page for each case k of spec.cases, r = {name} being
// the case's report; then saves spec.out/<name>.png, or on an error records
// it in r.error and saves <name>-error.png. Returns the reports in order.
export async function eachCase(page, spec, body) {
  const results = [];
  for (const k of spec.cases) {
    const r = { name: k.name };
    try {
      await body(k, r);
      await page.screenshot({ path: join(spec.out, `${k.name}.png`), fullPage: true });
    } catch (e) {
      r.error = String(e && e.message ? e.message : e).split('\n').slice(0, 4).join(' | ');
      await page.screenshot({ path: join(spec.out, `${k.name}-error.png`), fullPage: true }).catch(() => {});
    }
    results.push(r);
  }
  return results;
}

// Navigation timing for the benches: n loads of url, each in a fresh
// context (empty cache), until window[hook].drawnAt is set; per load
// {wall: drawnAt (ms after navigation start), cpu: main-thread CPU ms}.
export async function navTimes(browser, url, hook, n) {
  const nav = [];
  for (let i = 0; i < n; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await page.waitForFunction((h) => window[h] && window[h].drawnAt != null, hook, { timeout: 60000 });
    nav.push({ wall: await page.evaluate((h) => window[h].drawnAt, hook), cpu: await taskMs(cdp) });
    await ctx.close();
  }
  return nav;
}
