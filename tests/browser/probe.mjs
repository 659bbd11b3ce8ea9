// Reads what the dashboard's charts drew, for tests/integration/test_browser.py,
// which compares it with its own computation (from /api/series or the
// bundled CSV, in Python): this script only opens pages, acts and reports.
//   node tests/browser/probe.mjs SPEC.json   (prints one JSON document)
// SPEC: {"base": URL, "out": DIR, "cases": [{"name", "path", "tips": [ms...],
//        "legend": [names to toggle], "chart": "line"|"pie"}]}
// Per case it saves DIR/<name>.png and reports, for the line chart, from the
// chart library's own model after drawing:
//   x_extent, y_extent  the axes' drawn ranges (data units: ms, kWh or %)
//   grid                the plot rectangle in pixels
//   series[]            id, name, shown (legend), points: every drawn point's
//                       pixel position turned back into data coordinates
//                       with convertFromPixel (null for a break), symbol
//                       drawn per point (its shape name, or null)
//   bands[]             the missing-hour bands drawn: [x0, x1] in ms and name
//   tips[]              the tooltip's text with the pointer at each given ms
//   axis_labels         the x-axis labels drawn (text and x in ms)
//   url, pills          the page URL and the pressed pills after the case
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eachCase, launch, newPage, settled as settledOn } from './chromium.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(spec.out, { recursive: true });
const browser = await launch();
const problems = [];
const page = await newPage(browser, { timezoneId: spec.timezone || 'America/New_York' }, problems);

// Waits for the render an action starts (a navigation: the new page's first).
const settled = (action, nav) => settledOn(page, 'elhub', action, nav);

function drawn(which) {
  const c = window.elhub.charts[which];
  const m = c.getModel();
  const out = { series: [], bands: [], axis_labels: [] };
  if (which === 'pie') {
    const s = m.getSeriesByIndex(0);
    const d = s.getData();
    for (let i = 0; i < d.count(); i++) {
      const lay = d.getItemLayout(i);
      const el = d.getItemGraphicEl(i);
      const label = el && el.getTextContent && el.getTextContent();
      out.series.push({ id: d.getId(i), value: d.get('value', i),
        angle: lay.endAngle - lay.startAngle, opacity: el ? el.style.opacity : null,
        label: label ? label.style.text : null });
    }
    return out;
  }
  const xa = m.getComponent('xAxis', 0).axis;
  const ya = m.getComponent('yAxis', 0).axis;
  out.x_extent = xa.scale.getExtent();
  out.y_extent = ya.scale.getExtent();
  const g = m.getComponent('grid', 0).coordinateSystem.getRect();
  out.grid = { x: g.x, y: g.y, width: g.width, height: g.height };
  const legend = m.getComponent('legend', 0);
  m.eachSeries((s) => {
    const d = s.getData();
    const pts = d.getLayout('points');
    const row = { id: s.id, name: s.name, shown: legend ? legend.isSelected(s.name) : true, points: [], symbols: [] };
    if (pts) {
      for (let i = 0; i < pts.length; i += 2) {
        const px = pts[i];
        const py = pts[i + 1];
        row.points.push(Number.isNaN(px) || Number.isNaN(py) ? null
          : c.convertFromPixel({ gridIndex: 0 }, [px, py]));
      }
      for (let i = 0; i < d.count(); i++) {
        const el = d.getItemGraphicEl(i);
        row.symbols.push(el && el.getSymbolType ? el.getSymbolType() : null);
      }
    }
    if (s.subType === 'line' && m.getSeriesByIndex && !pts && d.count() === 0) row.points = [];
    out.series.push(row);
  });
  // The bands: every markArea component's laid-out rectangles (pixels).
  // (A series keeps its markArea model in a private slot of ECharts'
  // makeInner, a key starting with "__ec_inner".)
  const areas = [];
  m.eachSeries((s) => {
    for (const k of Object.keys(s)) if (k.startsWith('__ec_inner') && s[k] && s[k].markArea) areas.push(s[k].markArea);
  });
  areas.forEach((ma) => {
    const md = ma.getData && ma.getData();
    if (!md) return;
    for (let i = 0; i < md.count(); i++) {
      // The polygon drawn for the band (its shape's points, in pixels).
      const el = md.getItemGraphicEl(i);
      if (!el || !el.shape || !el.shape.points || el.invisible) continue;
      const xs = el.shape.points.map((p) => p[0]);
      const x0 = c.convertFromPixel({ gridIndex: 0 }, [Math.min(...xs), g.y])[0];
      const x1 = c.convertFromPixel({ gridIndex: 0 }, [Math.max(...xs), g.y])[0];
      out.bands.push({ x0, x1, name: md.getName(i) });
    }
  });
  // The x-axis labels as drawn: the text elements below the plot area
  // (zrender's display list, after overlap hiding).
  for (const el of c.getZr().storage.getDisplayList()) {
    if ((el.type !== 'text' && el.type !== 'tspan') || el.ignore || el.invisible || !el.style || !el.style.text) continue;
    const r = el.getBoundingRect().clone();
    r.applyTransform(el.getComputedTransform());
    if (r.y >= g.y + g.height && r.y < g.y + g.height + 24) {
      out.axis_labels.push({ text: el.style.text, x: c.convertFromPixel({ gridIndex: 0 }, [r.x + r.width / 2, g.y])[0] });
    }
  }
  return out;
}

function tipAt(ms) {
  const c = window.elhub.charts.line;
  const [px] = c.convertToPixel({ gridIndex: 0 }, [ms, 0]);
  const g = c.getModel().getComponent('grid', 0).coordinateSystem.getRect();
  c.dispatchAction({ type: 'showTip', x: px, y: g.y + g.height / 2 });
  // The page's tooltip (class chart-tip), else ECharts' own tooltip box.
  const tip = c.getDom().querySelector('.chart-tip') || c.getDom().querySelector('div[style*="z-index: 9999999"]');
  return tip ? tip.innerText : null;
}

const results = await eachCase(page, spec, async (k, r) => {
  if (k.empty) {
    // The empty-store page: its text, and the theme before and after a
    // click on the Dark mode button.
    await page.goto(spec.base + k.path);
    await page.waitForSelector('#empty:not([hidden])', { timeout: 30000 });
    r.text = await page.textContent('#empty');
    r.theme_before = await page.getAttribute('html', 'data-theme');
    await page.click('#theme');
    r.theme_after = await page.getAttribute('html', 'data-theme');
    return;
  }
  await settled(() => page.goto(spec.base + k.path), true);
  for (const sel of k.clicks || []) await settled(() => page.click(sel));
  for (const name of k.legend || []) {
    await settled(() => page.evaluate((n) => window.elhub.charts.line.dispatchAction({ type: 'legendToggleSelect', name: n }), name));
  }
  // Actions that redraw without a new render: a zoom window, a button.
  if (k.zoom) {
    await page.evaluate((z) => window.elhub.charts.line.dispatchAction({ type: 'dataZoom', startValue: z[0], endValue: z[1] }), k.zoom);
  }
  for (const sel of k.press || []) await page.click(sel);
  r.line = await page.evaluate(drawn, 'line');
  r.pie = await page.evaluate(drawn, 'pie');
  r.pie_note = await page.textContent('#pie-note');
  r.quality = await page.textContent('#quality');
  r.negative = await page.evaluate(() => { const e = document.getElementById('negative'); return e && !e.hidden ? e.textContent : null; });
  r.tips = [];
  for (const ms of k.tips || []) r.tips.push(await page.evaluate(tipAt, ms));
  r.downloads = [];
  for (const id of k.download || []) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}`)]);
    const path = join(spec.out, dl.suggestedFilename());
    await dl.saveAs(path);
    r.downloads.push({ id, name: dl.suggestedFilename(), path });
  }
  r.chart_size = await page.evaluate(() => [window.elhub.charts.line.getWidth(), window.elhub.charts.line.getHeight()]);
  r.url = page.url();
  r.controls = await page.evaluate(() => ({
    months_disabled: [...document.querySelectorAll('#month option')].filter((o) => o.disabled).map((o) => o.value),
    month: document.getElementById('month').value,
    areas_disabled: [...document.querySelectorAll('#area-field input')].filter((i) => i.disabled).map((i) => i.value),
    area: (document.querySelector('#area-field input:checked') || {}).value,
    next_disabled: !!(document.getElementById('next') || {}).disabled,
    prev_disabled: !!(document.getElementById('prev') || {}).disabled,
    pill_groups: [...document.querySelectorAll('#pills button')].map((b) => b.dataset.group),
    datasets: [...document.querySelectorAll('#dataset-field input')].map((i) => i.value),
  }));
  r.multiples = await page.evaluate(() => window.elhub.charts.multiples.map((c) => {
    const m = c.getModel();
    const t = m.getComponent('title', 0);
    return { x_extent: m.getComponent('xAxis', 0).axis.scale.getExtent(),
      y_extent: m.getComponent('yAxis', 0).axis.scale.getExtent(), title: t ? t.get('text') : null };
  }));
  r.summary = await page.evaluate(() => [...document.querySelectorAll('#summary tbody tr')].map((tr) => ({
    group: tr.dataset.group, cells: [...tr.children].map((c) => c.textContent) })));
  r.multi_legend = await page.evaluate(() => [...document.querySelectorAll('.multi-legend span')].map((e) => e.textContent));
  r.pills = await page.evaluate(() => [...document.querySelectorAll('#pills button[aria-pressed=true]')].map((b) => b.dataset.group));
});
await browser.close();
console.log(JSON.stringify({ results, problems }));
