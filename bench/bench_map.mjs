// Times the Map page in headless Chromium for bench/bench_map.py:
// navigation to the map drawn (fresh contexts, empty cache; the URL holds a
// point, so /api/locate is part of it) and a click on the map to the map
// drawn again with the new point, each with the CPU time the page's main
// thread spent (Chrome's Performance.getMetrics TaskDuration), as
// bench/bench_dash.mjs does for the Energy page.
// Usage: node bench/bench_map.mjs URL PATH N   (prints one JSON document)
import { launch, navTimes, taskMs } from '../tests/browser/chromium.mjs';

const [base, path, n] = [process.argv[2], process.argv[3], Number(process.argv[4] || 5)];
const browser = await launch();

const nav = await navTimes(browser, `${base}${path}`, 'elhubMap', n);

// Clicks: the five cities in turn, each from the click event to the frame
// after the map was drawn again (body[data-ready=1]).
const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
await cdp.send('Performance.enable');
await page.goto(`${base}${path}`);
await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60000 });
await page.evaluate(() => document.getElementById('map').scrollIntoView({ block: 'start' }));
const cities = [[10.7522, 59.9139], [7.9956, 58.1467], [10.3951, 63.4305], [18.9553, 69.6492], [5.3221, 60.3913]];
const clicks = [];
for (let i = 0; i < 2 * n; i++) {
  const ll = cities[i % cities.length];
  const at = await page.evaluate((p) => {
    const c = window.elhubMap.chart;
    const [x, y] = c.convertToPixel({ geoIndex: 0 }, p);
    const box = c.getDom().getBoundingClientRect();
    window.__t = new Promise((res) => {
      const n0 = window.elhubMap.renders;
      let t0 = null;
      c.getDom().addEventListener('click', (e) => { t0 = e.timeStamp; }, { capture: true, once: true });
      const obs = new MutationObserver(() => {
        if (window.elhubMap.renders > n0 && document.body.dataset.ready === '1') { obs.disconnect(); res(performance.now() - t0); }
      });
      obs.observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
    });
    return { px: box.left + x, py: box.top + y };
  }, ll);
  const before = await taskMs(cdp);
  await page.mouse.click(at.px, at.py);
  const wall = await page.evaluate(() => window.__t);
  clicks.push({ wall, cpu: (await taskMs(cdp)) - before });
}
await browser.close();
console.log(JSON.stringify({ nav, clicks }));
