// Tooltips show group names as text, never as markup (issue 11, item 7).
// The store cannot hold such a name (record_check refuses it, and the
// server refuses to read one written behind its back), so the answers of
// the real server are rewritten on their way to the page: every "hydro"
// and its label "Hydro" become an <img> tag. Then the pie's and the line chart's tooltips are
// opened through ECharts' own showTip action.
//   node tests/browser/escape.mjs --url URL --out DIR
// Prints one line per check and "browser: N ok, N not ok"; exits 1 on any
// failure.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const out = args.out || 'build/test-output/browser';
mkdirSync(out, { recursive: true });
const MARKUP = '<img src=x id=pwn onerror="window.pwned=1">';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await ctx.newPage();
await page.route('**/api/**', async (route) => {
  // What the page asks for under the markup name goes to the server as hydro.
  const url = new URL(route.request().url());
  for (const [k, v] of [...url.searchParams]) url.searchParams.set(k, v.replaceAll(MARKUP, 'hydro'));
  const res = await route.fetch({ url: url.toString() });
  const body = (await res.text()).replaceAll('"hydro"', JSON.stringify(MARKUP))
    .replaceAll('"Hydro"', JSON.stringify(MARKUP));
  await route.fulfill({ response: res, body });
});

let ok = 0;
let bad = 0;
async function check(name, fn) {
  try {
    await fn();
    ok++;
    console.log(`ok - ${name}`);
  } catch (e) {
    bad++;
    console.log(`not ok - ${name}: ${e.message.split('\n').slice(0, 6).join(' | ')}`);
  }
}

// Opens the tooltip of point i of series s of chart key, returns its text
// and whether any element of the page came from the markup.
async function tooltip(key, s, i) {
  return page.evaluate(async ([k, si, di]) => {
    const c = window.elhub.charts[k];
    c.dispatchAction({ type: 'showTip', seriesIndex: si, dataIndex: di });
    await new Promise((r) => setTimeout(r, 50));
    // ECharts' HTML tooltip: an absolutely placed div of a huge z-index.
    const tips = [...document.querySelectorAll('div')].filter((d) => Number(d.style.zIndex) > 9e6
      && d.style.display !== 'none');
    return {
      text: tips.map((d) => d.textContent).join(' | '),
      injected: !!document.querySelector('#pwn') || !!window.pwned,
    };
  }, [key, s, i]);
}

await page.goto(`${args.url}/?ds=production&area=NO1&year=2021&month=1`);
await page.waitForFunction(() => window.elhub && window.elhub.renders > 0
  && document.body.dataset.ready === '1', null, { timeout: 30000 });

await check('the rewritten name reached the page', async () => {
  const names = await page.evaluate(() => window.elhub.charts.pie.getOption().series[0].data
    .map((d) => d.name));
  if (!names.includes(MARKUP)) throw new Error(`pie names ${JSON.stringify(names)}`);
});

await check('the pie tooltip shows the name as text', async () => {
  const i = await page.evaluate((m) => window.elhub.charts.pie.getOption().series[0].data
    .findIndex((d) => d.name === m), MARKUP);
  const t = await tooltip('pie', 0, i);
  if (t.injected) throw new Error('an element of the markup was created');
  if (!t.text.includes(MARKUP)) throw new Error(`tooltip text ${JSON.stringify(t.text)}`);
});

await check('the line tooltip shows the name as text', async () => {
  const si = await page.evaluate((m) => window.elhub.charts.line.getOption().series
    .findIndex((s) => s.name === m), MARKUP);
  if (si < 0) throw new Error('no line series carries the name');
  const t = await tooltip('line', si, 12);
  if (t.injected) throw new Error('an element of the markup was created');
  if (!t.text.includes(MARKUP)) throw new Error(`tooltip text ${JSON.stringify(t.text)}`);
});

await page.screenshot({ path: join(out, 'escape-tooltip.png'), fullPage: true });
await browser.close();
console.log(`browser: ${ok} ok, ${bad} not ok`);
process.exit(bad ? 1 : 0);
