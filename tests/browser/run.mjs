// Browser tests of the dashboard: Debian's Chromium (/usr/bin/chromium)
// driven by playwright-core against a running `elhub serve` over real data.
// Run by tests/integration/test_browser.py, which starts the servers:
//   node tests/browser/run.mjs --url URL --empty-url URL --out DIR
// Prints one line per check and "browser: N ok, N not ok"; exits 1 on any
// failure. Saves a screenshot of each view in DIR.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const base = args.url;
const out = args.out || 'build/test-output/browser';
mkdirSync(out, { recursive: true });

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
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function eq(a, b, what) {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  if (x !== y) throw new Error(`${what}: ${x} != ${y}`);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const problems = [];
async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...opts });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return page;
}

// Waits for the render started by action() to finish; a navigation starts
// a new page, whose first render is awaited.
async function settled(page, action, nav) {
  const before = nav ? 0 : await page.evaluate(() => (window.elhub && window.elhub.renders) || 0);
  if (action) await action();
  await page.waitForFunction((n) => window.elhub && window.elhub.renders > n
    && document.body.dataset.ready === '1', before, { timeout: 30000 });
}

// The groups the line chart shows: its series selected in the legend
// (the legend and the pills are one filter).
const lineIds = (page) => page.evaluate(() => {
  const o = window.elhub.charts.line.getOption();
  const sel = o.legend[0].selected || {};
  return o.series.filter((s) => s.id !== '__missing' && sel[s.name] !== false).map((s) => s.id);
});
const shot = (page, name) => page.screenshot({ path: join(out, `${name}.png`), fullPage: true });

const page = await newPage();

await check('page loads with the seed layout and no errors', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  eq(await page.textContent('#pie-title'), 'Total production by group', 'left title');
  eq(await page.textContent('#line-title'), 'Hourly production', 'right title');
  eq(await page.locator('#area-field input').count(), 6, 'area radios (five areas and Norway)');
  assert(await page.isChecked('#area-field input[value=NO1]'), 'NO1 checked');
  await shot(page, '01-overview-NO1-january');
});

await check('choosing NO2 draws a pie equal to /api/totals', async () => {
  await settled(page, () => page.click('#area-field label:has(input[value=NO2])'));
  assert(page.url().includes('area=NO2'), `url ${page.url()}`);
  const pie = await page.evaluate(() => window.elhub.charts.pie.getOption().series[0].data
    .map((d) => [d.id, d.value]));
  const api = await page.evaluate(async () => (await (await fetch(
    '/api/totals?dataset=production&area=NO2&from=2021-01-01&to=2021-12-31')).json()).totals);
  const want = Object.entries(api).filter(([, v]) => v > 0);
  assert(want.length > 0, 'NO2 has totals');
  eq(pie, want, 'pie slices vs /api/totals');
  await shot(page, '02-pie-NO2');
});

await check('deselecting a pill removes its series', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1&groups=hydro,wind`), true);
  eq(await lineIds(page), ['hydro', 'wind'], 'series before');
  await settled(page, () => page.click('#pills button[data-group=hydro]'));
  eq(await lineIds(page), ['wind'], 'series after deselecting hydro');
  eq(await page.getAttribute('#pills button[data-group=hydro]', 'aria-pressed'), 'false', 'hydro pill state');
  assert(page.url().includes('groups=wind') && !page.url().includes('hydro'), `url ${page.url()}`);
  await settled(page, () => page.click('#pills button[data-group=wind]'));
  eq(await lineIds(page), ['hydro', 'wind', 'solar', 'thermal', 'other'], 'empty selection shows all (in /api/meta group_order)');
  await shot(page, '03-pills-all-groups');
});

await check('changing the month redraws that month, DST included', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1&groups=hydro`), true);
  await settled(page, () => page.selectOption('#month', '10'));
  assert(page.url().includes('month=10'), `url ${page.url()}`);
  const pts = await page.evaluate(() => window.elhub.charts.line.getOption().series[0].data
    .filter((p) => p.iso).map((p) => p.iso));
  eq(pts.length, 745, 'hours in October 2021');
  eq(pts[0], '2021-10-01T00:00:00+02:00', 'first hour');
  eq(pts[pts.length - 1], '2021-10-31T23:00:00+01:00', 'last hour');
  await shot(page, '04-month-october');
});

await check('the data-source expander shows the live record count', async () => {
  await page.click('#source summary');
  await page.waitForFunction(() => /records/.test(document.getElementById('src-records').textContent));
  const text = await page.textContent('#src-records');
  const meta = await page.evaluate(async () => (await (await fetch('/api/meta')).json()));
  const prod = meta.datasets.find((d) => d.name === 'production').records;
  const shown = Number(text.split(' ')[0].replace(/,/g, ''));
  eq(shown, prod, 'record count');
  const body = await page.textContent('#source');
  assert(body.includes('CC BY 4.0') && body.includes('Elhub'), 'attribution');
  assert(body.includes('PRODUCTION_PER_GROUP_MBA_HOUR'), 'dataset name');
  await shot(page, '05-data-source');
});

await check('a shared URL restores the state, and back/forward work', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  await settled(page, () => page.click('#area-field label:has(input[value=NO5])'));
  await settled(page, () => page.selectOption('#month', '3'));
  await settled(page, () => page.selectOption('#step', 'day'));
  await settled(page, () => page.selectOption('#view', 'stacked'));
  const url = page.url();
  const other = await newPage();
  await settled(other, () => other.goto(url), true);
  assert(await other.isChecked('#area-field input[value=NO5]'), 'NO5 restored');
  eq(await other.inputValue('#month'), '3', 'month restored');
  eq(await other.inputValue('#step'), 'day', 'step restored');
  eq(await other.inputValue('#view'), 'stacked', 'view restored');
  const pts = await other.evaluate(() => window.elhub.charts.line.getOption().series[0].data.filter((p) => p.iso).length);
  eq(pts, 31, 'daily points in March');
  await other.context().close();
  await settled(page, () => page.goBack());
  eq(await page.inputValue('#step'), 'day', 'back: step');
  eq(await page.inputValue('#view'), 'lines', 'back: view');
  await settled(page, () => page.goForward());
  eq(await page.inputValue('#view'), 'stacked', 'forward: view');
  await shot(page, '06-stacked-daily-NO5');
});

await check('share-of-total view sums to 100% per bucket', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO4&year=2021&month=1&step=day&view=share`), true);
  const sums = await page.evaluate(() => {
    const ss = window.elhub.charts.line.getOption().series;
    const acc = new Map();
    for (const s of ss) for (const p of s.data) if (p.iso) acc.set(p.iso, (acc.get(p.iso) || 0) + p.value[1]);
    return [...acc.values()];
  });
  eq(sums.length, 31, 'days');
  assert(sums.every((v) => Math.abs(v - 100) < 1e-9), `sums ${sums.slice(0, 3)}`);
  await shot(page, '07-share-NO4');
});

await check('small multiples draw NO1-NO5 on one scale', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1&step=day`), true);
  await settled(page, () => page.check('#compare'));
  assert(page.url().includes('compare=1'), 'url');
  const n = await page.evaluate(() => window.elhub.charts.multiples.length);
  eq(n, 5, 'multiples');
  const maxes = await page.evaluate(() => window.elhub.charts.multiples.map((c) => c.getOption().yAxis[0].max));
  assert(maxes.every((m) => m === maxes[0] && m > 0), `shared max ${maxes}`);
  await shot(page, '08-compare-areas');
});

await check('missing hours are listed under the chart', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=2`), true);
  const text = await page.textContent('#quality');
  assert(/No data at all: .*Other/.test(text), `quality note: ${text}`);
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  const full = await page.textContent('#quality');
  assert(full.includes('No missing hours: 744 of 744'), `quality note: ${full}`);
});

await check('dark mode toggles and sticks in the URL', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  const before = await page.getAttribute('html', 'data-theme');
  await settled(page, () => page.click('#theme'));
  const after = await page.getAttribute('html', 'data-theme');
  assert(before !== after, `theme ${before} -> ${after}`);
  eq(after, 'dark', 'dark after toggle from light OS');
  eq(await page.getAttribute('#theme', 'aria-pressed'), 'true', 'toggle state');
  assert(page.url().includes('theme=dark'), 'url');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  eq(bg, 'rgb(18, 21, 27)', 'dark background');
  await shot(page, '09-dark');
  await settled(page, () => page.click('#theme'));
  eq(await page.getAttribute('html', 'data-theme'), 'light', 'back to light');
});

await check('dark OS preference is followed without a toggle', async () => {
  const p = await newPage({ colorScheme: 'dark' });
  await settled(p, () => p.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  eq(await p.getAttribute('html', 'data-theme'), 'dark', 'theme from OS');
  await p.context().close();
});

await check('the dataset switch shows consumption', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  await settled(page, () => page.click('#dataset-field label:has(input[value=consumption])'));
  eq(await page.textContent('#pie-title'), 'Total consumption by group', 'title');
  const ids = await lineIds(page);
  assert(ids.includes('household'), `consumption groups ${ids}`);
  await shot(page, '10-consumption');
});

await check('CSV link downloads exactly the chart series', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1&groups=hydro,wind&step=day`), true);
  const href = await page.getAttribute('#line-csv', 'href');
  const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
  const lines = csv.trim().split('\r\n');
  eq(lines[0], 'start,end,hydro_kwh,wind_kwh', 'header');
  eq(lines.length - 1, 31, 'rows');
  const chart = await page.evaluate(() => {
    const o = window.elhub.charts.line.getOption();
    const sel = o.legend[0].selected || {};
    return o.series.filter((s) => s.id !== '__missing' && sel[s.name] !== false)
      .map((s) => s.data.filter((p) => p.iso).map((p) => p.kwh));
  });
  const fromCsv = [lines.slice(1).map((l) => Number(l.split(',')[2])), lines.slice(1).map((l) => Number(l.split(',')[3]))];
  eq(fromCsv, chart, 'csv values vs chart values');
});

await check('keyboard: arrow keys move the price-area radio', async () => {
  await settled(page, () => page.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  await page.focus('#area-field input[value=NO1]');
  await settled(page, () => page.keyboard.press('ArrowRight'));
  assert(await page.isChecked('#area-field input[value=NO2]'), 'NO2 after ArrowRight');
  const labelled = await page.evaluate(() => [...document.querySelectorAll('select, input')]
    .every((el) => el.closest('label') || el.labels.length || el.getAttribute('aria-label')));
  assert(labelled, 'every control has a label');
});

await check('phone width: one column, no horizontal scroll', async () => {
  const p = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await settled(p, () => p.goto(`${base}/?ds=production&area=NO1&year=2021&month=1`), true);
  const [sw, cw] = await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert(sw <= cw, `scrollWidth ${sw} > clientWidth ${cw}`);
  await p.screenshot({ path: join(out, '11-phone.png'), fullPage: true });
  await p.context().close();
});

await check('desktop: no horizontal scroll', async () => {
  const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert(sw <= cw, `scrollWidth ${sw} > clientWidth ${cw}`);
});

if (args['empty-url']) {
  await check('an empty store names the command that fills it', async () => {
    const p = await newPage();
    await p.goto(`${args['empty-url']}/`);
    await p.waitForSelector('#empty:not([hidden])', { timeout: 30000 });
    const text = await p.textContent('#empty');
    assert(text.includes('elhub import data/elhub/*.gz') && text.includes('elhub fetch'), text);
    await p.screenshot({ path: join(out, '12-empty-store.png'), fullPage: true });
    await p.context().close();
  });
}

await check('no console errors or CSP violations', async () => {
  eq(problems, [], 'problems');
});

await browser.close();
console.log(`browser: ${ok} ok, ${bad} not ok (screenshots in ${out})`);
process.exit(bad ? 1 : 0);
