// Times navigation to charts drawn for bench/bench_web.sh: N fresh browser
// contexts (empty cache) load URL; prints window.elhub.drawnAt (ms since
// navigation start, set in the frame after the charts were drawn) for each.
// Usage: node bench/web_nav.mjs URL N
import { createRequire } from 'node:module';
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
await browser.close();
console.log(times.map((t) => t.toFixed(1)).join(' '));
