// Times interactions with the dashboard for bench/web_bench.py: one page
// loads URL, then each interaction (another area, another step, another
// view, another month) is done N times, alternating between two values.
// An interaction is timed from just before the input changes to the frame
// after the render it started has finished (window.elhub.renders grows and
// body[data-ready] is 1 again). Beside each wall time, the page's main
// thread task time over the same span (Chromium's own Performance.getMetrics
// TaskDuration), which does not grow when other processes take the cores.
// Prints one line per interaction: NAME<TAB>wall ms ...<TAB>task ms ...
// Usage: node bench/web_interact.mjs URL N
import { createRequire } from 'node:module';
const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [url, n] = [process.argv[2], Number(process.argv[3] || 5)];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'] });
const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
await cdp.send('Performance.enable');
const taskMs = async () => (await cdp.send('Performance.getMetrics')).metrics
  .find((m) => m.name === 'TaskDuration').value * 1000;

const ready = (before) => page.waitForFunction((k) => window.elhub && window.elhub.renders > k
  && document.body.dataset.ready === '1', before, { timeout: 60000 });
await page.goto(url);
await ready(0);

// Each interaction: a name and two actions that undo each other.
const select = (id, a, b) => [() => page.selectOption(`#${id}`, a), () => page.selectOption(`#${id}`, b)];
const area = (a) => () => page.click(`#area-field label:has(input[value=${a}])`);
const interactions = [
  ['area NO1 <-> NO5', [area('NO5'), area('NO1')]],
  ['step hour <-> day', select('step', 'day', 'hour')],
  ['view lines <-> stacked', select('view', 'stacked', 'lines')],
  ['month 10 <-> 9', select('month', '9', '10')],
];
for (const [name, acts] of interactions) {
  const wall = [];
  const task = [];
  for (let i = 0; i < n; i++) {
    const before = await page.evaluate(() => window.elhub.renders);
    const t0 = await taskMs();
    const start = await page.evaluate(() => performance.now());
    await acts[i % 2]();
    await ready(before);
    const end = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now()))));
    wall.push(end - start);
    task.push((await taskMs()) - t0);
  }
  console.log(`${name}\t${wall.map((t) => t.toFixed(1)).join(' ')}\t${task.map((t) => t.toFixed(1)).join(' ')}`);
}
await browser.close();
