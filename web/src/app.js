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
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { $, applyTheme, esc, getJSON, inUnit, pad, pageNav, scaled, unitFor } from './common.js';
import { MONTHS, offsetsOf, osloText, osloTicks, tickLabel } from './oslotime.js';

echarts.use([LineChart, PieChart, AriaComponent, DataZoomInsideComponent, GridComponent,
  LegendComponent, MarkAreaComponent, TitleComponent, TooltipComponent, GraphicComponent,
  CanvasRenderer, SVGRenderer]);

const AREAS = ['NO1', 'NO2', 'NO3', 'NO4', 'NO5'];
// Norway: the sum of the five areas, answered by the API as area NO (its
// coverage is that of the least-covered area holding each group).
const NORWAY = 'NO';
const areaLabel = (a) => (a === NORWAY ? 'Norway' : a);
const UNITS = [['kWh', 1], ['MWh', 1e3], ['GWh', 1e6], ['TWh', 1e9]];
const STEPS = ['hour', 'day', 'week', 'month'];
const VIEWS = ['lines', 'stacked', 'share'];

// Exposed for the browser tests and for debugging from the console.
const app = { meta: null, state: null, charts: { pie: null, line: null, multiples: [] },
  data: {}, ready: false, renders: 0 };
window.elhub = app;

/* ---- formatting ------------------------------------------------------- */

// The unit ladders and the number format of a value in a rung (common.js:
// unitFor, inUnit, scaled) are those of the dataset shown.
const dsm = () => app.meta && app.state && datasetMeta(app.state.ds);
const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
// A round axis maximum at or above v (1, 1.25, 1.5, ... times a power of 10).
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return (Math.ceil((v / p) * 4) / 4) * p;
}
function kwhText(v) { return v == null ? '–' : `${nf.format(v)} kWh`; }

/* ---- Oslo time: web/src/oslotime.js --------------------------------------- */

/* ---- state in the URL ------------------------------------------------- */

function datasetMeta(name) { return app.datasets.find((d) => d.name === name); }

// Makes a state consistent with the data: a dataset present, a year and an
// area of that dataset, a month, known groups. q holds the wanted values.
function normalize(q) {
  const dsNames = app.datasets.map((d) => d.name);
  const ds = dsNames.includes(q.ds) ? q.ds : (dsNames.includes('production') ? 'production' : dsNames[0]);
  const dm = datasetMeta(ds);
  const years = dm.years.length ? dm.years : [+dm.last.slice(0, 4)];
  const year = years.includes(+q.year) ? +q.year : years[years.length - 1];
  const area = (AREAS.includes(q.area) && dm.areas.includes(q.area)) || (q.area === NORWAY && dm.areas.length) ? q.area
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
  // Zoom: "a,b" (epoch ms) inside the period, else none.
  const z = String(q.zoom || '').split(',').map(Number);
  const zoom = z.length === 2 && z.every(Number.isFinite) && z[0] < z[1] ? `${z[0]},${z[1]}` : null;
  // A free date range (Oslo dates, inclusive) instead of the month, up to
  // five years.
  const r = String(q.range || '').split(',');
  const okDate = (x) => /^\d{4}-\d{2}-\d{2}$/.test(x) && dateDays(x) != null;
  const range = r.length === 2 && okDate(r[0]) && okDate(r[1]) && r[0] <= r[1]
    && dateDays(r[1]) - dateDays(r[0]) < 5 * 366 ? `${r[0]},${r[1]}` : null;
  return { ds, year: range ? +r[0].slice(0, 4) : year, area, month, groups, step, view,
    compare: !!q.compare, theme, zoom, range };
}

// The months an area has rows in ("2021-01" -> {group: hours present}),
// from /api/meta.
// {month: {group: hours present}} of an area; for Norway, of every area,
// a group's hours being those of its least-covered area that month.
function areaMonths(dm, area) {
  const out = new Map();
  for (const x of dm.series) {
    if (x.area !== area && area !== NORWAY) continue;
    for (const [m, h] of Object.entries(x.months || {})) {
      if (!out.has(m)) out.set(m, {});
      const g = out.get(m);
      g[x.group] = x.group in g ? Math.min(g[x.group], h) : h;
    }
  }
  return out;
}

// The view a bare URL opens: the most recent month in which the most
// groups of an area are complete (every hour present), so the first view
// is a whole month with every group drawn, not a partial one.
function firstView(dm) {
  const hoursOf = new Map((dm.months || []).map(([m, h]) => [m, h]));
  let best = null;
  for (const area of dm.areas) {
    if (!AREAS.includes(area)) continue;
    for (const [m, groups] of areaMonths(dm, area)) {
      const full = Object.values(groups).filter((h) => h === hoursOf.get(m)).length;
      const score = [full, m];
      if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && score[1] > best.score[1])) {
        best = { score, area, m };
      }
    }
  }
  return best ? { area: best.area, year: +best.m.slice(0, 4), month: String(+best.m.slice(5, 7)) } : {};
}

function readState() {
  const q = new URLSearchParams(location.search);
  if (![...q.keys()].some((k) => ['area', 'year', 'month', 'from'].includes(k))) {
    const dm = datasetMeta(q.get('ds')) || datasetMeta('production') || app.datasets[0];
    return normalize({ ds: dm.name, ...firstView(dm), groups: (q.get('groups') || '').split(','),
      step: q.get('step'), view: q.get('view'), compare: q.get('compare') === '1', theme: q.get('theme'), zoom: q.get('zoom'),
    range: q.get('from') && q.get('to') ? `${q.get('from')},${q.get('to')}` : null });
  }
  return normalize({ ds: q.get('ds'), year: q.get('year'), area: q.get('area'), month: q.get('month'),
    groups: (q.get('groups') || '').split(','), step: q.get('step'), view: q.get('view'),
    compare: q.get('compare') === '1', theme: q.get('theme'), zoom: q.get('zoom'),
    range: q.get('from') && q.get('to') ? `${q.get('from')},${q.get('to')}` : null });
}

function stateQuery(s) {
  const q = new URLSearchParams();
  q.set('ds', s.ds); q.set('area', s.area); q.set('year', s.year); q.set('month', s.month);
  if (s.groups.length) q.set('groups', s.groups.join(','));
  q.set('step', s.step); q.set('view', s.view);
  if (s.compare) q.set('compare', '1');
  if (s.theme !== 'auto') q.set('theme', s.theme);
  if (s.range) { const [f, t] = s.range.split(','); q.set('from', f); q.set('to', t); }
  if (s.zoom) q.set('zoom', s.zoom);
  return q.toString();
}

// A user change: the new state goes into history (so back/forward work).
function update(patch) {
  // A new period or step starts unzoomed.
  const keep = !['ds', 'area', 'year', 'month', 'step', 'range'].some((k) => k in patch && patch[k] !== app.state[k]);
  app.state = normalize({ ...app.state, zoom: keep ? app.state.zoom : null, ...patch });
  history.pushState(null, '', `?${stateQuery(app.state)}`);
  pageNav('/');
  render();
}

/* ---- data ------------------------------------------------------------- */

// Days since 1970 of an ISO date, or null if it is not a date.
function dateDays(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? t / 864e5 : null;
}
function daysDate(n) { return new Date(n * 864e5).toISOString().slice(0, 10); }
function monthRange(s) {
  if (s.range) return s.range.split(',');
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
// The chart reads every group of the area (groups: ''), so its legend and
// the pills are one filter over the same series; the CSV and the small
// multiples name the selection.
function seriesParams(s, area, groups = s.groups) {
  const [from, to] = monthRange(s);
  return { dataset: s.ds, area, groups: groups.join(','), from, to, step: s.step };
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
    if (!c) {
      c = echarts.init($(key), t === 'dark' ? 'dark' : null, { renderer: 'canvas' });
      // The legend is the pills' filter: a click selects groups (URL too).
      if (key === 'line') {
        c.on('legendselectchanged', onLegend);
        c.on('datazoom', onZoom);
      }
    }
    app.charts[key] = c;
  }
  chartTheme = t;
}
// Zoom (wheel or pinch): the window goes into the URL (replacing the entry,
// so back does not step through every wheel tick), the ticks are redrawn
// for it, and the reset button shows.
function onZoom() {
  const c = app.charts.line;
  const ax = app.lineAxis;
  if (!ax) return;
  const [a, b] = c.getModel().getComponent('xAxis', 0).axis.scale.getExtent();
  const whole = a <= ax.P0 && b >= ax.P1;
  app.state = { ...app.state, zoom: whole ? null : `${Math.round(a)},${Math.round(b)}` };
  history.replaceState(null, '', `?${stateQuery(app.state)}`);
  const tk = osloTicks(ax.offs, a, b, ax.maxTicks);
  c.setOption({ xAxis: { axisTick: { customValues: tk.ticks }, axisLabel: { customValues: tk.ticks, formatter: (v) => tickLabel(ax.offs, v, tk.kind) } } });
  $('zoom-reset').hidden = whole;
}
function resetZoom() {
  const ax = app.lineAxis;
  if (ax) app.charts.line.dispatchAction({ type: 'dataZoom', startValue: ax.P0, endValue: ax.P1 });
}
function onLegend(e) {
  const groups = (app.lineGroups || []).filter((g) => e.selected[label(g)]);
  const all = groups.length === (app.lineGroups || []).length;
  update({ groups: all || !groups.length ? [] : groups.sort() });
}
function chart(el) {
  return echarts.init(el, effectiveTheme() === 'dark' ? 'dark' : null, { renderer: 'canvas' });
}

function color(g) { return (app.meta.groups[g] || {}).color || '#888'; }
function label(g) { return (app.meta.groups[g] || {}).label || g; }
function textStyle() {
  return { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif" };
}

// The pie of the year's totals. Each slice says how much of the period its
// group covers: a group with rows for part of the year is drawn lighter and
// labelled "partial" with its hours, so its share is never read as a year's.
function drawPie(totals) {
  const c = app.charts.pie;
  const ph = totals.period_hours || 0;
  const hours = totals.hours || totals.records || {};
  const order = app.meta.group_order || [];
  const rank = (g) => { const i = order.indexOf(g); return i < 0 ? order.length : i; };
  const entries = Object.entries(totals.totals).filter(([, v]) => v > 0)
    .sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : 1));
  const sum = entries.reduce((a, [, v]) => a + v, 0);
  const partial = (g) => ph > 0 && (hours[g] || 0) < ph;
  const cover = (g) => `${nf.format(hours[g] || 0)} of ${nf.format(ph)} h`;
  c.setOption({
    backgroundColor: 'transparent', animation: false, textStyle: textStyle(),
    aria: { enabled: true },
    tooltip: {
      trigger: 'item', className: 'chart-tip',
      formatter: (p) => `${p.marker}<b>${esc(p.name)}</b><br>${scaled(dsm(), p.value)} · ${p.percent}%`
        + `<br>${partial(p.data.id) ? 'Partial: ' : 'Covers '}${cover(p.data.id)}`,
    },
    legend: { bottom: 0, type: 'scroll' },
    graphic: entries.length ? [] : [{ type: 'text', left: 'center', top: 'middle', style: { text: 'No data for this area and year', fontSize: 14, fill: '#888' } }],
    series: [{
      type: 'pie', radius: ['0%', '62%'], center: ['50%', '46%'],
      minShowLabelAngle: 4,
      label: {
        formatter: (p) => (partial(p.data.id) ? `${p.name} ${p.percent}%\npartial: ${cover(p.data.id)}` : `${p.name}\n${p.percent}%`),
        lineHeight: 16,
      },
      data: entries.map(([g, v]) => ({
        id: g, name: label(g), value: v,
        itemStyle: partial(g) ? { color: color(g), opacity: 0.45, borderColor: color(g), borderWidth: 1 } : { color: color(g) },
      })),
    }],
  }, true);
  const parts = entries.filter(([g]) => partial(g)).map(([g]) => `${label(g)} ${cover(g)}`);
  $('pie-note').textContent = entries.length
    ? `${areaLabel(totals.area)}, ${app.state.year}: ${scaled(dsm(), sum)} in total.`
      + (parts.length ? ` Partial coverage (lighter slices; their shares are not the year's): ${parts.join('; ')}.` : '')
    : 'No data for this area and year.';
  $('pie-note').classList.toggle('bad', parts.length > 0);
}

// The buckets of a series answer on one time line: every group aligned on
// the union of bucket times (by time, never by array index), each bucket
// drawn at the middle of its part of the period. b.vals[g] is the kWh of
// group g (undefined where g has no row), b.hrs[g] its hours present,
// b.full the hours of the whole bucket.
function buckets(data) {
  const P0 = Date.parse(data.start);
  const map = new Map();
  for (const [g, list] of Object.entries(data.series)) {
    const hrs = (data.hours && data.hours[g]) || [];
    list.forEach(([iso, kwh], k) => {
      const t = Date.parse(iso);
      let b = map.get(t);
      if (!b) {
        const [, ph, full] = hrs[k] || [1, 1, 1];
        const x0 = Math.max(t, P0);
        const x1 = x0 + ph * 3600e3;
        b = { t, iso, x0, x1, mid: (x0 + x1) / 2, full, inPeriod: ph, vals: {}, hrs: {} };
        map.set(t, b);
      }
      b.vals[g] = kwh;
      b.hrs[g] = hrs[k] ? hrs[k][0] : 1;
    });
  }
  return [...map.values()].sort((a, b) => a.t - b.t);
}

// The groups of a series answer in the shared order (src/present.c).
function orderedGroups(data) {
  const order = app.meta.group_order || [];
  const rank = (g) => { const i = order.indexOf(g); return i < 0 ? order.length : i; };
  return Object.keys(data.series).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

// The groups shown: the selection, else every group of the answer.
function shownGroups(s, groups) {
  return s.groups.length ? groups.filter((g) => s.groups.includes(g)) : groups;
}

// The smallest and largest value drawn (stacked: the sums of the positive
// and of the negative values of a bucket); 0 is always inside.
function valueExtent(B, shown, stacked) {
  let max = 0;
  let min = 0;
  for (const b of B) {
    if (stacked) {
      let pos = 0;
      let neg = 0;
      for (const g of shown) {
        const v = b.vals[g];
        if (v > 0) pos += v; else if (v < 0) neg += v;
      }
      max = Math.max(max, pos);
      min = Math.min(min, neg);
    } else {
      for (const g of shown) {
        if (b.vals[g] != null) { max = Math.max(max, b.vals[g]); min = Math.min(min, b.vals[g]); }
      }
    }
  }
  return [min, max];
}

function seriesOption(data, s, opts) {
  const groups = orderedGroups(data);
  const shown = shownGroups(s, groups);
  const B = buckets(data);
  const share = s.view === 'share';
  const stacked = s.view !== 'lines';
  const measure = s.step === 'hour' ? 'power' : 'energy';
  const P0 = Date.parse(data.start);
  const P1 = Date.parse(data.end);
  const offs = offsetsOf(data);
  const totalAt = (b) => shown.reduce((a, g) => a + (b.vals[g] != null ? b.vals[g] : 0), 0);
  let [min, max] = valueExtent(B, shown, stacked);
  if (opts.max != null) max = opts.max;
  if (opts.min != null) min = opts.min;
  const u = unitFor(dsm(), Math.max(Math.abs(max), Math.abs(min)), measure);
  const stepName = { hour: 'hour', day: 'day', week: 'week', month: 'month' }[s.step];
  const yName = share ? 'Share of total (%)' : (measure === 'power' ? `${u[0]} (mean power in the hour)` : `${u[0]} per ${stepName}`);
  const empty = B.length === 0;
  const dense = s.step === 'hour' && B.length > 60;
  // One data item per bucket in every series (so stacking matches times),
  // plus a break (null) between buckets that do not touch.
  const rows = [];
  B.forEach((b, i) => {
    if (i && B[i - 1].x1 < b.x0) rows.push({ brk: (B[i - 1].x1 + b.x0) / 2 });
    rows.push({ b });
  });
  let negative = 0;
  const series = groups.map((g) => ({
    id: g, name: label(g), type: 'line', connectNulls: false,
    showSymbol: !dense, symbol: 'circle', symbolSize: 7, color: color(g), lineStyle: { width: 1.5 },
    stack: stacked ? 'total' : undefined,
    areaStyle: stacked ? { opacity: 0.85 } : undefined,
    emphasis: { disabled: true },
    data: rows.map((r) => {
      if (r.brk != null) return { value: [r.brk, null] };
      const { b } = r;
      const v = b.vals[g];
      if (v == null) return { value: [b.mid, null] };
      if (v < 0 && shown.includes(g)) negative++;
      const y = share ? (totalAt(b) ? (100 * v) / totalAt(b) : null) : v;
      const part = b.hrs[g] < b.full;
      // iso and kwh ride along for the CSV check and the console.
      return part
        ? { value: [b.mid, y], iso: b.iso, kwh: v, symbol: 'emptyCircle', symbolSize: 8, partial: true }
        : { value: [b.mid, y], iso: b.iso, kwh: v };
    }),
  }));
  // The missing hours of the groups shown: one merged, light band.
  if (opts.gaps && opts.gaps.length) {
    series.push({
      id: '__missing', name: 'Missing hours', type: 'line', data: [], silent: true,
      markArea: {
        silent: true, itemStyle: { color: opts.gapColor, opacity: 0.5 },
        label: { show: false },
        data: opts.gaps.map((x) => [{ xAxis: x.a, name: x.text }, { xAxis: x.b }]),
      },
    });
  }
  const selected = {};
  for (const g of groups) selected[label(g)] = shown.includes(g);
  const widthPx = (opts.width || 800) - 80;
  const maxTicks = Math.max(2, Math.floor(widthPx / 80));
  const zs = s.zoom ? s.zoom.split(',').map(Number) : null;
  const zoom = zs && zs[0] < P1 && zs[1] > P0 && (zs[0] > P0 || zs[1] < P1) ? [Math.max(zs[0], P0), Math.min(zs[1], P1)] : null;
  const tk = osloTicks(offs, zoom ? zoom[0] : P0, zoom ? zoom[1] : P1, maxTicks);
  if (opts.legend) app.lineAxis = { offs, P0, P1, maxTicks, zoom };
  // Exact bucket under the cursor, read from the data (never from drawn,
  // sampled points): every shown group, and the total in stacked views.
  const at = (x) => {
    let lo = 0;
    let hi = B.length - 1;
    if (hi < 0) return null;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (B[m].x1 <= x) lo = m + 1; else hi = m;
    }
    const b = B[lo];
    if (lo > 0 && Math.abs(B[lo - 1].mid - x) < Math.abs(b.mid - x)) return B[lo - 1];
    return b;
  };
  const fmt = (v) => (v == null ? 'missing' : scaled(dsm(), v, measure));
  return {
    backgroundColor: 'transparent', animation: false, useUTC: true, textStyle: textStyle(),
    aria: { enabled: true },
    title: opts.title ? { text: opts.title, left: 'center', top: 0, textStyle: { fontSize: 13 } } : undefined,
    grid: { left: 8, right: 16, top: opts.title ? 48 : 36, bottom: opts.legend ? 40 : 8, containLabel: true },
    legend: opts.legend ? { bottom: 0, type: 'scroll', data: groups.map(label), selected } : { show: false, data: groups.map(label), selected },
    tooltip: {
      trigger: 'axis', confine: true, className: 'chart-tip',
      axisPointer: { type: 'line', snap: true, label: { show: false } },
      formatter: (ps) => {
        const p0 = Array.isArray(ps) ? ps[0] : ps;
        if (!p0) return '';
        const b = at(p0.axisValue != null ? p0.axisValue : p0.value[0]);
        if (!b) return '';
        const head = osloText(b.iso, s.step);
        const lines = [];
        for (const g of shown) {
          const v = b.vals[g];
          const part = v != null && b.hrs[g] < b.full ? ` <i>partial: ${b.hrs[g]} of ${b.full} h</i>` : '';
          const neg = v < 0 ? ' <i>(negative)</i>' : '';
          const val = share && v != null && totalAt(b) ? `${nf.format(Math.round((1000 * v) / totalAt(b)) / 10)}% (${fmt(v)})` : fmt(v);
          lines.push(`<span class="dot" style="background:${color(g)}"></span>${esc(label(g))}: <b>${val}</b>${neg}${part}`);
        }
        if (stacked && shown.length > 1) lines.push(`Total: <b>${fmt(totalAt(b))}</b>`);
        return `<div class="tip-head">${esc(head)}</div>${lines.join('<br>')}`;
      },
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none', ...(zoom && opts.legend ? { startValue: zoom[0], endValue: zoom[1] } : {}) }],
    xAxis: {
      type: 'time', min: P0, max: P1, name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26,
      nameTextStyle: { fontSize: 11 }, show: true, splitLine: { show: false },
      axisTick: { customValues: tk.ticks }, axisLabel: { customValues: tk.ticks, hideOverlap: true, formatter: (v) => tickLabel(offs, v, tk.kind) },
    },
    yAxis: {
      type: 'value', name: yName, nameTextStyle: { align: 'left' },
      max: share ? 100 : (opts.max != null ? opts.max : undefined),
      min: share ? 0 : (opts.min != null ? opts.min : undefined),
      axisLabel: { formatter: (v) => (share ? `${v}%` : inUnit(dsm(), v, u)) },
      show: !empty,
    },
    graphic: empty ? [{ type: 'text', left: 'center', top: 'middle', style: { text: 'No data for this selection', fontSize: 14, fill: '#888' } }] : [],
    series,
    elhubNegative: negative,
  };
}

// Gaps of the groups shown, merged into one list of [a, b) bands (epoch
// ms), each naming the groups missing in it. Groups with no rows at all in
// the range get no band (the note names them); the others' overlapping
// gaps become one band, so the shading never deepens.
function gapBands(quality, shown) {
  const iv = [];
  for (const [g, q] of Object.entries(quality.groups)) {
    if (!shown.includes(g) || q.present === 0) continue;
    for (const [a, b] of q.gaps) iv.push([Date.parse(a), Date.parse(b), g, a, b]);
  }
  iv.sort((x, y) => x[0] - y[0]);
  const out = [];
  for (const [a, b, g, ia, ib] of iv) {
    const last = out[out.length - 1];
    if (last && a <= last.b) {
      if (b > last.b) { last.b = b; last.ib = ib; }
      last.groups.add(g);
    } else {
      out.push({ a, b, ia, ib, groups: new Set([g]) });
    }
  }
  for (const x of out) {
    x.names = [...x.groups].map(label);
    x.text = `Missing: ${x.names.join(', ')}`;
  }
  return out;
}

function qualityNote(quality, shown, bands) {
  const whole = [];
  for (const [g, q] of Object.entries(quality.groups)) {
    if (shown.includes(g) && q.missing > 0 && q.present === 0) whole.push(label(g));
  }
  const el = $('quality');
  if (!whole.length && !bands.length) {
    el.textContent = `No missing hours: ${quality.expected_hours} of ${quality.expected_hours} present.`;
    el.classList.remove('bad');
    return;
  }
  const bits = [];
  if (bands.length) {
    const h = (x) => Math.round((x.b - x.a) / 3600e3);
    const list = bands.slice(0, 6).map((x) => `${osloText(x.ia, 'hour')} for ${nf.format(h(x))} h: ${x.names.join(', ')}`);
    if (bands.length > 6) list.push(`and ${bands.length - 6} more`);
    bits.push(`Missing hours (shaded): ${list.join('; ')}`);
  }
  if (whole.length) bits.push(`No data at all: ${whole.join(', ')}`);
  el.textContent = `${bits.join('. ')}. Of ${quality.expected_hours} hours.`;
  el.classList.add('bad');
}

// The table under the chart (/api/summary): per shown group and in total,
// the energy, its share, the hours present of the period, the mean power,
// the smallest and largest hour with their Oslo times, hours below zero.
function drawSummary(sum, s) {
  const box = $('summary');
  const order = app.meta.group_order || [];
  const groups = Object.keys(sum.groups).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const head = ['Group', 'Energy', 'Share', 'Hours present', 'Mean power', 'Lowest hour', 'Highest hour', 'Below zero'];
  const hour = (x) => (x ? `${scaled(dsm(), x[1], 'power')} · ${osloText(x[0], 'hour')}` : '–');
  const row = (name, r, total) => [name, r.hours ? scaled(dsm(), r.kwh) : '–',
    total && r.share != null ? `${nf.format(Math.round(r.share * 1000) / 10)}%` : (r.share != null ? '100%' : '–'),
    `${nf.format(r.hours)} of ${nf.format(sum.period_hours)}`, r.mean_kw != null ? scaled(dsm(), r.mean_kw, 'power') : '–',
    hour(r.min), hour(r.max), nf.format(r.negative_hours)];
  const rows = groups.map((g) => row(label(g), sum.groups[g], true));
  if (groups.length > 1) rows.push(row('All shown groups', sum.all, false));
  const t = document.createElement('table');
  const cap = document.createElement('caption');
  cap.textContent = groups.length > 1
    ? `Summary, ${areaLabel(s.area)}: lowest and highest hour of all groups over the ${nf.format(sum.all.complete_hours)} hours where every group has a value`
    : `Summary, ${areaLabel(s.area)}`;
  t.append(cap);
  const tr = document.createElement('tr');
  for (const h of head) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.append(th); }
  const thead = document.createElement('thead');
  thead.append(tr);
  const tbody = document.createElement('tbody');
  rows.forEach((cells, i) => {
    const r = document.createElement('tr');
    if (i < groups.length) r.dataset.group = groups[i]; else r.dataset.group = '';
    cells.forEach((c, k) => { const td = document.createElement(k ? 'td' : 'th'); if (!k) td.scope = 'row'; td.textContent = c; r.append(td); });
    tbody.append(r);
  });
  t.append(thead, tbody);
  box.replaceChildren(t);
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

function fillSelect(sel, options, current, disabled) {
  sel.replaceChildren(...options.map(([v, t]) => {
    const o = document.createElement('option');
    o.value = v; o.textContent = t; o.selected = String(v) === String(current);
    o.disabled = disabled ? disabled(String(v)) && !o.selected : false;
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
  dsField.hidden = app.datasets.length < 2;
  radioGroup(dsField, 'dataset', app.datasets.map((d) => d.name), s.ds,
    (v) => datasetMeta(v).title, null, (v) => update({ ds: v, groups: [] }));
  fillSelect($('year'), dm.years.map((y) => [y, y]), s.year);
  // Only choices with data: an area without rows in the year, a month
  // without rows for the area are disabled; the pills are the area's
  // groups in that year.
  const inYear = (area) => [...areaMonths(dm, area).keys()].some((m) => +m.slice(0, 4) === s.year);
  radioGroup($('area-field'), 'area', [...AREAS, NORWAY], s.area, areaLabel,
    (v) => (v === NORWAY ? !dm.areas.length : !dm.areas.includes(v)) || !inYear(v),
    (v) => update({ area: v }));
  const months = areaMonths(dm, s.area);
  fillSelect($('month'), [...MONTHS.map((m, i) => [i + 1, m]), ['all', 'Whole year'], ...(s.range ? [['range', 'Date range']] : [])],
    s.range ? 'range' : s.month, (v) => v !== 'all' && v !== 'range' && !months.has(`${s.year}-${pad(+v)}`));
  const yearGroups = new Set();
  for (const [m, groups] of months) if (+m.slice(0, 4) === s.year) for (const g of Object.keys(groups)) yearGroups.add(g);
  [$('range-from').value, $('range-to').value] = monthRange(s);
  $('prev').disabled = !periodExists(s, -1);
  $('next').disabled = !periodExists(s, 1);
  $('step').value = s.step;
  $('view').value = s.view;
  $('compare').checked = s.compare;
  const pills = $('pills');
  pills.replaceChildren();
  const order = app.meta.group_order || [];
  const pillGroups = dm.groups.filter((g) => yearGroups.has(g) || s.groups.includes(g))
    .sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const g of pillGroups) {
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
  const areaGroups = [...new Set(datasetMeta(s.ds).series.filter((x) => x.area === s.area || s.area === NORWAY)
    .map((x) => x.group))];
  const qq = apiQuery({ dataset: s.ds, area: s.area, groups: (s.groups.length ? s.groups : areaGroups).join(','), from, to });
  const jobs = [getJSON(`/api/totals?${apiQuery(totalsParams(s))}`), getJSON(`/api/series?${apiQuery(seriesParams(s, s.area, []))}`),
    getJSON(`/api/quality?${qq}`),
    getJSON(`/api/summary?${apiQuery({ dataset: s.ds, area: s.area, groups: s.groups.join(','), from, to })}`)];
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
    const [totals, series, quality, summary, ...multi] = await Promise.all(jobs);
    if (my !== token) return;
    app.data = { totals, series, quality, summary, multi };
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
  const { totals, series, quality, summary, multi } = app.data;
  ensureCharts();
  performance.mark('elhub:data');
  drawPie(totals);
  performance.mark('elhub:pie');
  const bands = gapBands(quality, s.groups.length ? s.groups : Object.keys(quality.groups));
  const gapColor = (app.meta.marks || {})[chartTheme === 'dark' ? 'missing_dark' : 'missing_light'] || 'rgba(214, 39, 40, 0.15)';
  const lineEl = $('line');
  const opt = seriesOption(series, s, { legend: true, gaps: bands, gapColor, width: lineEl.clientWidth });
  app.charts.line.setOption(opt, true);
  app.lineGroups = orderedGroups(series);
  performance.mark('elhub:line');
  drawSummary(summary, s);
  $('zoom-reset').hidden = !(app.lineAxis && app.lineAxis.zoom);
  qualityNote(quality, s.groups.length ? s.groups : Object.keys(quality.groups), bands);
  $('negative').hidden = !opt.elhubNegative;
  $('negative').textContent = opt.elhubNegative
    ? `${nf.format(opt.elhubNegative)} ${s.step === 'hour' ? 'hours' : 'buckets'} below zero (net ${datasetMeta(s.ds).title.toLowerCase()} negative): drawn below the axis.` : '';
  const box = $('multiples');
  box.hidden = !s.compare;
  for (const c of app.charts.multiples) c.dispose();
  app.charts.multiples = [];
  box.replaceChildren();
  if (s.compare && multi.length) {
    // One x axis (the period) and one y range (minimum too: net
    // consumption can be negative) for all five.
    let max = 0;
    let min = 0;
    for (const m of multi) {
      const [lo, hi] = valueExtent(buckets(m), orderedGroups(m), s.view !== 'lines');
      max = Math.max(max, hi);
      min = Math.min(min, lo);
    }
    // One legend for the five (the same groups and colours in each).
    const legend = document.createElement('div');
    legend.className = 'multi-legend';
    const lg = new Set();
    for (const m of multi) for (const g of orderedGroups(m)) lg.add(g);
    const order = app.meta.group_order || [];
    for (const g of [...lg].sort((a, b) => order.indexOf(a) - order.indexOf(b))) {
      const item = document.createElement('span');
      const dot = document.createElement('i');
      dot.style.background = color(g);
      item.append(dot, label(g));
      legend.append(item);
    }
    box.append(legend);
    multi.forEach((m, i) => {
      const el = document.createElement('div');
      el.className = 'chart';
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', `${AREAS[i]}: time series per group`);
      box.append(el);
      const c = chart(el);
      let total = 0;
      for (const g of orderedGroups(m)) for (const [, v] of m.series[g]) total += v;
      const title = orderedGroups(m).some((g) => m.series[g].length) ? `${AREAS[i]} · ${scaled(dsm(), total)}` : `${AREAS[i]} · no data`;
      c.setOption(seriesOption(m, { ...s, groups: [] }, { title, width: el.clientWidth,
        max: s.view === 'share' ? null : niceMax(max), min: s.view === 'share' ? null : (min >= 0 ? 0 : -niceMax(-min)) }), true);
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

// The period before or after the current one: the month (across years),
// or the year when the whole year is shown.
function shiftPeriod(s, d) {
  if (s.range) {
    const [f, t] = s.range.split(',').map(dateDays);
    const n = (t - f + 1) * d;
    return { range: `${daysDate(f + n)},${daysDate(t + n)}` };
  }
  if (s.month === 'all') return { year: s.year + d };
  const m = +s.month - 1 + d;
  return { year: s.year + Math.floor(m / 12), month: String(((m % 12) + 12) % 12 + 1) };
}
// Whether that period exists in the data (the buttons are disabled at the ends).
function periodExists(s, d) {
  const dm = datasetMeta(s.ds);
  const t = shiftPeriod(s, d);
  if (s.range) {
    // Some data inside the shifted range.
    const [f, e] = t.range.split(',');
    return f <= dm.last.slice(0, 10) && e >= dm.first.slice(0, 10);
  }
  if (s.month === 'all') return dm.years.includes(t.year);
  return (dm.months || []).some(([m]) => m === `${t.year}-${pad(+t.month)}`);
}

// The current line chart as a file: PNG from the drawn canvas (twice the
// pixels), SVG drawn again from the same option by ECharts' SVG renderer
// (real <text>, searchable and editable).
function chartFileName(ext) {
  const s = app.state;
  const [from, to] = monthRange(s);
  return `elhub-${s.ds}-${s.area}-${from}-${to}-${s.step}-${s.view}.${ext}`;
}
function saveAs(href, name) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
function downloadImage(type) {
  const c = app.charts.line;
  const bg = getComputedStyle(document.querySelector('.card')).backgroundColor;
  if (type === 'png') {
    saveAs(c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: bg }), chartFileName('png'));
    return;
  }
  const el = document.createElement('div');
  el.style.cssText = `position:absolute;left:-10000px;width:${c.getWidth()}px;height:${c.getHeight()}px`;
  document.body.append(el);
  const svg = echarts.init(el, chartTheme === 'dark' ? 'dark' : null, { renderer: 'svg', width: c.getWidth(), height: c.getHeight() });
  svg.setOption({ ...c.getOption(), backgroundColor: bg });
  const text = svg.renderToSVGString();
  svg.dispose();
  el.remove();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  saveAs(url, chartFileName('svg'));
  setTimeout(() => URL.revokeObjectURL(url), 10000);
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
    // This page draws the energy datasets; weather (a dataset with
    // variables in their own units) has its own pages.
    app.datasets = body.datasets.filter((d) => !d.variables);
    performance.mark('elhub:meta');
  } catch (e) {
    setStatus(`Could not reach the server's API: ${e.message}`, true);
    return;
  }
  if (!app.datasets.length) {
    setStatus('');
    $('empty').hidden = false;
    $('empty-store').textContent = app.meta.store || 'the store';
    $('theme').addEventListener('click', () => {
      const dark = document.documentElement.dataset.theme !== 'dark';
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
      $('theme').setAttribute('aria-pressed', String(dark));
      const q = new URLSearchParams(location.search);
      q.set('theme', dark ? 'dark' : 'light');
      history.replaceState(null, '', `?${q}`);
    });
    return;
  }
  $('main').hidden = false;
  app.state = readState();
  history.replaceState(null, '', `?${stateQuery(app.state)}`);
  pageNav('/');
  $('year').addEventListener('change', (e) => update({ year: +e.target.value, range: null }));
  $('month').addEventListener('change', (e) => update({ month: e.target.value, range: null }));
  const onRange = () => {
    const f = $('range-from').value;
    const t = $('range-to').value;
    if (f && t && f <= t) update({ range: `${f},${t}` });
  };
  $('range-from').addEventListener('change', onRange);
  $('range-to').addEventListener('change', onRange);
  $('step').addEventListener('change', (e) => update({ step: e.target.value }));
  $('view').addEventListener('change', (e) => update({ view: e.target.value }));
  $('compare').addEventListener('change', (e) => update({ compare: e.target.checked }));
  $('theme').addEventListener('click', () => update({ theme: effectiveTheme() === 'dark' ? 'light' : 'dark' }));
  $('prev').addEventListener('click', () => update(shiftPeriod(app.state, -1)));
  $('next').addEventListener('click', () => update(shiftPeriod(app.state, 1)));
  $('line-png').addEventListener('click', () => downloadImage('png'));
  $('zoom-reset').addEventListener('click', resetZoom);
  $('line-svg').addEventListener('click', () => downloadImage('svg'));
  $('source').addEventListener('toggle', () => { if ($('source').open) refreshSource(); });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (app.state.theme === 'auto') { drawControls(); draw(); }
  });
  window.addEventListener('popstate', () => { app.state = readState(); pageNav('/'); render(); });
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
applyTheme();
pageNav('/');
performance.mark("elhub:script");
start();
