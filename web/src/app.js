// The dashboard page: reads /api/meta, keeps every selection in the URL,
// and draws the pie, the time series, the NO1-NO5 small multiples and the
// missing-hour notes with Apache ECharts (tree-shaken by esbuild). Times come
// from the API with their Oslo offset and are shown as Oslo wall time.
import * as echarts from 'echarts/core';
import { LineChart, PieChart } from 'echarts/charts';
import {
  AriaComponent, DataZoomInsideComponent, GridComponent, LegendComponent,
  MarkAreaComponent, TitleComponent, TooltipComponent, GraphicComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, PieChart, AriaComponent, DataZoomInsideComponent, GridComponent,
  LegendComponent, MarkAreaComponent, TitleComponent, TooltipComponent, GraphicComponent,
  CanvasRenderer]);

const AREAS = ['NO1', 'NO2', 'NO3', 'NO4', 'NO5'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
const UNITS = [['kWh', 1], ['MWh', 1e3], ['GWh', 1e6], ['TWh', 1e9]];
const STEPS = ['hour', 'day', 'week', 'month'];
const VIEWS = ['lines', 'stacked', 'share'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MON = MONTHS.map((m) => m.slice(0, 3));

const $ = (id) => document.getElementById(id);

// Exposed for the browser tests and for debugging from the console.
const app = { meta: null, state: null, charts: { pie: null, line: null, multiples: [] },
  data: {}, ready: false, renders: 0 };
window.elhub = app;

/* ---- formatting ------------------------------------------------------- */

// The unit in which the largest shown value is at least 1 (src/present.c).
function unitFor(max) {
  let u = UNITS[0];
  for (const x of UNITS) if (Math.abs(max) >= x[1]) u = x;
  return u;
}
const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const nf3 = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
// A round axis maximum at or above v (1, 1.25, 1.5, ... times a power of 10).
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return (Math.ceil((v / p) * 4) / 4) * p;
}
function kwhText(v) { return v == null ? '–' : `${nf.format(v)} kWh`; }
function scaled(v, u) { return `${nf3.format(v / u[1])} ${u[0]}`; }

// "2021-10-31T02:00:00+01:00" -> its Oslo wall time as if it were UTC (for
// an ECharts time axis with useUTC), plus the offset text.
function wall(iso) {
  const ms = Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10),
    +iso.slice(11, 13), +iso.slice(14, 16), +iso.slice(17, 19));
  return ms;
}
function osloText(iso, step) {
  const d = new Date(wall(iso));
  const day = `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MON[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  if (step === 'month') return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  if (step === 'week') return `Week of ${day}`;
  if (step === 'day') return day;
  return `${day}, ${iso.slice(11, 16)} (UTC${iso.slice(19)})`;
}
function dateText(iso) { return osloText(iso, 'day'); }

/* ---- state in the URL ------------------------------------------------- */

function datasetMeta(name) { return app.meta.datasets.find((d) => d.name === name); }

// Makes a state consistent with the data: a dataset present, a year and an
// area of that dataset, a month, known groups. q holds the wanted values.
function normalize(q) {
  const dsNames = app.meta.datasets.map((d) => d.name);
  const ds = dsNames.includes(q.ds) ? q.ds : (dsNames.includes('production') ? 'production' : dsNames[0]);
  const dm = datasetMeta(ds);
  const years = dm.years.length ? dm.years : [+dm.last.slice(0, 4)];
  const year = years.includes(+q.year) ? +q.year : years[years.length - 1];
  const area = AREAS.includes(q.area) && dm.areas.includes(q.area) ? q.area
    : (dm.areas.includes('NO1') ? 'NO1' : (dm.areas[0] || 'NO1'));
  let month = q.month == null ? null : String(q.month);
  if (year !== +q.year || !(month === 'all' || (+month >= 1 && +month <= 12 && String(+month) === month))) {
    // The newest month of data when the year is the newest one, else January.
    month = year === +dm.last.slice(0, 4) ? String(+dm.last.slice(5, 7)) : '1';
  }
  const groups = (q.groups || []).filter((g) => dm.groups.includes(g));
  const step = STEPS.includes(q.step) ? q.step : 'hour';
  const view = VIEWS.includes(q.view) ? q.view : 'lines';
  const theme = ['dark', 'light'].includes(q.theme) ? q.theme : 'auto';
  return { ds, year, area, month, groups, step, view, compare: !!q.compare, theme };
}

function readState() {
  const q = new URLSearchParams(location.search);
  return normalize({ ds: q.get('ds'), year: q.get('year'), area: q.get('area'), month: q.get('month'),
    groups: (q.get('groups') || '').split(','), step: q.get('step'), view: q.get('view'),
    compare: q.get('compare') === '1', theme: q.get('theme') });
}

function stateQuery(s) {
  const q = new URLSearchParams();
  q.set('ds', s.ds); q.set('area', s.area); q.set('year', s.year); q.set('month', s.month);
  if (s.groups.length) q.set('groups', s.groups.join(','));
  q.set('step', s.step); q.set('view', s.view);
  if (s.compare) q.set('compare', '1');
  if (s.theme !== 'auto') q.set('theme', s.theme);
  return q.toString();
}

// A user change: the new state goes into history (so back/forward work).
function update(patch) {
  app.state = normalize({ ...app.state, ...patch });
  history.pushState(null, '', `?${stateQuery(app.state)}`);
  render();
}

/* ---- data ------------------------------------------------------------- */

const memo = new Map();
async function getJSON(url, fresh) {
  if (!fresh && memo.has(url)) return memo.get(url);
  const p = fetch(url, { cache: 'no-cache' }).then(async (r) => {
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(`${url}: ${body.detail || r.status}`);
    return body;
  });
  if (!fresh) {
    memo.set(url, p);
    p.catch(() => memo.delete(url));
    if (memo.size > 80) memo.delete(memo.keys().next().value);
  }
  return p;
}

function pad(n) { return String(n).padStart(2, '0'); }
function monthRange(s) {
  if (s.month === 'all') return [`${s.year}-01-01`, `${s.year}-12-31`];
  const m = +s.month;
  const last = new Date(Date.UTC(s.year, m, 0)).getUTCDate();
  return [`${s.year}-${pad(m)}-01`, `${s.year}-${pad(m)}-${pad(last)}`];
}
function apiQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  return q.toString();
}
function seriesParams(s, area) {
  const [from, to] = monthRange(s);
  return { dataset: s.ds, area, groups: s.groups.join(','), from, to, step: s.step };
}
function totalsParams(s) {
  return { dataset: s.ds, area: s.area, from: `${s.year}-01-01`, to: `${s.year}-12-31` };
}

/* ---- charts ----------------------------------------------------------- */

function effectiveTheme() {
  if (app.state && app.state.theme !== 'auto') return app.state.theme;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

let chartTheme = null;
// The page's two charts, re-created when the theme changed (ECharts themes
// are fixed at init).
function ensureCharts() {
  const t = effectiveTheme();
  for (const key of ['pie', 'line']) {
    let c = echarts.getInstanceByDom($(key));
    if (c && chartTheme !== t) { c.dispose(); c = null; }
    if (!c) c = echarts.init($(key), t === 'dark' ? 'dark' : null, { renderer: 'canvas' });
    app.charts[key] = c;
  }
  chartTheme = t;
}
function chart(el) {
  return echarts.init(el, effectiveTheme() === 'dark' ? 'dark' : null, { renderer: 'canvas' });
}

function color(g) { return (app.meta.groups[g] || {}).color || '#888'; }
function label(g) { return (app.meta.groups[g] || {}).label || g; }
// Text for the HTML of a tooltip (ECharts renders formatter output as HTML).
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function textStyle() {
  return { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif' };
}

function drawPie(totals) {
  const c = app.charts.pie;
  const entries = Object.entries(totals.totals).filter(([, v]) => v > 0);
  const sum = entries.reduce((a, [, v]) => a + v, 0);
  const u = unitFor(sum);
  c.setOption({
    backgroundColor: 'transparent', animation: false, textStyle: textStyle(),
    aria: { enabled: true },
    tooltip: { trigger: 'item', formatter: (p) => `${p.marker}<b>${esc(p.name)}</b><br>${kwhText(p.value)}<br>${scaled(p.value, u)} · ${p.percent}%` },
    legend: { bottom: 0, type: 'scroll' },
    graphic: entries.length ? [] : [{ type: 'text', left: 'center', top: 'middle', style: { text: 'No data for this area and year', fontSize: 14, fill: '#888' } }],
    series: [{
      type: 'pie', radius: ['0%', '62%'], center: ['50%', '46%'],
      minShowLabelAngle: 4,
      label: { formatter: (p) => `${p.name}\n${p.percent}%`, lineHeight: 16 },
      data: entries.map(([g, v]) => ({ id: g, name: label(g), value: v, itemStyle: { color: color(g) } })),
    }],
  }, true);
  $('pie-note').textContent = entries.length
    ? `${totals.area}, ${app.state.year}: ${scaled(sum, u)} in total` : '';
}

// Series points for ECharts: [wall ms, value, iso, kWh]; in hourly series a
// null point is put into each hole so the line breaks where hours are missing.
function points(list, step, share, totalsAt) {
  const out = [];
  let prev = null;
  for (const [iso, kwh] of list) {
    const t = Date.parse(iso);
    if (step === 'hour' && prev !== null && t - prev > 3600e3) out.push([wall(iso) - 1, null]);
    const v = share ? (totalsAt.get(iso) ? (100 * kwh) / totalsAt.get(iso) : 0) : kwh;
    out.push([wall(iso), v, iso, kwh]);
    prev = t;
  }
  return out;
}

function seriesOption(data, s, opts) {
  const groups = Object.keys(data.series);
  const share = s.view === 'share';
  const totalsAt = new Map();
  if (share) {
    for (const g of groups) for (const [iso, v] of data.series[g]) totalsAt.set(iso, (totalsAt.get(iso) || 0) + v);
  }
  let max = 0;
  if (s.view === 'stacked') {
    const sums = new Map();
    for (const g of groups) for (const [iso, v] of data.series[g]) sums.set(iso, (sums.get(iso) || 0) + v);
    for (const v of sums.values()) max = Math.max(max, v);
  } else {
    for (const g of groups) for (const [, v] of data.series[g]) max = Math.max(max, v);
  }
  if (opts.max != null) max = opts.max;
  const u = unitFor(max);
  const stepName = { hour: 'hour', day: 'day', week: 'week', month: 'month' }[s.step];
  const yName = share ? 'Share of total (%)' : `${u[0]} per ${stepName}`;
  const empty = groups.every((g) => data.series[g].length === 0);
  const series = groups.map((g, i) => ({
    id: g, name: label(g), type: 'line', showSymbol: false, connectNulls: false,
    sampling: 'lttb', color: color(g), lineStyle: { width: 1.5 },
    stack: s.view === 'lines' ? undefined : 'total',
    areaStyle: s.view === 'lines' ? undefined : { opacity: 0.85 },
    step: s.step === 'hour' ? false : 'start',
    data: points(data.series[g], s.step, share, totalsAt),
    markArea: i === 0 && opts.gaps && opts.gaps.length ? {
      silent: true, itemStyle: { color: 'rgba(214, 39, 40, 0.12)' },
      label: { show: false }, data: opts.gaps,
    } : undefined,
  }));
  return {
    backgroundColor: 'transparent', animation: false, useUTC: true, textStyle: textStyle(),
    aria: { enabled: true },
    title: opts.title ? { text: opts.title, left: 'center', top: 0, textStyle: { fontSize: 13 } } : undefined,
    grid: { left: 8, right: 16, top: opts.title ? 48 : 36, bottom: opts.legend ? 40 : 8, containLabel: true },
    legend: opts.legend ? { bottom: 0, type: 'scroll' } : undefined,
    tooltip: {
      trigger: 'axis', confine: true,
      formatter: (ps) => {
        const first = ps.find((p) => p.data && p.data[2]);
        if (!first) return '';
        const rows = ps.filter((p) => p.data && p.data[2]).map((p) => share
          ? `${p.marker}${esc(p.seriesName)}: <b>${nf3.format(p.data[1])}%</b> (${kwhText(p.data[3])})`
          : `${p.marker}${esc(p.seriesName)}: <b>${kwhText(p.data[3])}</b> (${scaled(p.data[3], u)})`);
        return `${osloText(first.data[2], s.step)}<br>${rows.join('<br>')}`;
      },
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    xAxis: { type: 'time', name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26, nameTextStyle: { fontSize: 11 }, show: !empty },
    yAxis: {
      type: 'value', name: yName, nameTextStyle: { align: 'left' }, max: share ? 100 : (opts.max != null ? opts.max : undefined),
      axisLabel: { formatter: (v) => (share ? `${v}%` : nf3.format(v / u[1])) },
      show: !empty,
    },
    graphic: empty ? [{ type: 'text', left: 'center', top: 'middle', style: { text: 'No data for this selection', fontSize: 14, fill: '#888' } }] : [],
    series,
  };
}

function gapAreas(quality) {
  // Bands for partial gaps; groups missing over the whole range are named in
  // the note instead of covering the chart.
  const bands = [];
  for (const q of Object.values(quality.groups)) {
    if (q.present === 0) continue;
    for (const [a, b] of q.gaps) bands.push([{ xAxis: wall(a) }, { xAxis: wall(b) }]);
  }
  return bands;
}

function qualityNote(quality) {
  const whole = [];
  const part = [];
  for (const [g, q] of Object.entries(quality.groups)) {
    if (q.missing === 0) continue;
    if (q.present === 0) whole.push(label(g));
    else part.push(`${label(g)} ${q.missing} h (from ${osloText(q.gaps[0][0], 'hour')})`);
  }
  const el = $('quality');
  if (!whole.length && !part.length) {
    el.textContent = `No missing hours: ${quality.expected_hours} of ${quality.expected_hours} present.`;
    el.classList.remove('bad');
    return;
  }
  const bits = [];
  if (part.length) bits.push(`Missing hours (shaded): ${part.join('; ')}`);
  if (whole.length) bits.push(`No data at all: ${whole.join(', ')}`);
  el.textContent = `${bits.join('. ')}. Of ${quality.expected_hours} hours.`;
  el.classList.add('bad');
}

/* ---- controls --------------------------------------------------------- */

function radioGroup(field, name, values, current, labels, disabled, onChange) {
  const legend = field.querySelector('legend');
  field.replaceChildren(legend);
  for (const v of values) {
    const l = document.createElement('label');
    const i = document.createElement('input');
    i.type = 'radio'; i.name = name; i.value = v; i.checked = v === current;
    i.disabled = disabled ? disabled(v) : false;
    i.addEventListener('change', () => onChange(v));
    const s = document.createElement('span');
    s.textContent = labels ? labels(v) : v;
    l.append(i, s);
    field.append(l);
  }
}

function fillSelect(sel, options, current) {
  sel.replaceChildren(...options.map(([v, t]) => {
    const o = document.createElement('option');
    o.value = v; o.textContent = t; o.selected = String(v) === String(current);
    return o;
  }));
}

function drawControls() {
  const s = app.state;
  const dm = datasetMeta(s.ds);
  const title = dm.title;
  $('title').textContent = `Electricity ${title.toLowerCase()} in Norway`;
  $('pie-title').textContent = `Total ${title.toLowerCase()} by group`;
  $('line-title').textContent = `${{ hour: 'Hourly', day: 'Daily', week: 'Weekly', month: 'Monthly' }[s.step]} ${title.toLowerCase()}`;
  const dsField = $('dataset-field');
  dsField.hidden = app.meta.datasets.length < 2;
  radioGroup(dsField, 'dataset', app.meta.datasets.map((d) => d.name), s.ds,
    (v) => datasetMeta(v).title, null, (v) => update({ ds: v, groups: [] }));
  fillSelect($('year'), dm.years.map((y) => [y, y]), s.year);
  radioGroup($('area-field'), 'area', AREAS, s.area, null, (v) => !dm.areas.includes(v),
    (v) => update({ area: v }));
  fillSelect($('month'), [...MONTHS.map((m, i) => [i + 1, m]), ['all', 'Whole year']], s.month);
  $('step').value = s.step;
  $('view').value = s.view;
  $('compare').checked = s.compare;
  const pills = $('pills');
  pills.replaceChildren();
  for (const g of dm.groups) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'pill'; b.dataset.group = g;
    b.setAttribute('aria-pressed', String(s.groups.includes(g)));
    const dot = document.createElement('i');
    dot.style.background = color(g);
    b.append(dot, label(g));
    b.addEventListener('click', () => {
      const on = s.groups.includes(g);
      update({ groups: on ? s.groups.filter((x) => x !== g) : [...s.groups, g].sort() });
    });
    pills.append(b);
  }
  const hint = document.createElement('span');
  hint.className = 'hint';
  hint.textContent = s.groups.length ? 'Showing the selected groups' : 'None selected: showing all groups';
  pills.append(hint);
  const dark = effectiveTheme() === 'dark';
  $('theme').setAttribute('aria-pressed', String(dark));
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  $('src-dataset').textContent = `${dm.api_name} (${dm.title.toLowerCase()} per price area, group and hour)`;
  $('src-coverage').textContent = `${osloText(dm.first, 'hour')} to ${osloText(dm.last, 'hour')} (start of the first and last hour stored)`;
}

/* ---- render ----------------------------------------------------------- */

let token = 0;
function setStatus(text, error) {
  const st = $('status');
  st.textContent = text;
  st.classList.toggle('error', !!error);
}

// What a view needs from the API, as promises (memoised by URL): totals,
// series, quality, then the five areas' series for the small multiples.
function requests(s) {
  const [from, to] = monthRange(s);
  // Quality names its groups (the selection, else the area's groups from
  // /api/meta), so the server need not summarise the store to find them.
  const areaGroups = [...new Set(datasetMeta(s.ds).series.filter((x) => x.area === s.area).map((x) => x.group))];
  const qq = apiQuery({ dataset: s.ds, area: s.area, groups: (s.groups.length ? s.groups : areaGroups).join(','), from, to });
  const jobs = [getJSON(`/api/totals?${apiQuery(totalsParams(s))}`), getJSON(`/api/series?${apiQuery(seriesParams(s, s.area))}`),
    getJSON(`/api/quality?${qq}`)];
  if (s.compare) for (const a of AREAS) jobs.push(getJSON(`/api/series?${apiQuery(seriesParams(s, a))}`));
  // A rejection is handled where the promises are awaited.
  for (const j of jobs) j.catch(() => {});
  return jobs;
}

async function render() {
  const my = ++token;
  const s = app.state;
  app.ready = false;
  document.body.dataset.ready = '0';
  // The requests go out first, so the server answers while the controls
  // and charts are being built.
  const jobs = requests(s);
  drawControls();
  const tq = apiQuery(totalsParams(s));
  const sq = apiQuery(seriesParams(s, s.area));
  $('pie-csv').href = `/api/export.csv?chart=totals&${tq}`;
  $('line-csv').href = `/api/export.csv?${sq}`;
  performance.mark('elhub:controls');
  ensureCharts();
  performance.mark('elhub:init');
  const { pie, line } = app.charts;
  const loading = { text: 'Loading…', color: '#1f77b4', maskColor: chartTheme === 'dark' ? 'rgba(27,32,41,0.7)' : 'rgba(255,255,255,0.7)', textColor: chartTheme === 'dark' ? '#e6e9ef' : '#1d2330' };
  const slow = setTimeout(() => { pie.showLoading(loading); line.showLoading(loading); setStatus('Loading…'); }, 120);
  $('main').setAttribute('aria-busy', 'true');
  try {
    const [totals, series, quality, ...multi] = await Promise.all(jobs);
    if (my !== token) return;
    app.data = { totals, series, quality, multi };
    draw();
    setStatus('');
  } catch (e) {
    if (my !== token) return;
    setStatus(`Could not load the data: ${e.message}`, true);
  } finally {
    clearTimeout(slow);
    if (my === token) {
      pie.hideLoading(); line.hideLoading();
      $('main').setAttribute('aria-busy', 'false');
    }
  }
}

function draw() {
  const s = app.state;
  const { totals, series, quality, multi } = app.data;
  ensureCharts();
  performance.mark('elhub:data');
  drawPie(totals);
  performance.mark('elhub:pie');
  app.charts.line.setOption(seriesOption(series, s, { legend: true, gaps: gapAreas(quality) }), true);
  performance.mark('elhub:line');
  qualityNote(quality);
  const box = $('multiples');
  box.hidden = !s.compare;
  for (const c of app.charts.multiples) c.dispose();
  app.charts.multiples = [];
  box.replaceChildren();
  if (s.compare && multi.length) {
    let max = 0;
    for (const m of multi) {
      const groups = Object.keys(m.series);
      if (s.view === 'stacked') {
        const sums = new Map();
        for (const g of groups) for (const [iso, v] of m.series[g]) sums.set(iso, (sums.get(iso) || 0) + v);
        for (const v of sums.values()) max = Math.max(max, v);
      } else if (s.view === 'lines') {
        for (const g of groups) for (const [, v] of m.series[g]) max = Math.max(max, v);
      }
    }
    multi.forEach((m, i) => {
      const el = document.createElement('div');
      el.className = 'chart';
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', `${AREAS[i]}: time series per group`);
      box.append(el);
      const c = chart(el);
      c.setOption(seriesOption(m, s, { title: AREAS[i], max: s.view === 'share' ? null : niceMax(max) }), true);
      app.charts.multiples.push(c);
    });
  }
  app.ready = true;
  app.renders++;
  requestAnimationFrame(() => {
    document.body.dataset.ready = '1';
    if (app.drawnAt == null) app.drawnAt = performance.now();
  });
}

async function refreshSource() {
  try {
    const meta = await getJSON('/api/meta', true);
    const dm = meta.datasets.find((d) => d.name === app.state.ds);
    $('src-records').textContent = `${nf.format(dm ? dm.records : 0)} ${app.state.ds} records (${nf.format(meta.records)} in all datasets)`;
    $('src-asof').textContent = `as of ${new Date().toLocaleTimeString('en-GB')}`;
    if (dm) $('src-coverage').textContent = `${osloText(dm.first, 'hour')} to ${osloText(dm.last, 'hour')} (start of the first and last hour stored)`;
  } catch (e) {
    $('src-records').textContent = `unavailable (${e.message})`;
  }
}

/* ---- start ------------------------------------------------------------ */

async function start() {
  try {
    // The first read takes the response index.html preloaded (a request
    // with the default cache mode matches it); later reads are fresh.
    const r = await fetch('/api/meta');
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(`/api/meta: ${body.detail || r.status}`);
    app.meta = body;
    performance.mark('elhub:meta');
  } catch (e) {
    setStatus(`Could not reach the server's API: ${e.message}`, true);
    return;
  }
  if (!app.meta.records || !app.meta.datasets.length) {
    setStatus('');
    $('empty').hidden = false;
    return;
  }
  $('main').hidden = false;
  app.state = readState();
  history.replaceState(null, '', `?${stateQuery(app.state)}`);
  $('year').addEventListener('change', (e) => update({ year: +e.target.value }));
  $('month').addEventListener('change', (e) => update({ month: e.target.value }));
  $('step').addEventListener('change', (e) => update({ step: e.target.value }));
  $('view').addEventListener('change', (e) => update({ view: e.target.value }));
  $('compare').addEventListener('change', (e) => update({ compare: e.target.checked }));
  $('theme').addEventListener('click', () => update({ theme: effectiveTheme() === 'dark' ? 'light' : 'dark' }));
  $('source').addEventListener('toggle', () => { if ($('source').open) refreshSource(); });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (app.state.theme === 'auto') { drawControls(); draw(); }
  });
  window.addEventListener('popstate', () => { app.state = readState(); render(); });
  let resize = null;
  window.addEventListener('resize', () => {
    clearTimeout(resize);
    resize = setTimeout(() => {
      for (const c of [app.charts.pie, app.charts.line, ...app.charts.multiples]) if (c) c.resize();
    }, 100);
  });
  render();
}

// The theme before the first paint, so a dark OS never flashes white.
document.documentElement.dataset.theme = (new URLSearchParams(location.search).get('theme')
  || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
performance.mark("elhub:script");
start();
