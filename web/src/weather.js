// The Weather page: hourly ERA5 weather at a price area's city or a stored
// point, as a table (min, mean, max and a sparkline of one month per
// variable), a chart of one variable or all five on a shared 0-100 % scale
// over a month range, and optionally the energy total of the same area on
// the same time axis. Every selection lives in the URL. Values are the
// API's hourly values (step=hour: exact); an hour the store lacks is a gap
// (null), never 0. Times are Oslo wall time from the offsets the API sends.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { DataZoomInsideComponent, GridComponent, LegendComponent, TooltipComponent, GraphicComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { $, applyTheme, esc, getJSON, pad, pageNav, themeButton } from './common.js';
import { MON, offsetsOf, osloText, osloTicks, tickLabel } from './oslotime.js';
import { COLORS, echartsTheme, fetchCommand, loadMeta, navigate, placeLabel, placeQuery, renderDone,
  renderStart, resolvePlace, setStatus, textColor, urlPlace, variables, weatherLocations } from './wxcommon.js';

echarts.use([LineChart, DataZoomInsideComponent, GridComponent, LegendComponent, TooltipComponent,
  GraphicComponent, CanvasRenderer]);

const H = 3600e3;
// The plot rectangle's sides in pixels, the same for the weather and the
// energy chart, so one instant is at one x in both.
const GRID = { left: 72, right: 24, top: 36, containLabel: false };
const ENERGY = ['production', 'consumption'];
const app = { ready: false, renders: 0, state: null, meta: null, data: {}, charts: { main: null, energy: null, sparks: {} } };
window.elhubWeather = app;

const nf = (digits) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const monthText = (m) => `${MON[+m.slice(5, 7) - 1]} ${m.slice(0, 4)}`;
function lastDay(m) { return new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7), 0)).getUTCDate(); }
function apiQuery(o) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== '' && v != null) q.set(k, v);
  return q.toString();
}

/* ---- state in the URL ---------------------------------------------------- */

function readState() {
  const q = new URLSearchParams(location.search);
  const { place, months } = urlPlace(app);
  const vars = app.vars.map((v) => v.name);
  const v = vars.includes(q.get('var')) || q.get('var') === 'all' ? q.get('var') : 'all';
  const ok = (m) => months.includes(m);
  let from = ok(q.get('from')) ? q.get('from') : months[months.length - 1];
  let to = ok(q.get('to')) ? q.get('to') : from;
  if (from && to && from > to) [from, to] = [to, from];
  const month = ok(q.get('month')) ? q.get('month') : to;
  const energy = ENERGY.includes(q.get('energy')) ? q.get('energy') : '';
  const theme = ['dark', 'light'].includes(q.get('theme')) ? q.get('theme') : '';
  return { place, months, v, from, to, month, energy, theme };
}
function stateQuery(s) {
  const q = new URLSearchParams();
  placeQuery(s.place, q);
  q.set('var', s.v);
  if (s.from) { q.set('from', s.from); q.set('to', s.to); q.set('month', s.month); }
  if (s.energy) q.set('energy', s.energy);
  if (s.theme) q.set('theme', s.theme);
  return q.toString();
}
function update(patch) {
  const q = new URLSearchParams(stateQuery({ ...app.state, ...patch }));
  navigate(app, q, '/weather', readState, stateQuery, render);
}
// Another location: it starts at its own newest month.
function changePlace(loc) {
  const q = new URLSearchParams(stateQuery(app.state));
  for (const k of ['lat', 'lon', 'from', 'to', 'month']) q.delete(k);
  q.set('area', loc);
  navigate(app, q, '/weather', readState, stateQuery, render);
}

/* ---- data ---------------------------------------------------------------- */

// {ms: value} of one API series.
function valuesOf(data, name) {
  const m = new Map();
  for (const [iso, v] of (data.series && data.series[name]) || []) m.set(Date.parse(iso), v);
  return m;
}
// Every hour of the answer's period [start, end) with the value or null.
function hourGrid(data, vals) {
  const out = [];
  for (let t = Date.parse(data.start); t < Date.parse(data.end); t += H) out.push([t, vals.has(t) ? vals.get(t) : null]);
  return out;
}
// The energy total per hour: the sum of the groups present that hour
// (null where no group has the hour).
function energyTotals(data) {
  const m = new Map();
  for (const rows of Object.values(data.series || {})) {
    for (const [iso, v] of rows) { const t = Date.parse(iso); m.set(t, (m.get(t) || 0) + v); }
  }
  return m;
}
/* ---- charts -------------------------------------------------------------- */

const theme = echartsTheme;
let chartTheme;
function chartAt(el) {
  let c = echarts.getInstanceByDom(el);
  if (c && chartTheme !== theme()) { c.dispose(); c = null; }
  return c || echarts.init(el, theme(), { renderer: 'canvas' });
}

function timeAxis(data, width) {
  const offs = offsetsOf(data);
  const P0 = Date.parse(data.start);
  const P1 = Date.parse(data.end);
  const tk = osloTicks(offs, P0, P1, Math.max(2, Math.floor((width - 80) / 80)));
  return {
    type: 'time', min: P0, max: P1, name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26,
    nameTextStyle: { fontSize: 11 }, splitLine: { show: false },
    axisTick: { customValues: tk.ticks }, axisLabel: { customValues: tk.ticks, hideOverlap: true, formatter: (v) => tickLabel(offs, v, tk.kind) },
  };
}
function isoAt(data, t) {
  // The API's own text for the hour (Oslo time with offset).
  const offs = offsetsOf(data);
  let off = offs.length ? offs[0][1] : 0;
  for (const [from, o] of offs) if (from <= t) off = o;
  const d = new Date(t + off);
  const sign = off < 0 ? '-' : '+';
  const oh = Math.floor(Math.abs(off) / H);
  return `${d.toISOString().slice(0, 19)}${sign}${pad(oh)}:00`;
}

// The main chart's option: one variable in its unit, or every variable
// scaled to its own min-max over the period as 0-100 % (each line fills the
// height, so their shapes and timing compare; the tooltip gives the real
// values and the legend each variable's range).
function mainOption(s, data, width) {
  const shown = s.v === 'all' ? app.vars : app.vars.filter((v) => v.name === s.v);
  const grids = {};
  const ranges = {};
  for (const v of shown) {
    grids[v.name] = hourGrid(data, valuesOf(data, v.name));
    const xs = grids[v.name].map((p) => p[1]).filter((x) => x != null);
    ranges[v.name] = xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
  }
  const all = s.v === 'all';
  const scale = (name, y) => {
    const r = ranges[name];
    if (y == null || !r) return null;
    return r[1] > r[0] ? (100 * (y - r[0])) / (r[1] - r[0]) : 50;
  };
  const legendName = (v) => (all && ranges[v.name]
    ? `${v.label} (${nf(v.digits).format(ranges[v.name][0])} to ${nf(v.digits).format(ranges[v.name][1])} ${v.unit})` : v.label);
  const series = shown.map((v) => ({
    id: v.name, name: legendName(v), type: 'line', connectNulls: false, showSymbol: v.aggregation === 'direction',
    symbol: 'circle', symbolSize: 3, color: COLORS[v.name], emphasis: { disabled: true },
    // A direction jumps 360 -> 0: dots, not a line.
    lineStyle: { width: v.aggregation === 'direction' ? 0 : 1.3 },
    data: grids[v.name].map(([t, y]) => ({ value: [t, all ? scale(v.name, y) : y], real: y })),
  }));
  const empty = shown.every((v) => !ranges[v.name]);
  const one = shown[0];
  return {
    backgroundColor: 'transparent', animation: false, useUTC: true, textStyle: { color: textColor() },
    grid: { ...GRID, bottom: 76 },
    legend: { bottom: 0, type: 'scroll', textStyle: { color: textColor() } },
    tooltip: {
      trigger: 'axis', confine: true, className: 'chart-tip', axisPointer: { type: 'line', snap: true, label: { show: false } },
      formatter: (ps) => {
        const list = Array.isArray(ps) ? ps : [ps];
        if (!list.length) return '';
        const t = list[0].value[0];
        const lines = list.map((p) => {
          const v = app.vars.find((x) => x.name === p.seriesId);
          const real = p.data.real;
          return `<span class="dot" style="background:${COLORS[v.name]}"></span>${esc(v.label)}: <b>${real == null ? 'missing' : `${nf(v.digits).format(real)} ${esc(v.unit)}`}</b>`;
        });
        return `<div class="tip-head">${esc(osloText(isoAt(data, t), 'hour'))}</div>${lines.join('<br>')}`;
      },
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    xAxis: timeAxis(data, width),
    yAxis: all ? { type: 'value', min: 0, max: 100, name: 'Share of each variable’s range in the period (%)', nameTextStyle: { align: 'left' }, axisLabel: { formatter: '{value}%' } }
      : { type: 'value', scale: true, name: `${one.label} (${one.unit})`, nameTextStyle: { align: 'left' },
        ...(one.aggregation === 'direction' ? { min: 0, max: 360, interval: 90 } : {}) },
    graphic: empty ? [{ type: 'text', left: 'center', top: 'middle', style: { text: 'No weather stored in this period', fontSize: 14, fill: '#888' } }] : [],
    series,
  };
}

function energyOption(s, data, edata, width) {
  const grid = hourGrid(edata, energyTotals(edata));
  const { area } = s.place;
  return {
    backgroundColor: 'transparent', animation: false, useUTC: true, textStyle: { color: textColor() },
    grid: { ...GRID, bottom: 48 },
    tooltip: {
      trigger: 'axis', confine: true, className: 'chart-tip', axisPointer: { type: 'line', snap: true, label: { show: false } },
      formatter: (ps) => {
        const p = (Array.isArray(ps) ? ps : [ps])[0];
        if (!p) return '';
        return `<div class="tip-head">${esc(osloText(isoAt(edata, p.value[0]), 'hour'))}</div>${esc(s.energy)} ${area}: <b>${p.data.kwh == null ? 'missing' : `${nf(3).format(p.data.kwh / 1000)} MWh`}</b>`;
      },
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    // The same x extent as the weather chart: the same period asked for.
    xAxis: timeAxis(data, width),
    yAxis: { type: 'value', name: `${s.energy[0].toUpperCase()}${s.energy.slice(1)} ${area}, all groups (MWh per hour)`, nameTextStyle: { align: 'left' } },
    graphic: grid.every((p) => p[1] == null) ? [{ type: 'text', left: 'center', top: 'middle', style: { text: `No ${s.energy} stored for ${area} in this period`, fontSize: 14, fill: '#888' } }] : [],
    series: [{ id: 'energy', name: s.energy, type: 'line', connectNulls: false, showSymbol: false, color: '#555', lineStyle: { width: 1.2 },
      data: grid.map(([t, y]) => ({ value: [t, y == null ? null : y / 1000], kwh: y })) }],
  };
}

function sparkOption(v, mdata) {
  return {
    animation: false, useUTC: true, backgroundColor: 'transparent',
    grid: { left: 2, right: 2, top: 3, bottom: 3 },
    xAxis: { type: 'time', min: Date.parse(mdata.start), max: Date.parse(mdata.end), show: false },
    yAxis: { type: 'value', scale: true, show: false },
    series: [{ id: v.name, type: 'line', connectNulls: false, showSymbol: false, color: COLORS[v.name], lineStyle: { width: 1 },
      emphasis: { disabled: true }, silent: true,
      data: hourGrid(mdata, valuesOf(mdata, v.name)) }],
  };
}

/* ---- page ---------------------------------------------------------------- */

function drawControls(s) {
  const locs = weatherLocations(app.meta);
  const opts = [...new Set([...locs, s.place.loc])];
  $('loc').innerHTML = opts.map((l) => `<option value="${esc(l)}"${l === s.place.loc ? ' selected' : ''}>${esc(placeLabel(app, l))}${locs.includes(l) ? '' : ' (no weather stored)'}</option>`).join('');
  $('var').innerHTML = [['all', 'All together (each scaled to its range, %)'], ...app.vars.map((v) => [v.name, `${v.label} (${v.unit})`])]
    .map(([k, t]) => `<option value="${k}"${k === s.v ? ' selected' : ''}>${esc(t)}</option>`).join('');
  const n = s.months.length;
  for (const id of ['range-from', 'range-to']) { $(id).min = 0; $(id).max = Math.max(0, n - 1); $(id).disabled = n < 2; }
  $('range-from').value = Math.max(0, s.months.indexOf(s.from));
  $('range-to').value = Math.max(0, s.months.indexOf(s.to));
  $('range-text').textContent = s.from ? (s.from === s.to ? monthText(s.from) : `${monthText(s.from)} – ${monthText(s.to)}`) : '–';
  $('month').innerHTML = s.months.map((m) => `<option value="${m}"${m === s.month ? ' selected' : ''}>${monthText(m)}</option>`).join('');
  // The energy of the price area holding the place (a point's too).
  const { area } = s.place;
  const edm = app.meta.datasets.filter((d) => ENERGY.includes(d.name) && area && d.areas.includes(area));
  const can = edm.length > 0;
  $('energy').checked = !!s.energy;
  $('energy').disabled = !can && !s.energy;
  const want = s.energy || 'production';
  $('energy-ds').innerHTML = ENERGY.map((d) => `<option value="${d}"${d === want ? ' selected' : ''}>${d}</option>`).join('');
  let note = '';
  if (!area) note = 'energy is per price area, and this place is in none';
  else if (!edm.some((d) => d.name === want)) note = `no ${want} stored for ${area}`;
  $('energy-note').textContent = note;
}

function drawTable(s, mdata, summary, totals) {
  const body = $('wx-table').querySelector('tbody');
  for (const c of Object.values(app.charts.sparks)) c.dispose();
  app.charts.sparks = {};
  body.replaceChildren();
  $('wx-caption').textContent = `${monthText(s.month)} at ${placeLabel(app, s.place.loc)}: ${mdata.period_hours} hours (Europe/Oslo)`;
  for (const v of app.vars) {
    const g = (summary.groups || {})[v.name];
    const tr = document.createElement('tr');
    tr.dataset.variable = v.name;
    const f = (x) => (x == null ? '–' : nf(v.digits).format(x));
    let min = null;
    let max = null;
    let mean = null;
    if (g && g.hours) {
      // All from /api/summary: min and max, and the mean (the variable's
      // aggregation over the hours present: a direction's circular mean, a
      // sum's mean per hour); the total of a sum from /api/totals.
      [, min] = g.min;
      [, max] = g.max;
      mean = g.mean;
    }
    const total = v.aggregation === 'sum' && g && g.hours ? totals.totals[v.name] : null;
    Object.assign(tr.dataset, { min: min ?? '', mean: mean ?? '', max: max ?? '', hours: g ? g.hours : 0, total: total ?? '' });
    tr.innerHTML = `<th scope="row">${esc(v.label)}</th><td>${esc(v.unit)}</td><td title="${g && g.hours ? esc(g.min[0]) : ''}">${f(min)}</td>`
      + `<td>${f(mean)}${v.aggregation === 'direction' && mean != null ? ' <span class="muted">(circular)</span>' : ''}</td>`
      + `<td title="${g && g.hours ? esc(g.max[0]) : ''}">${f(max)}</td><td>${total == null ? '' : `${f(total)} ${esc(v.unit)}`}</td>`
      + `<td>${g ? g.hours : 0} / ${mdata.period_hours}</td><td class="spark-cell"><div class="spark" role="img" aria-label="${esc(v.label)}, hourly, ${monthText(s.month)}"></div></td>`;
    body.append(tr);
    const c = echarts.init(tr.querySelector('.spark'), theme(), { renderer: 'canvas' });
    c.setOption(sparkOption(v, mdata));
    app.charts.sparks[v.name] = c;
  }
}

async function render() {
  const my = renderStart(app);
  const s = app.state;
  drawControls(s);
  const loc = s.place.loc;
  const stored = s.months.length > 0;
  $('nodata').hidden = stored;
  $('wx').hidden = !stored;
  if (!stored) {
    $('nodata-place').textContent = placeLabel(app, loc);
    // The server's suggestion: the last 12 full months (as the Map page's).
    const cmd = await fetchCommand(s.place).catch((e) => `(${e.message})`);
    if (my !== app.token) return undefined;
    $('nodata-cmd').textContent = cmd;
    setStatus(app.placeError || '', !!app.placeError);
    return renderDone(app);
  }
  const names = app.vars.map((v) => v.name).join(',');
  const period = { dataset: 'weather', area: loc, groups: names, from: `${s.from}-01`, to: `${s.to}-${pad(lastDay(s.to))}`, step: 'hour' };
  const mon = { dataset: 'weather', area: loc, from: `${s.month}-01`, to: `${s.month}-${pad(lastDay(s.month))}` };
  const jobs = [getJSON(`/api/series?${apiQuery(period)}`), getJSON(`/api/series?${apiQuery({ ...mon, groups: names, step: 'hour' })}`),
    getJSON(`/api/summary?${apiQuery({ ...mon, groups: names })}`), getJSON(`/api/totals?${apiQuery({ ...mon, groups: names })}`)];
  // The energy of the area only where that dataset holds the area (a point,
  // or an area without it, has no energy to draw: the note says so).
  const edm = app.meta.datasets.find((d) => d.name === s.energy);
  const { area } = s.place;
  if (s.energy && edm && area && edm.areas.includes(area)) jobs.push(getJSON(`/api/series?${apiQuery({ dataset: s.energy, area, from: period.from, to: period.to, step: 'hour' })}`));
  setStatus('Loading…');
  try {
    const [data, mdata, summary, totals, edata] = await Promise.all(jobs);
    if (my !== app.token) return undefined;
    app.data = { data, mdata, summary, totals, edata };
    chartTheme = chartTheme === undefined ? theme() : chartTheme;
    const main = chartAt($('main-chart'));
    main.setOption(mainOption(s, data, $('main-chart').clientWidth), true);
    app.charts.main = main;
    $('energy-box').hidden = !edata;
    if (edata) {
      const ec = chartAt($('energy-chart'));
      ec.setOption(energyOption(s, data, edata, $('energy-chart').clientWidth), true);
      app.charts.energy = ec;
      echarts.connect([main, ec]);
    } else if (app.charts.energy) {
      app.charts.energy.dispose();
      app.charts.energy = null;
    }
    chartTheme = theme();
    drawTable(s, mdata, summary, totals);
    setStatus(app.placeError || '', !!app.placeError);
  } catch (e) {
    if (my !== app.token) return undefined;
    setStatus(`Could not load the data: ${e.message}`, true);
  }
  return renderDone(app);
}

async function start() {
  if (!await loadMeta(app)) return;
  app.vars = variables(app.meta);
  await resolvePlace(app, new URLSearchParams(location.search));
  app.state = readState();
  history.replaceState(null, '', `?${stateQuery(app.state)}`);
  pageNav('/weather');
  $('loc').addEventListener('change', (e) => changePlace(e.target.value));
  $('var').addEventListener('change', (e) => update({ v: e.target.value }));
  const range = (e) => {
    const a = +$('range-from').value;
    const b = +$('range-to').value;
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const m = app.state.months;
    if (e.type === 'input') {
      $('range-text').textContent = lo === hi ? monthText(m[lo]) : `${monthText(m[lo])} – ${monthText(m[hi])}`;
      return;
    }
    const month = app.state.month >= m[lo] && app.state.month <= m[hi] ? app.state.month : m[hi];
    update({ from: m[lo], to: m[hi], month });
  };
  for (const id of ['range-from', 'range-to']) { $(id).addEventListener('input', range); $(id).addEventListener('change', range); }
  $('month').addEventListener('change', (e) => update({ month: e.target.value }));
  $('energy').addEventListener('change', (e) => update({ energy: e.target.checked ? $('energy-ds').value : '' }));
  $('energy-ds').addEventListener('change', (e) => { if (app.state.energy) update({ energy: e.target.value }); });
  const reread = async () => { await resolvePlace(app, new URLSearchParams(location.search)); app.state = readState(); };
  themeButton(async () => { await reread(); render(); });
  window.addEventListener('popstate', async () => { await reread(); pageNav('/weather'); render(); });
  let t = null;
  window.addEventListener('resize', () => {
    clearTimeout(t);
    t = setTimeout(() => { for (const c of [app.charts.main, app.charts.energy, ...Object.values(app.charts.sparks)]) if (c) c.resize(); }, 100);
  });
  render();
}

applyTheme();
pageNav('/weather');
start();
