// The Map of the price areas page: NVE's five price-area outlines (from
// /api/areas, drawn by ECharts' geo component: no tile server, works
// offline), each area coloured by the mean of a dataset's group (or weather
// variable) over N days ending at a date (/api/areamean) with a visualMap
// legend in the API's unit, and a point picked by a click: converted from
// the pixel to lon/lat by the geo coordinate system, kept in the URL (lat,
// lon, 4 decimals), marked, its containing area outlined and described below
// from /api/locate (its weather coverage with links to the Weather and
// Snow-drift pages, or the `elhub fetch` command that gets it).
import * as echarts from 'echarts/core';
import { MapChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, TooltipComponent, VisualMapContinuousComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { $, applyTheme, esc, getJSON, pageNav, themeButton } from './common.js';

echarts.use([MapChart, ScatterChart, GeoComponent, TooltipComponent, VisualMapContinuousComponent,
  CanvasRenderer]);

const MAP = 'norway';
const DAYS = [1, 7, 30, 90, 365];
// Colours: a sequential ramp for the means (yellow-green-blue, no grey in
// it), grey for an area without data, an orange outline for the area that
// holds the point, a red mark with a white ring for the point.
const RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
const STYLE = {
  light: { nodata: '#c8c8c8', border: '#ffffff', outline: '#f26b00', label: '#1d2330', halo: '#ffffff' },
  dark: { nodata: '#4a4f58', border: '#12151b', outline: '#ff9a3c', label: '#e6e9ef', halo: '#12151b' },
};
const MARK = '#d62728';
const OUTLINE_WIDTH = 3;

// Exposed for the browser tests and for debugging from the console.
const page = { ready: false, chart: null, meta: null, areas: null, state: null, mean: null,
  locate: null, renders: 0, drawnAt: null, style: STYLE, outlineWidth: OUTLINE_WIDTH, mark: MARK, ramp: RAMP };
window.elhubMap = page;

const nf = (digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });

function setStatus(text, bad) {
  $('status').textContent = text;
  $('status').classList.toggle('error', !!bad);
}

/* ---- the choices (from /api/meta) --------------------------------------- */

// The datasets that hold rows, each with its groups (a weather dataset's
// groups are its variables, labelled from /api/meta's "variables").
function datasets() {
  return (page.meta.datasets || []).filter((d) => d.records > 0 && (d.groups || []).some((g) => hasMean(d, g)));
}
const datasetMeta = (name) => datasets().find((d) => d.name === name);
function groupLabel(dm, g) {
  const v = (dm.variables || []).find((x) => x.name === g);
  if (v && v.label) return v.label;
  const m = (page.meta.groups || {})[g];
  return m && m.label ? m.label : g;
}
// A direction (wind_direction_10m) is cyclic: /api/areamean answers its
// circular mean, but a linear colour ramp would put 350 and 10 degrees at
// opposite ends, so it is not offered.
function hasMean(dm, g) {
  const v = (dm.variables || []).find((x) => x.name === g);
  return !v || v.aggregation !== 'direction';
}
function orderedGroups(dm) {
  const order = page.meta.group_order || [];
  const rank = (g) => (order.includes(g) ? order.indexOf(g) : order.length);
  return dm.groups.filter((g) => hasMean(dm, g)).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}
// Oslo dates of a dataset's first and last stored hour (the API's times
// carry their Oslo offset, so the date is the text's first ten characters).
const firstDate = (dm) => dm.first.slice(0, 10);
const lastDate = (dm) => dm.last.slice(0, 10);
const isDate = (x) => /^\d{4}-\d{2}-\d{2}$/.test(x || '') && !Number.isNaN(Date.parse(`${x}T00:00:00Z`));

// lat/lon from the URL: numbers inside the globe, kept to 4 decimals.
function readPoint(q) {
  const lat = Number(q.get('lat'));
  const lon = Number(q.get('lon'));
  if (q.get('lat') === null || q.get('lon') === null || q.get('lat') === '' || q.get('lon') === '') return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat: Number(lat.toFixed(4)), lon: Number(lon.toFixed(4)) };
}

function readState() {
  const q = new URLSearchParams(location.search);
  const all = datasets();
  const dm = datasetMeta(q.get('ds')) || datasetMeta('production') || all[0];
  const groups = orderedGroups(dm);
  const group = groups.includes(q.get('group')) ? q.get('group') : groups[0];
  const d = Number(q.get('days'));
  const days = Number.isInteger(d) && d >= 1 && d <= 3660 ? d : 30;
  const e = q.get('end');
  const end = isDate(e) && e >= firstDate(dm) && e <= lastDate(dm) ? e : lastDate(dm);
  return { ds: dm.name, group, days, end, point: readPoint(q), theme: q.get('theme'), area: q.get('area') };
}

function stateQuery(s) {
  const q = new URLSearchParams();
  q.set('ds', s.ds);
  q.set('group', s.group);
  q.set('days', String(s.days));
  q.set('end', s.end);
  if (s.point) {
    q.set('lat', s.point.lat.toFixed(4));
    q.set('lon', s.point.lon.toFixed(4));
  }
  // Carried from other pages (the page links keep them).
  if (s.area) q.set('area', s.area);
  if (s.theme === 'dark' || s.theme === 'light') q.set('theme', s.theme);
  return q.toString();
}

// A user's change: into the history, so back and forward work.
function update(patch) {
  const dsChanged = patch.ds && patch.ds !== page.state.ds;
  const next = { ...page.state, ...patch };
  if (dsChanged) {
    // Another dataset: its own groups and dates (the days are kept).
    const dm = datasetMeta(next.ds);
    if (!orderedGroups(dm).includes(next.group)) next.group = orderedGroups(dm)[0];
    if (next.end < firstDate(dm) || next.end > lastDate(dm)) next.end = lastDate(dm);
  }
  page.state = next;
  history.pushState(null, '', `?${stateQuery(next)}`);
  pageNav('/map');
  render();
}

function drawControls() {
  const s = page.state;
  const dm = datasetMeta(s.ds);
  $('ds').innerHTML = datasets().map((d) => `<option value="${esc(d.name)}">${esc(d.title || d.name)}</option>`).join('');
  $('ds').value = s.ds;
  $('group-label').textContent = dm.variables || s.ds === 'weather' ? 'Variable' : 'Group';
  $('group').innerHTML = orderedGroups(dm).map((g) => `<option value="${esc(g)}">${esc(groupLabel(dm, g))}</option>`).join('');
  $('group').value = s.group;
  const days = DAYS.includes(s.days) ? DAYS : [...DAYS, s.days].sort((a, b) => a - b);
  $('days').innerHTML = days.map((d) => `<option value="${d}">${d === 1 ? '1 day' : `${d} days`}</option>`).join('');
  $('days').value = String(s.days);
  $('end').min = firstDate(dm);
  $('end').max = lastDate(dm);
  $('end').value = s.end;
}

/* ---- numbers ------------------------------------------------------------ */

// The rung of /api/meta's power ladder (kW, MW, ...) for an energy
// dataset's mean power; a weather variable keeps the API's unit.
function scaleFor(dm, unit, max) {
  const ladder = dm.units && dm.units.power;
  if (unit === 'kW' && ladder && ladder.length) {
    let u = ladder[0];
    for (const x of ladder) if (Math.abs(max) >= x[1]) u = x;
    return { name: u[0], div: u[1] };
  }
  return { name: unit || '', div: 1 };
}
function fmtIn(v, sc) {
  const x = v / sc.div;
  const digits = Math.abs(x) >= 100 ? 0 : (Math.abs(x) >= 10 ? 1 : 2);
  return `${nf(digits).format(x)}${sc.name ? ` ${sc.name}` : ''}`;
}

/* ---- the chart ---------------------------------------------------------- */

function themeName() { return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'; }

function ensureChart() {
  const t = themeName();
  if (page.chart && page.chartTheme === t) return page.chart;
  if (page.chart) page.chart.dispose();
  page.chart = echarts.init($('map'), t === 'dark' ? 'dark' : null, { renderer: 'canvas' });
  page.chartTheme = t;
  page.chart.getZr().on('click', onMapClick);
  return page.chart;
}

// Whether el is part of the visualMap legend (a click there is not a point).
function inLegend(chart, el) {
  const vm = chart.getModel().getComponent('visualMap', 0);
  const view = vm && chart.getViewOfComponentModel(vm);
  for (let x = el; x; x = x.parent) if (view && x === view.group) return true;
  return false;
}

function onMapClick(e) {
  const chart = page.chart;
  if (!chart || !page.state || (e.target && inLegend(chart, e.target))) return;
  const ll = chart.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]);
  if (!ll || !Number.isFinite(ll[0]) || !Number.isFinite(ll[1]) || Math.abs(ll[1]) > 90 || Math.abs(ll[0]) > 180) return;
  update({ point: { lat: Number(ll[1].toFixed(4)), lon: Number(ll[0].toFixed(4)) } });
}

// The map to draw: the areas in /api/areas' order, or with the outlined
// area drawn last so no neighbour's thin border covers its outline
// (registered once per outlined area).
function mapFor(area) {
  const name = area ? `${MAP}-${area}` : MAP;
  if (!page.registered.has(name)) {
    const fs = page.areas.features;
    const last = fs.filter((f) => (f.properties.area || f.id) === area);
    echarts.registerMap(name, { ...page.areas, features: [...fs.filter((f) => !last.includes(f)), ...last] });
    page.registered.add(name);
  }
  return name;
}

function option(mean, loc) {
  const s = page.state;
  const dm = datasetMeta(s.ds);
  const st = STYLE[themeName()];
  const byArea = new Map((mean.areas || []).map((a) => [a.area, a]));
  const names = page.areas.features.map((f) => f.properties.area || f.id);
  const vals = names.map((n) => (byArea.get(n) || {}).mean).filter((v) => v != null && Number.isFinite(v));
  let lo = vals.length ? Math.min(...vals) : 0;
  let hi = vals.length ? Math.max(...vals) : 1;
  // Mean power from 0; one value alone sits in the middle of its legend.
  if (mean.unit === 'kW' && lo >= 0) lo = 0;
  if (!(hi > lo)) {
    const d = Math.max(Math.abs(hi) * 0.1, 1);
    if (mean.unit === 'kW' && lo >= 0) hi = lo + d;
    else { lo -= d; hi += d; }
  }
  const sc = scaleFor(dm, mean.unit, Math.max(Math.abs(lo), Math.abs(hi)));
  page.scale = sc;
  const text = (n) => {
    const a = byArea.get(n);
    return a && a.mean != null ? `${n}\n${fmtIn(a.mean, sc)}` : `${n}\nno data`;
  };
  const outlined = loc && loc.area ? loc.area : null;
  // The area holding the point: a thick outline (emphasis of the region).
  const regions = names.map((n) => ({
    name: n,
    itemStyle: n === outlined ? { borderColor: st.outline, borderWidth: OUTLINE_WIDTH } : {},
  }));
  const tip = (p) => {
    const a = byArea.get(p.name);
    const v = a && a.mean != null ? `${esc(fmtIn(a.mean, sc))} (${a.hours} of ${a.period_hours} hours)` : 'no data';
    return `<b>${esc(p.name)}</b><br>${v}`;
  };
  return {
    animation: false,
    backgroundColor: 'transparent',
    aria: { enabled: false },
    tooltip: { trigger: 'item', formatter: tip },
    visualMap: {
      type: 'continuous', seriesIndex: 0, min: lo, max: hi, calculable: false, realtime: false,
      inRange: { color: RAMP }, left: 8, bottom: 16, itemHeight: 150, itemWidth: 14,
      text: [fmtIn(hi, sc), fmtIn(lo, sc)], textStyle: { color: st.label },
    },
    geo: {
      map: mapFor(outlined), roam: false, top: 16, bottom: 16, left: 'center', aspectScale: Math.cos((64.5 * Math.PI) / 180),
      selectedMode: false,
      itemStyle: { areaColor: st.nodata, borderColor: st.border, borderWidth: 1 },
      emphasis: { disabled: true },
      label: { show: true, color: st.label, fontSize: 12, lineHeight: 15, textBorderColor: st.halo, textBorderWidth: 2,
        formatter: (p) => text(p.name) },
      regions,
    },
    series: [
      { type: 'map', geoIndex: 0, name: 'mean',
        data: names.map((n) => {
          const a = byArea.get(n);
          return { name: n, value: a && a.mean != null ? a.mean : NaN };
        }) },
      { type: 'scatter', coordinateSystem: 'geo', name: 'point', silent: true, z: 10, symbolSize: 12,
        itemStyle: { color: MARK, borderColor: '#ffffff', borderWidth: 2, opacity: 1 },
        data: s.point ? [[s.point.lon, s.point.lat]] : [] },
    ],
  };
}

/* ---- the point panel ---------------------------------------------------- */

function pointLinks(p) {
  const q = new URLSearchParams({ lat: p.lat.toFixed(4), lon: p.lon.toFixed(4) });
  if (page.state.theme === 'dark' || page.state.theme === 'light') q.set('theme', page.state.theme);
  return q.toString();
}

function drawPanel(loc) {
  const box = $('point');
  const s = page.state;
  if (!s.point) {
    box.innerHTML = '<p class="muted">Click anywhere on the map to pick a point: its area, its weather and the snow drift there.</p>';
    return;
  }
  const p = s.point;
  const where = `<span id="pt-coords">${p.lat.toFixed(4)}, ${p.lon.toFixed(4)}</span>`;
  if (!loc) {
    box.innerHTML = `<p>Point ${where}</p>`;
    return;
  }
  if (!loc.area) {
    box.innerHTML = `<p>Point ${where}</p><p id="pt-message" class="warn">${esc(loc.message || 'Outside every price area')}</p>`;
    return;
  }
  const rows = [
    ['Price area', `<span id="pt-area">${esc(loc.area)}</span>`],
    ['Location key', `<code id="pt-location">${esc(loc.location)}</code>`],
  ];
  let more = '';
  if (loc.weather) {
    const w = loc.weather;
    rows.push(['Weather stored', `<span id="pt-weather">${esc(w.hours)} hours, ${esc(w.first)} to ${esc(w.last)}</span>`]);
    const qs = pointLinks(p);
    more = `<p class="map-links"><a id="pt-weather-link" href="/weather?${qs}">Weather at this point</a>
      <a id="pt-snow-link" href="/snowdrift?${qs}">Snow drift at this point</a></p>`;
  } else {
    rows.push(['Weather stored', '<span id="pt-weather">none</span>']);
    more = `<p>To store its weather, run:</p>
      <div class="map-cmd"><pre><code id="pt-fetch">${esc(loc.fetch || '')}</code></pre>
      <button id="pt-copy" type="button">Copy</button><span id="pt-copied" class="muted" role="status" aria-live="polite"></span></div>`;
    // elhub serve --online: the server may fetch it itself (POST /api/fetch).
    if (page.online) {
      more += `<p><button id="pt-fetch-now" type="button">Fetch it now</button>
        <span id="pt-fetch-state" class="muted" role="status" aria-live="polite"></span></p>`;
    }
  }
  // The area's city (NO5: Bergen), whose weather the area's pages use.
  const aw = loc.area_weather;
  if (aw) {
    const q = new URLSearchParams({ area: aw.location });
    if (s.theme === 'dark' || s.theme === 'light') q.set('theme', s.theme);
    rows.push([`${esc(aw.location)}'s city`, `<span id="pt-area-weather">${esc(aw.name)}: ${esc(aw.hours)} hours stored</span>`]);
    more += `<p class="map-links"><a id="pt-area-weather-link" href="/weather?${q}">Weather in ${esc(aw.name)}</a>
      <a id="pt-area-snow-link" href="/snowdrift?${q}">Snow drift in ${esc(aw.name)}</a></p>`;
  }
  box.innerHTML = `<p>Point ${where}</p><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>${more}`;
  const copy = $('pt-copy');
  if (copy) copy.addEventListener('click', () => copyCommand(loc.fetch || ''));
  const now = $('pt-fetch-now');
  if (now) now.addEventListener('click', () => fetchNow(p, loc));
}

// POST /api/fetch for the point's months, then the job's state (GET
// /api/fetch) until it ends; the panel is then drawn again from a fresh
// /api/locate.
async function fetchNow(p, loc) {
  const out = $('pt-fetch-state');
  const btn = $('pt-fetch-now');
  btn.disabled = true;
  const q = new URLSearchParams({ lat: p.lat.toFixed(4), lon: p.lon.toFixed(4), from: loc.fetch_from, to: loc.fetch_to });
  try {
    const r = await fetch(`/api/fetch?${q}`, { method: 'POST' });
    const body = await r.json().catch(() => ({}));
    if (r.status !== 202) throw new Error(body.detail || `HTTP ${r.status}`);
    let st = body;
    while (st.state === 'running') {
      out.textContent = ` Fetching ${st.months} months of ${st.location}…`;
      await new Promise((res) => { setTimeout(res, 500); });
      st = await getJSON('/api/fetch', true);
    }
    if (st.state !== 'done') throw new Error(st.error || st.state);
    const note = ` Stored ${st.rows} values (${st.fetched} months fetched, ${st.skipped} already stored).`;
    page.locate = await getJSON(locateURL(p), true);
    drawPanel(page.locate);
    // The panel was drawn anew: the note goes into its new state line (the
    // point still has no weather) or the page's status line.
    if ($('pt-fetch-state')) $('pt-fetch-state').textContent = note;
    else setStatus(note.trim());
  } catch (e) {
    out.textContent = ` Could not fetch: ${e.message}`;
    btn.disabled = false;
  }
}

async function copyCommand(text) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch (e) {
    // No clipboard permission: select the text and use the old command.
    const r = document.createRange();
    r.selectNodeContents($('pt-fetch'));
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    ok = document.execCommand && document.execCommand('copy');
  }
  $('pt-copied').textContent = ok ? ' Copied.' : ' Selected: press Ctrl+C to copy.';
}

/* ---- drawing ------------------------------------------------------------ */

const locateURL = (p) => `/api/locate?lat=${p.lat.toFixed(4)}&lon=${p.lon.toFixed(4)}`;
// /api/locate's answer for point p, read fresh (the store may have gained
// weather since), except the one asked for before /api/meta was in.
function located(p) {
  const url = locateURL(p);
  const early = page.early;
  page.early = null;
  return early && early.url === url ? early.answer : getJSON(url, true);
}

let token = 0;
async function render() {
  const my = ++token;
  const s = page.state;
  page.ready = false;
  document.body.dataset.ready = '0';
  drawControls();
  const q = new URLSearchParams({ dataset: s.ds, group: s.group, days: String(s.days), end: s.end });
  const jobs = [getJSON(`/api/areamean?${q}`), s.point ? located(s.point) : Promise.resolve(null)];
  for (const j of jobs) j.catch(() => {});
  $('main').setAttribute('aria-busy', 'true');
  // Both answers, or the error of the first that failed.
  const got = await Promise.all(jobs).catch((e) => e);
  performance.mark('elhub:data');
  // A newer render started meanwhile: it draws, not this one.
  if (my !== token) return;
  $('main').setAttribute('aria-busy', 'false');
  if (got instanceof Error) {
    setStatus(`Could not load the data: ${got.message}`, true);
    return;
  }
  [page.mean, page.locate] = got;
  draw();
  setStatus('');
}

function draw() {
  const s = page.state;
  const dm = datasetMeta(s.ds);
  const chart = ensureChart();
  performance.mark('elhub:init');
  chart.setOption(option(page.mean, page.locate), true);
  performance.mark('elhub:drawn');
  const m = page.mean;
  const what = `${groupLabel(dm, s.group)} (${(dm.title || dm.name).toLowerCase()})`;
  $('map-caption').textContent = `Mean ${what} per hour over the ${s.days === 1 ? 'day' : `${s.days} days`} `
    + `${m.from} to ${m.to} (Oslo dates), in ${m.unit}${m.unit === 'kW' ? ' (kWh per hour: mean power)' : ''}. `
    + 'Grey: no data.';
  drawPanel(page.locate);
  page.ready = true;
  page.renders++;
  requestAnimationFrame(() => {
    document.body.dataset.ready = '1';
    if (page.drawnAt == null) page.drawnAt = performance.now();
  });
}

/* ---- start ------------------------------------------------------------- */

// The first reads take the responses map.html preloaded (a request with
// the default cache mode matches a preload; getJSON's no-cache would not).
async function preloaded(url) {
  const r = await fetch(url);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${url}: ${body.detail || r.status}`);
  return body;
}

// The data a complete URL asks for, requested before /api/meta is in (the
// same URLs render() asks for once the state is checked against it, so it
// gets these answers; a URL that does not survive the check just asks again).
function speculate() {
  const q = new URLSearchParams(location.search);
  const [ds, group, days, end] = ['ds', 'group', 'days', 'end'].map((k) => q.get(k));
  if (ds && group && days && isDate(end)) {
    getJSON(`/api/areamean?${new URLSearchParams({ dataset: ds, group, days, end })}`).catch(() => {});
  }
  const p = readPoint(q);
  if (p) {
    const url = locateURL(p);
    page.early = { url, answer: getJSON(url, true) };
    page.early.answer.catch(() => {});
  }
}

async function start() {
  speculate();
  // Whether this server fetches on demand (elhub serve --online).
  const online = getJSON('/api/fetch', true).then((b) => !!b.online).catch(() => false);
  const first = Promise.all([preloaded('/api/meta'), preloaded('/api/areas')]);
  first.catch(() => {});
  // The chart is made while the answers are on their way (after a yield,
  // so the requests go out first).
  await new Promise((res) => { setTimeout(res, 0); });
  ensureChart();
  try {
    const [meta, areas] = await first;
    performance.mark('elhub:meta');
    page.meta = meta;
    page.areas = areas;
  } catch (e) {
    $('main').hidden = true;
    setStatus(`Could not reach the server's API: ${e.message}`, true);
    return;
  }
  if (!datasets().length) {
    $('main').hidden = true;
    setStatus('The store holds no data yet: `elhub import data/elhub/*.gz` or `elhub fetch` fills it.', true);
    return;
  }
  page.registered = new Set();
  page.online = await online;
  page.state = readState();
  history.replaceState(null, '', `?${stateQuery(page.state)}`);
  pageNav('/map');
  $('ds').addEventListener('change', (e) => update({ ds: e.target.value }));
  $('group').addEventListener('change', (e) => update({ group: e.target.value }));
  $('days').addEventListener('change', (e) => update({ days: Number(e.target.value) }));
  $('end').addEventListener('change', (e) => {
    const dm = datasetMeta(page.state.ds);
    const v = e.target.value;
    if (isDate(v) && v >= firstDate(dm) && v <= lastDate(dm)) update({ end: v });
  });
  $('clear-point').addEventListener('click', () => update({ point: null }));
  window.addEventListener('popstate', () => { page.state = readState(); pageNav('/map'); render(); });
  let resize = null;
  window.addEventListener('resize', () => {
    clearTimeout(resize);
    resize = setTimeout(() => { if (page.chart) page.chart.resize(); }, 100);
  });
  render();
}

// The theme before the first paint; the toggle re-creates the chart.
performance.mark('elhub:script');
applyTheme();
pageNav('/map');
themeButton(() => {
  if (!page.state) return;
  page.state.theme = document.documentElement.dataset.theme;
  if (page.mean) { draw(); }
});
start();
