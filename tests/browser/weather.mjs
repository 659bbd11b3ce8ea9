// Reads what the Weather and Snow-drift pages drew, for
// tests/integration/test_browser_weather.py, which compares it with its own
// reading of the CSV files (Python: csv, zoneinfo): this script only opens
// pages, acts and reports (as probe.mjs does for the Energy page).
//   node tests/browser/weather.mjs SPEC.json   (prints one JSON document)
// SPEC: {"base": URL, "out": DIR, "cases": [{"name", "path", "page":
//        "weather"|"snowdrift", "fill": [[selector, value]...] (then a
//        change event), "select": [[selector, value]...], "check"/"click":
//        [selector...], "text": [selector...]}]}
// Per case (after its actions) it saves DIR/<name>.png and reports:
//   url                the page's URL
//   charts{key}        per line chart: x_extent, y_extent (the axes' drawn
//                      ranges), grid (pixels), series[] {id, name, points:
//                      every drawn point's pixel position turned back into
//                      data coordinates by convertFromPixel, null for a gap}
//   table[]            the table rows: dataset attributes and cell texts
//   rose               the wind rose as drawn: per bar its sector (angle
//                      axis category), the drawn ring's outer radius (px),
//                      its middle direction as a compass bearing (from
//                      zrender's sector angles: 0 = east, clockwise on the
//                      screen), the canvas pixel at half its length along
//                      that bearing, its fill colour and value; the centre
//   text{selector}     text of chosen elements (hidden ones: null)
import { mkdirSync, readFileSync } from 'node:fs';
import { eachCase, launch, newPage, visibleTexts } from './chromium.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(spec.out, { recursive: true });
const browser = await launch();
const problems = [];
// A time zone that is not Oslo's, so the page cannot lean on the browser's.
const page = await newPage(browser, { timezoneId: spec.timezone || 'America/New_York' }, problems);

const hook = (kind) => (kind === 'snowdrift' ? 'elhubSnowdrift' : 'elhubWeather');
async function settled(page, kind, action, nav) {
  const before = nav ? 0 : await page.evaluate((h) => (window[h] && window[h].renders) || 0, hook(kind));
  await action();
  await page.waitForFunction(([h, n]) => window[h] && window[h].renders > n
    && document.body.dataset.ready === '1', [hook(kind), before], { timeout: 30000 });
}

function report(kind) {
  // (Page-side: evaluate() sends this function alone, so its helper lives inside.)
  function drawnLine(c) {
    const m = c.getModel();
    const xa = m.getComponent('xAxis', 0).axis;
    const ya = m.getComponent('yAxis', 0).axis;
    const g = m.getComponent('grid', 0).coordinateSystem.getRect();
    const out = { x_extent: xa.scale.getExtent(), y_extent: ya.scale.getExtent(),
      grid: { x: g.x, y: g.y, width: g.width, height: g.height }, series: [] };
    m.eachSeries((s) => {
      const d = s.getData();
      const pts = d.getLayout('points');
      const row = { id: s.id, name: s.name, points: [] };
      if (pts) {
        for (let i = 0; i < pts.length; i += 2) {
          row.points.push(Number.isNaN(pts[i]) || Number.isNaN(pts[i + 1]) ? null
            : c.convertFromPixel({ gridIndex: 0 }, [pts[i], pts[i + 1]]));
        }
      }
      if (!pts && s.subType === 'bar') {
        // A bar: the middle of its top edge in data coordinates ([category
        // index, value]); null for a bar not drawn.
        for (let i = 0; i < d.count(); i++) {
          const l = d.getItemLayout(i);
          row.points.push(l && d.get(d.mapDimension('y'), i) != null && !Number.isNaN(d.get(d.mapDimension('y'), i))
            ? c.convertFromPixel({ gridIndex: 0 }, [l.x + l.width / 2, l.y + l.height]) : null);
        }
      }
      out.series.push(row);
    });
    return out;
  }
  const h = window[kind === 'snowdrift' ? 'elhubSnowdrift' : 'elhubWeather'];
  const out = { charts: {}, table: [], rose: null };
  const lines = kind === 'snowdrift' ? { monthly: h.charts.monthly }
    : { main: h.charts.main, energy: h.charts.energy, ...Object.fromEntries(Object.entries(h.charts.sparks || {}).map(([k, c]) => [`spark:${k}`, c])) };
  for (const [k, c] of Object.entries(lines)) {
    if (!c || c.isDisposed()) continue;
    out.charts[k] = drawnLine(c);
  }
  for (const tr of document.querySelectorAll('table tbody tr')) {
    out.table.push({ data: { ...tr.dataset }, cls: tr.className, cells: [...tr.children].map((x) => x.textContent.trim()) });
  }
  const rc = kind === 'snowdrift' && h.charts.rose;
  if (rc && !rc.isDisposed()) {
    const m = rc.getModel();
    const polar = m.getComponent('polar', 0).coordinateSystem;
    const s = m.getSeriesByIndex(0);
    const d = s.getData();
    const bars = [];
    for (let i = 0; i < d.count(); i++) {
      const lay = d.getItemLayout(i);
      const el = d.getItemGraphicEl(i);
      // zrender sectors: angles in radians, measured clockwise from east
      // on the screen (y down); the middle direction as a compass bearing.
      const sh = el ? el.shape : lay;
      const mid = (sh.startAngle + sh.endAngle) / 2;
      // The canvas pixel at half the bar's length along that bearing
      // (north = up on the screen): it must be the bar's colour.
      const b = (mid * 180) / Math.PI + 90;
      const px = polar.cx + (sh.r / 2) * Math.sin((b * Math.PI) / 180);
      const py = polar.cy - (sh.r / 2) * Math.cos((b * Math.PI) / 180);
      const canvas = rc.getDom().querySelector('canvas');
      const dpr = canvas.width / rc.getWidth();
      const rgba = [...canvas.getContext('2d').getImageData(Math.round(px * dpr), Math.round(py * dpr), 1, 1).data];
      bars.push({ name: d.getName(i), value: d.get(d.mapDimension('radius') || 'value', i),
        r0: sh.r0, r: sh.r, bearing: ((b % 360) + 360) % 360, pixel_at_half: rgba,
        color: el ? el.style.fill : null });
    }
    out.rose = { cx: polar.cx, cy: polar.cy, bars };
  }
  return out;
}

const results = await eachCase(page, spec, async (k, r) => {
  const kind = k.page || 'weather';
  await settled(page, kind, () => page.goto(spec.base + k.path), true);
  // A filled field commits as a user's Enter or release does: a change event.
  for (const [sel, v] of k.fill || []) {
    await settled(page, kind, async () => { await page.fill(sel, String(v)); await page.dispatchEvent(sel, 'change'); });
  }
  for (const [sel, v] of k.select || []) await settled(page, kind, () => page.selectOption(sel, String(v)));
  for (const sel of [...(k.check || []), ...(k.click || [])]) await settled(page, kind, () => page.click(sel));
  Object.assign(r, await page.evaluate(report, kind));
  r.url = page.url();
  r.text = await visibleTexts(page, k.text);
});
await browser.close();
console.log(JSON.stringify({ results, problems }));
