// Times the dashboard in headless Chromium for bench/bench_dash.py:
// navigation to charts drawn (fresh contexts, empty cache) and interactions
// (from the user's change to the charts drawn again), each with the CPU time
// the page's main thread spent (Chrome's Performance.getMetrics TaskDuration,
// the sum of the main thread's task times: unlike the wall time it does not
// grow when other processes take the cores).
// Usage: node bench/bench_dash.mjs URL N [nav]   (prints one JSON document;
// nav: navigation only, e.g. to compare with an older page)
import { launch, navTimes, taskMs } from '../tests/browser/chromium.mjs';

const [base, n, only] = [process.argv[2], Number(process.argv[3] || 5), process.argv[4]];
const browser = await launch();

const nav = await navTimes(browser, `${base}/`, 'elhub', n);

if (only === 'nav') {
  await browser.close();
  console.log(JSON.stringify({ nav, inter: {} }));
  process.exit(0);
}
// Each interaction is a change made in the page (the event a user's action
// fires), timed from just before it to the frame after the charts were
// drawn (body[data-ready=1], set in requestAnimationFrame after drawing).
const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
await cdp.send('Performance.enable');
await page.goto(`${base}/?ds=production&area=NO1&year=2024&month=6&step=hour`);
await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60000 });
const actions = {
  'month (select)': ['month', ['7', '6']],
  'step day/hour (select)': ['step', ['day', 'hour']],
  'view stacked/lines (select)': ['view', ['stacked', 'lines']],
  'area NO2/NO1 (radio)': ['area', ['NO2', 'NO1']],
  'legend: wind off/on': ['legend', ['Wind', 'Wind']],
  'next/previous month (button)': ['button', ['next', 'prev']],
};
const inter = {};
for (const [name, [kind, values]] of Object.entries(actions)) {
  inter[name] = [];
  for (let i = 0; i < 2 * n; i++) {
    const v = values[i % 2];
    const before = await taskMs(cdp);
    const wall = await page.evaluate(async ([k, x]) => {
      const done = new Promise((res) => {
        const n0 = window.elhub.renders;
        const obs = new MutationObserver(() => {
          if (window.elhub.renders > n0 && document.body.dataset.ready === '1') { obs.disconnect(); res(); }
        });
        obs.observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
      });
      const t0 = performance.now();
      if (k === 'month' || k === 'step' || k === 'view') {
        const el = document.getElementById(k);
        el.value = x;
        el.dispatchEvent(new Event('change'));
      } else if (k === 'area') {
        document.querySelector(`#area-field input[value=${x}]`).click();
      } else if (k === 'legend') {
        window.elhub.charts.line.dispatchAction({ type: 'legendToggleSelect', name: x });
      } else {
        document.getElementById(x).click();
      }
      await done;
      return performance.now() - t0;
    }, [kind, v]);
    inter[name].push({ wall, cpu: (await taskMs(cdp)) - before });
  }
}
await browser.close();
console.log(JSON.stringify({ nav, inter }));
