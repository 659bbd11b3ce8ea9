// Reads what the analysis pages (Decomposition, Quality, Weather × energy)
// and the Forecast page drew, for tests/integration/test_browser_analysis.py
// and test_browser_forecast.py, which compare it with the API's own body and
// their own computations: this script only opens pages, acts and reports.
//   node tests/browser/analysis.mjs SPEC.json   (prints one JSON document)
// SPEC: {"base": URL, "out": DIR, "cases": [{"name", "path", "hook"
//        (window name: elhubDecomposition|elhubQuality|elhubCorrelation),
//        "fill": [[selector, value]...] (then a change event), "click":
//        [selector...], "reload": true (reload after the actions), "hold":
//        a URL glob (e.g. "**/api/analysis/stl?**") whose requests are held
//        until the spinner is visible, "text": [selector...], "brush":
//        [chart id, from ms, to ms] (a mouse drag across that chart between
//        the pixels of those times, before the other actions), "tables":
//        [selector...], "inputs": [selector...]}]}
// Per case it saves DIR/<name>.png and reports:
//   url, api (the analysis URL the page asked for), shown_error (the page's
//   shown error {status, message}), text{selector} (visible text or null),
//   spinner {seen_while_held, hidden_after} for a held case, tables{selector}
//   (each body row's cell texts), inputs{selector} (the values of the
//   inputs inside: [value, checked]),
//   charts{id}: per chart its series {id, type, count (data items),
//     points (a line's drawn points, a scatter's drawn symbols, turned back
//     into data coordinates by the chart's convertFromPixel; null for a
//     gap), cells (a heatmap's drawn rectangles: the category indices
//     [i, j] under each one's centre, and its colour), values (a heatmap's
//     data values)}, and a visualMap's [min, max]
import { mkdirSync, readFileSync } from 'node:fs';
import { eachCase, launch, newPage, visibleTexts } from './chromium.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(spec.out, { recursive: true });
const browser = await launch();
const problems = [];
// A time zone that is not Oslo's, so the page cannot lean on the browser's.
const page = await newPage(browser, { timezoneId: 'America/New_York' }, problems);
const wait = (hook, before) => page.waitForFunction(([h, n]) => window[h] && window[h].renders > n
  && document.body.dataset.ready === '1', [hook, before], { timeout: 300000 });
const renders = (hook) => page.evaluate((h) => (window[h] && window[h].renders) || 0, hook);

function report(hook) {
  const h = window[hook];
  const out = { api: h.url, shown_error: h.error, charts: {} };
  for (const [id, c] of Object.entries(h.charts)) {
    if (!c || c.isDisposed()) continue;
    const m = c.getModel();
    const ch = { series: [] };
    const vm = m.getComponent('visualMap', 0);
    if (vm) ch.visualmap = vm.getExtent();
    const opt = c.getOption();
    ch.categories = { x: (opt.xAxis || []).map((a) => a.data || null), y: (opt.yAxis || []).map((a) => a.data || null) };
    m.eachSeries((s) => {
      const d = s.getData();
      const row = { id: s.id, type: s.subType, count: d.count() };
      // What one pixel is worth on the series' axes (the tolerance of a
      // point turned back from pixels).
      const cs = s.coordinateSystem;
      if (cs && cs.getAxis && s.subType !== 'heatmap') {
        const g = cs.master ? cs.master.getRect() : cs.getArea();
        const xe = cs.getAxis('x').scale.getExtent();
        const ye = cs.getAxis('y').scale.getExtent();
        row.px = [(xe[1] - xe[0]) / g.width, (ye[1] - ye[0]) / g.height];
      }
      const back = (px) => c.convertFromPixel({ seriesIndex: s.seriesIndex }, px);
      if (s.subType === 'line') {
        const pts = d.getLayout('points');
        row.points = [];
        if (pts) {
          for (let i = 0; i < pts.length; i += 2) {
            row.points.push(Number.isNaN(pts[i]) || Number.isNaN(pts[i + 1]) ? null : back([pts[i], pts[i + 1]]));
          }
        }
      } else if (s.subType === 'scatter') {
        row.points = [];
        for (let i = 0; i < d.count(); i++) {
          const l = d.getItemLayout(i);
          const el = d.getItemGraphicEl(i);
          row.points.push(l && el ? back(l) : null);
        }
      } else if (s.subType === 'heatmap') {
        row.cells = [];
        row.values = [];
        for (let i = 0; i < d.count(); i++) {
          const el = d.getItemGraphicEl(i);
          if (!el) continue;
          const sh = el.shape;
          row.cells.push(back([sh.x + sh.width / 2, sh.y + sh.height / 2]));
          row.values.push(d.get(d.mapDimension('value') || 'value', i));
        }
      }
      ch.series.push(row);
    });
    out.charts[id] = ch;
  }
  return out;
}

const results = await eachCase(page, spec, async (k, r) => {
  const hook = k.hook;
  if (k.hold) {
    // Hold the matching requests until the spinner shows: deterministic,
    // whatever the server's speed.
    let release;
    const gate = new Promise((res) => { release = res; });
    let held = 0;
    await page.route(k.hold, async (route) => { held++; await gate; await route.continue(); });
    await page.goto(spec.base + k.path);
    await page.waitForSelector('#spinner', { state: 'visible', timeout: 60000 });
    r.spinner = { seen_while_held: held > 0 };
    release();
    await wait(hook, 0);
    r.spinner.hidden_after = await page.evaluate(() => document.getElementById('spinner').hidden);
    await page.unroute(k.hold);
  } else {
    await page.goto(spec.base + k.path);
    await wait(hook, 0);
  }
  if (k.brush) {
    const [id, a, b] = k.brush;
    const at = await page.evaluate(([h, c, t0, t1]) => {
      const ch = window[h].charts[c];
      const box = ch.getDom().getBoundingClientRect();
      const y = ch.convertToPixel({ seriesIndex: 0 }, [t0, 0])[1];
      const mid = box.top + Math.min(Math.max(y, 40), box.height - 50);
      return [box.left + ch.convertToPixel({ xAxisIndex: 0 }, t0), box.left + ch.convertToPixel({ xAxisIndex: 0 }, t1), mid];
    }, [hook, id, a, b]);
    const n = await renders(hook);
    await page.mouse.move(at[0], at[2]);
    await page.mouse.down();
    await page.mouse.move((at[0] + at[1]) / 2, at[2], { steps: 4 });
    await page.mouse.move(at[1], at[2], { steps: 4 });
    await page.mouse.up();
    await wait(hook, n);
  }
  for (const [sel, v] of k.fill || []) {
    const n = await renders(hook);
    await page.fill(sel, String(v));
    await page.dispatchEvent(sel, 'change');
    await wait(hook, n);
  }
  for (const sel of k.click || []) {
    const n = await renders(hook);
    await page.click(sel);
    await wait(hook, n);
  }
  if (k.reload) {
    r.before_reload = { url: page.url(), ...(await page.evaluate(report, hook)) };
    await page.reload();
    await wait(hook, 0);
  }
  Object.assign(r, await page.evaluate(report, hook));
  r.url = page.url();
  r.options = {};
  for (const sel of k.options || []) {
    r.options[sel] = await page.evaluate((q) => [...document.querySelectorAll(`${q} option`)].map((o) => o.value), sel);
  }
  r.text = await visibleTexts(page, k.text);
  r.tables = {};
  for (const sel of k.tables || []) {
    r.tables[sel] = await page.evaluate((q) => [...document.querySelectorAll(`${q} tbody tr`)]
      .map((tr) => [...tr.children].map((c) => c.textContent)), sel);
  }
  r.inputs = {};
  for (const sel of k.inputs || []) {
    r.inputs[sel] = await page.evaluate((q) => [...document.querySelectorAll(`${q} input`)].map((i) => [i.value, i.checked]), sel);
  }
});
await browser.close();
// The API's refusals are what some cases are about: the browser logs each
// as a failed resource load, which is not a problem of the page.
const real = problems.filter((p) => !/Failed to load resource: the server responded with a status of (400|422)/.test(p));
console.log(JSON.stringify({ results, problems: real }));
