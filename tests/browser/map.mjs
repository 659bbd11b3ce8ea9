// Reads what the Map page drew, for tests/integration/test_browser_map.py,
// which compares it with its own computation (the bundled CSV, its own
// point-in-polygon over /api/areas, its own visualMap colour ramp, in
// Python): this script only opens pages, clicks and reports.
//   node tests/browser/map.mjs SPEC.json   (prints one JSON document)
// SPEC: {"base": URL, "out": DIR, "cases": [{"name", "path",
//        "select": [[selector, value], ...] (controls changed first: a
//                   select's option, or a date input's text),
//        "clicks": [[lon, lat], ...] (each clicked where ECharts' convertToPixel
//                   puts it, one after the other), "back": N (then N times
//                   the browser's Back button),
//        "at": [lon, lat] (its pixel reported, e.g. a point from the URL),
//        "copy": true (press the copy button, read the clipboard),
//        "fetchNow": true (press "Fetch it now", wait until the panel says how
//                   the job ended, report that text),
//        "samples": {area: [[lon, lat], ...]} (canvas pixels read there),
//        "boundary": {area: [[lon, lat], ...]} (outline colour looked for)}]}
// Per case it saves DIR/<name>.png and reports, from ECharts' model and
// display list after drawing and from the canvas pixels:
//   click_px        the pixels clicked (chart coordinates), from convertToPixel
//   at_px           the pixel of "at"; deg_per_px: degrees per pixel there
//                   (lon, lat), from convertFromPixel
//   mark            the drawn mark: centre of its element's bounding box (px),
//                   the canvas colour there; null when no mark is drawn
//   regions         per drawn region element: fill, stroke, lineWidth
//   series          the map series' data as ECharts holds it: name, value
//   visualmap       the visualMap option: min, max, inRange colours
//   labels          the region labels drawn (text, bounding box in px)
//   samples         per area, per point: its pixel and the canvas RGBA there
//   boundary        per area, per vertex: whether the outline colour is within
//                   1 px of it on the canvas
//   panel           the text of the point panel and its parts (ids pt-*)
//   url             the page's URL after the action
import { mkdirSync, readFileSync } from 'node:fs';
import { eachCase, launch, newPage, settled as settledOn } from './chromium.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
mkdirSync(spec.out, { recursive: true });

const browser = await launch();
const problems = [];
const page = await newPage(browser, { deviceScaleFactor: 1, colorScheme: 'light',
  permissions: ['clipboard-read', 'clipboard-write'] }, problems);
// Waits for the render an action starts (a navigation: the new page's first).
const settled = (action, nav) => settledOn(page, 'elhubMap', action, nav);

// What is drawn (runs in the page).
function drawn(k) {
  const c = window.elhubMap.chart;
  const m = c.getModel();
  const out = { regions: {}, series: [], labels: [], samples: {}, boundary: {} };
  // The canvas as painted (the main layer; deviceScaleFactor 1).
  const canvas = c.getDom().querySelector('canvas');
  const g2d = canvas.getContext('2d', { willReadFrequently: true });
  const sx = canvas.width / c.getWidth();
  const sy = canvas.height / c.getHeight();
  const rgba = (x, y) => Array.from(g2d.getImageData(Math.round(x * sx - 0.5), Math.round(y * sy - 0.5), 1, 1).data);
  // The regions: the geo view's drawn element per region name.
  const geoView = c.getViewOfComponentModel(m.getComponent('geo', 0));
  geoView._mapDraw._regionsGroupByName.each((grp, name) => {
    const el = grp.childAt(0);
    out.regions[name] = { fill: el.style.fill, stroke: el.style.stroke, lineWidth: el.style.lineWidth };
  });
  const d = m.getSeriesByIndex(0).getData();
  for (let i = 0; i < d.count(); i++) out.series.push({ name: d.getName(i), value: d.get('value', i) });
  const vm = c.getOption().visualMap[0];
  out.visualmap = { min: vm.min, max: vm.max, colors: vm.inRange.color, text: vm.text };
  // The mark: the scatter series' drawn symbol.
  const sd = m.getSeriesByIndex(1).getData();
  const el = sd.count() ? sd.getItemGraphicEl(0) : null;
  if (el) {
    const r = el.getBoundingRect().clone();
    r.applyTransform(el.getComputedTransform());
    const x = r.x + r.width / 2;
    const y = r.y + r.height / 2;
    out.mark = { x, y, rgba: rgba(x, y), data: sd.getValues(['lng', 'lat'], 0) };
  } else {
    out.mark = null;
  }
  // The labels drawn (zrender's display list, text elements).
  for (const t of c.getZr().storage.getDisplayList()) {
    if ((t.type !== 'text' && t.type !== 'tspan') || t.ignore || t.invisible || !t.style || !t.style.text) continue;
    const r = t.getBoundingRect().clone();
    r.applyTransform(t.getComputedTransform());
    out.labels.push({ text: t.style.text, x: r.x, y: r.y, width: r.width, height: r.height });
  }
  for (const [area, pts] of Object.entries(k.samples || {})) {
    out.samples[area] = pts.map((p) => {
      const [x, y] = c.convertToPixel({ geoIndex: 0 }, p);
      return { lonlat: p, x, y, rgba: rgba(x, y) };
    });
  }
  // The outline: the colour the page draws it in, looked for in the 3x3
  // pixels around each vertex (the outline is 3 px wide, centred on it).
  const want = window.elhubMap.style.light.outline.match(/[0-9a-f]{2}/gi).map((h) => parseInt(h, 16));
  for (const [area, pts] of Object.entries(k.boundary || {})) {
    out.boundary[area] = pts.map((p) => {
      const [x, y] = c.convertToPixel({ geoIndex: 0 }, p);
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          const px = rgba(x + dx, y + dy);
          if (Math.max(...want.map((w, i) => Math.abs(w - px[i]))) <= 24) return true;
        }
      }
      return false;
    });
  }
  const txt = (id) => { const e = document.getElementById(id); return e ? e.textContent : null; };
  const href = (id) => { const e = document.getElementById(id); return e ? e.getAttribute('href') : null; };
  out.panel = { text: document.getElementById('point').innerText, coords: txt('pt-coords'), area: txt('pt-area'),
    location: txt('pt-location'), weather: txt('pt-weather'), fetch: txt('pt-fetch'), message: txt('pt-message'),
    weather_link: href('pt-weather-link'), snow_link: href('pt-snow-link'),
    area_weather: txt('pt-area-weather'), area_weather_link: href('pt-area-weather-link'),
    area_snow_link: href('pt-area-snow-link'), fetch_now: !!document.getElementById('pt-fetch-now') };
  out.size = [c.getWidth(), c.getHeight()];
  out.style = window.elhubMap.style.light;
  out.controls = { ds: document.getElementById('ds').value, group: document.getElementById('group').value,
    days: document.getElementById('days').value, end: document.getElementById('end').value };
  out.caption = document.getElementById('map-caption').textContent;
  if (k.at) {
    out.at_px = c.convertToPixel({ geoIndex: 0 }, k.at);
    const a = c.convertFromPixel({ geoIndex: 0 }, out.at_px);
    const b = c.convertFromPixel({ geoIndex: 0 }, [out.at_px[0] + 1, out.at_px[1] + 1]);
    out.deg_per_px = [Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])];
  }
  return out;
}

const results = await eachCase(page, spec, async (k, r) => {
  await settled(() => page.goto(spec.base + k.path), true);
  await page.evaluate(() => document.getElementById('map').scrollIntoView({ block: 'start' }));
  for (const [sel, value] of k.select || []) {
    const tag = await page.evaluate((x) => document.querySelector(x).tagName, sel);
    await settled(() => (tag === 'SELECT' ? page.selectOption(sel, value) : page.fill(sel, value)));
  }
  r.click_px = [];
  for (const ll of k.clicks || []) {
    // Where ECharts' own geo coordinate system puts [lon, lat], clicked
    // there with the mouse (page coordinates = chart box + chart pixel).
    const at = await page.evaluate((p) => {
      const c = window.elhubMap.chart;
      const [x, y] = c.convertToPixel({ geoIndex: 0 }, p);
      const box = c.getDom().getBoundingClientRect();
      return { x, y, px: box.left + x, py: box.top + y };
    }, ll);
    r.click_px.push([at.x, at.y]);
    await settled(() => page.mouse.click(at.px, at.py));
    // Away from the map, so no tooltip covers what is read.
    await page.mouse.move(2, 2);
  }
  for (let i = 0; i < (k.back || 0); i++) await settled(() => page.goBack());
  r.drawn = await page.evaluate(drawn, k);
  if (k.copy) {
    await page.click('#pt-copy');
    await page.waitForFunction(() => document.getElementById('pt-copied').textContent.length > 0);
    r.copied = await page.evaluate(() => navigator.clipboard.readText());
    r.copied_note = await page.textContent('#pt-copied');
  }
  if (k.fetchNow) {
    await page.click('#pt-fetch-now');
    await page.waitForFunction(() => /^ (Stored|Could not)/.test(document.getElementById('pt-fetch-state').textContent),
      null, { timeout: 120000 });
    r.fetch_state = await page.textContent('#pt-fetch-state');
  }
  r.url = page.url();
});
await browser.close();
console.log(JSON.stringify({ results, problems }));
