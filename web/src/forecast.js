// The Forecast page: a SARIMAX forecast of one stored energy series, with
// its interval band, the fit (llf, AIC, BIC, convergence) and the
// rolling-origin backtest against seasonal-naive and naive-last-week, all
// computed by the server (GET /api/forecast, the body of `elhub forecast`);
// the page only asks and draws. Requests:
// - /api/meta: the energy series the store holds and their coverage (the
//   default training days are 8 weeks inside a run of complete months, so
//   they answer without filling), the unit ladder;
// - /api/forecast/params: the form's rows (default, bounds, help), never a
//   copy here;
// - /api/forecast/exog: the weather series the server finds usable as
//   regressors for the series and hours (the rule is in C, not here);
// - /api/series (step=day): the history chart, on which a brush chooses
//   the training days; (step=hour): the stored values drawn beside the
//   forecast.
// Every selection lives in the URL (one row per parameter of the server's
// table); a change only redraws the form, the history and the regressors:
// a fit takes seconds, so it runs on Run (and on load, so a link or a
// reload shows its forecast). The previous result stays until the new one
// arrives; an error replaces it, verbatim.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { BrushComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { $, applyTheme, esc, inUnit, pageNav, themeButton, unitFor } from './common.js';
import { instantOf, offAt } from './oslotime.js';
import { ApiError, apiGet, chartAt, chartBase, disposeChart, fmt, H, offsetsFromTimes, prefer, seriesLabel,
  seriesRange, storedSeries, textColor, timeAxis, timeText } from './analysis.js';
import { loadMeta, setStatus } from './wxcommon.js';

echarts.use([LineChart, BrushComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const DAY = 86400e3;
// What the page starts with where the URL says nothing, before the
// server's own defaults: the issue's model, (1,0,1)(1,1,1,24), a week
// ahead, three backtest folds.
const START = { horizon: '168', order: '1,0,1', seasonal_order: '1,1,1,24', folds: '3' };
const METHODS = [['model', 'Model'], ['seasonal_naive', 'Seasonal naive'], ['naive_week', 'Naive last week']];

const app = { ready: false, renders: 0, meta: null, rows: [], stored: [], state: null, body: null, url: null,
  error: null, charts: {}, exog: null, drawnAt: null, pending: 0, runToken: 0, viewToken: 0, shown: null };
window.elhubForecast = app;

/* ---- the test hook: a render is done when nothing is pending ------------- */

function begin() {
  app.pending++;
  app.ready = false;
  document.body.dataset.ready = '0';
}
function end() {
  if (--app.pending > 0) return;
  app.ready = true;
  app.renders++;
  requestAnimationFrame(() => { if (app.pending === 0) document.body.dataset.ready = '1'; });
}

/* ---- the parameter table ------------------------------------------------- */

const num = (x) => (x == null || x === '' || !Number.isFinite(+x) ? null : +x);
// The rows of GET /api/forecast/params ({"params": [{name, default, min,
// max, range, help}]}), without format (the page reads JSON).
function paramRows(j) {
  const list = Array.isArray(j) ? j : (j.params || []);
  return list.filter((p) => p.name !== 'format').map((p) => {
    const range = String(p.range || p.allowed || p.value || '');
    const choices = Array.isArray(p.choices) ? p.choices.map(String)
      : (/^\w+(\|\w+)+$/.test(range) ? range.split('|') : null);
    const def = p.default !== undefined ? p.default : p.def;
    const kind = p.name === 'series' ? 'series' : p.name === 'exog' ? 'exog'
      : /^train_(from|to)$/.test(p.name) ? 'date' : choices ? 'choice'
        : num(p.min ?? p.lo) != null ? 'number' : 'text';
    // A count is whole; a number without a kind is whole when its bounds
    // and default are.
    const integer = p.kind ? p.kind === 'count'
      : Number.isInteger(num(p.min)) && Number.isInteger(num(p.max)) && !/\./.test(String(def ?? ''));
    return { name: p.name, kind, integer, def: def == null ? null : String(def), lo: num(p.min ?? p.lo),
      hi: num(p.max ?? p.hi), range, help: p.help || '', choices };
  });
}

/* ---- Oslo days ----------------------------------------------------------- */

const dayMs = (d) => Date.parse(`${d}T00:00:00Z`);
const dayText = (ms) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d, n) => dayText(dayMs(d) + n * DAY);
// The instant of the Oslo midnight starting date d (offs: the history's
// offsets).
const midnight = (offs, d) => instantOf(offs, dayMs(d));
// The Oslo date whose midnight is nearest to instant t.
function nearestDay(offs, t) {
  const d = dayText(Math.floor((t + offAt(offs, t)) / DAY) * DAY);
  const a = midnight(offs, d);
  const b = midnight(offs, addDays(d, 1));
  return t - a <= b - t ? d : addDays(d, 1);
}

/* ---- the state ----------------------------------------------------------- */

function energySeries(meta) {
  const energy = new Set((meta.datasets || []).filter((d) => d.unit === 'kWh').map((d) => d.name));
  return storedSeries(meta).filter((s) => energy.has(s.dataset));
}
// The defaults for series s: 8 weeks (56 days) from the first Monday of
// the longest run of complete months (analysis.js' seriesRange), or the
// whole run when it is shorter; as many folds (up to 3) as those hours
// allow beside two weeks of fitting.
function windowDefaults(s, horizon) {
  const r = seriesRange(s);
  if (!r) return {};
  let from = r.from;
  const monday = addDays(from, (8 - new Date(dayMs(from)).getUTCDay()) % 7);
  if ((dayMs(r.to) - dayMs(monday)) / DAY + 1 >= 56) from = monday;
  const to = dayMs(addDays(from, 55)) < dayMs(r.to) ? addDays(from, 55) : r.to;
  const hours = ((dayMs(to) - dayMs(from)) / DAY + 1) * 24;
  const h = num(horizon) || 168;
  const folds = Math.max(0, Math.min(3, Math.floor((hours - 336) / h)));
  return { train_from: from, train_to: to, folds: String(folds) };
}
function rowDefault(p) {
  return START[p.name] != null ? START[p.name] : (p.def != null && p.kind !== 'series' ? p.def : '');
}
function readState() {
  const q = new URLSearchParams(location.search);
  const v = {};
  for (const p of app.rows) {
    const got = q.getAll(p.name).filter((x) => x !== '');
    if (got.length) v[p.name] = p.kind === 'exog' ? got.join(',') : got[0];
  }
  const given = { ...v };
  const s = app.stored.find((x) => x.spec === v.series)
    || prefer(app.stored, [{ dataset: 'production', group: 'hydro', area: 'NO1' }, { dataset: 'production', group: 'hydro' },
      { dataset: 'production' }, { dataset: 'consumption' }]);
  if (!v.series && s) v.series = s.spec;
  const w = app.stored.includes(s) && s.spec === v.series ? windowDefaults(s, v.horizon || START.horizon) : {};
  for (const p of app.rows) {
    if (v[p.name] != null) continue;
    // The folds default follows the window only when the window is the
    // default one too.
    const d = p.name === 'folds' && (given.train_from || given.train_to) ? null : w[p.name];
    const x = d != null ? d : rowDefault(p);
    if (x !== '') v[p.name] = x;
  }
  const theme = ['dark', 'light'].includes(q.get('theme')) ? q.get('theme') : '';
  return { values: v, theme };
}
// Every value, always (a reload answers the same whatever the defaults).
function query(s, withTheme) {
  const q = new URLSearchParams();
  for (const p of app.rows) if (s.values[p.name]) q.set(p.name, s.values[p.name]);
  if (withTheme && s.theme) q.set('theme', s.theme);
  return q;
}
function settle() {
  app.state = readState();
  history.replaceState(null, '', `?${query(app.state, true)}`);
  pageNav('/forecast');
}
function update(patch) {
  const values = { ...app.state.values, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === '' || v == null) delete values[k];
  // Another series whose default run of complete months does not hold the
  // training days: its own default days (and folds) instead.
  const r = patch.series ? seriesRange(seriesOf(patch.series)) : null;
  if (r && !(values.train_from >= r.from && values.train_to <= r.to)) {
    for (const k of ['train_from', 'train_to', 'folds']) delete values[k];
  }
  history.pushState(null, '', `?${query({ ...app.state, values }, true)}`);
  settle();
  view();
}
const seriesOf = (spec) => app.stored.find((x) => x.spec === spec);

/* ---- the form ------------------------------------------------------------ */

function inputOf(p, v, id) {
  if (p.kind === 'series') {
    const specs = app.stored.map((s) => s.spec);
    if (v && !specs.includes(v)) specs.push(v);
    return `<select id="${id}">${specs.map((spec) => {
      const s = seriesOf(spec);
      return `<option value="${esc(spec)}"${spec === v ? ' selected' : ''}>${esc(s ? seriesLabel(s) : `${spec} (not stored)`)}</option>`;
    }).join('')}</select>`;
  }
  if (p.kind === 'date') return `<input id="${id}" type="date" value="${esc(v)}">`;
  if (p.kind === 'choice') {
    return `<select id="${id}">${p.choices.map((c) => `<option${c === v ? ' selected' : ''}>${esc(c)}</option>`).join('')}</select>`;
  }
  if (p.kind === 'exog') return `<span id="${id}" class="fc-exog" role="group" aria-label="Exogenous regressors">${exogBoxes(v)}</span>`;
  if (p.kind === 'number') {
    const step = p.integer ? 1 : 'any';
    return `<input id="${id}" type="number" min="${p.lo}" max="${p.hi}" step="${step}" value="${esc(v)}" placeholder="${esc(p.def || '')}">`;
  }
  return `<input id="${id}" type="text" value="${esc(v)}" placeholder="${esc(p.def || p.range)}" size="10">`;
}
// The regressors the server offers, one box each; one the URL names that
// the server does not offer stays, marked, so the user sees why a run fails.
function exogBoxes(v) {
  if (!app.exog) return '<span class="muted">asking the server…</span>';
  if (app.exog.error) return `<span class="warn" id="exog-error">${esc(app.exog.error)}</span>`;
  const chosen = String(v || '').split(',').filter(Boolean);
  const offered = app.exog.list;
  const rows = offered.map((x) => [x.spec, `${x.label || x.spec}${x.unit ? ` (${x.unit})` : ''}`, true]);
  for (const c of chosen) if (!offered.some((x) => x.spec === c)) rows.push([c, `${c} (not offered for these hours)`, false]);
  if (!rows.length) return `<span class="muted" id="exog-none">no weather stored for ${esc(app.exog.series || 'this series')}'s area over every training and forecast hour</span>`;
  return rows.map(([spec, label, ok]) => `<label class="inline${ok ? '' : ' warn'}"><input type="checkbox" value="${esc(spec)}"`
    + `${chosen.includes(spec) ? ' checked' : ''}> ${esc(label)}</label>`).join(' ');
}
function drawForm() {
  const box = $('params');
  box.replaceChildren();
  for (const p of app.rows) {
    const v = app.state.values[p.name] ?? '';
    const id = `p-${p.name}`;
    const div = document.createElement('div');
    div.className = 'an-param';
    div.dataset.param = p.name;
    const def = p.def == null ? (START[p.name] ? `required; the page starts with ${START[p.name]}` : 'required')
      : `default ${p.def === '' ? 'none' : p.def}${START[p.name] ? `; the page starts with ${START[p.name]}` : ''}`;
    div.innerHTML = `<label for="${id}"><code>${esc(p.name)}</code></label> <span class="an-input">${inputOf(p, v, id)}</span>`
      + `<span class="an-help">${esc(p.help)} <span class="muted">(${esc(def)}${p.range ? `; ${esc(p.range)}` : ''})</span></span>`;
    box.append(div);
    const el = div.querySelector(`#${CSS.escape(id)}`);
    el.addEventListener('change', () => {
      const val = p.kind === 'exog' ? [...el.querySelectorAll('input:checked')].map((b) => b.value).join(',') : el.value.trim();
      update({ [p.name]: val });
    });
  }
}

/* ---- the history chart and its brush ------------------------------------- */

function seriesParts(spec) {
  const [dataset, area, group] = String(spec).split(':');
  return { dataset, area, group };
}
// The days the history shows: the series' default run of complete months
// and the training days with the forecast's, within what is stored.
function historyRange(s, v) {
  const r = seriesRange(s) || { from: v.train_from, to: v.train_to };
  if (!r.from || !r.to) return null;
  let from = r.from;
  let to = r.to;
  const end = v.train_to && /^\d{4}-\d\d-\d\d$/.test(v.train_to)
    ? addDays(v.train_to, Math.ceil((num(v.horizon) || 0) / 24)) : null;
  if (/^\d{4}-\d\d-\d\d$/.test(v.train_from || '') && v.train_from < from) from = v.train_from;
  if (end && end > to) to = end;
  if (s.first && s.first.slice(0, 10) > from) from = s.first.slice(0, 10);
  if (s.last && s.last.slice(0, 10) < to) to = s.last.slice(0, 10);
  return from <= to ? { from, to } : r;
}
function seriesUrl(spec, from, to, step) {
  const { dataset, area, group } = seriesParts(spec);
  return `/api/series?${new URLSearchParams({ dataset, area, groups: group, from, to, step })}`;
}
// [[instant ms, value], ...] of a /api/series body's one group, with a
// break (null) where buckets do not touch; mean: the bucket's mean hour.
function points(body, group, step, mean) {
  const rows = (body.series || {})[group] || [];
  const hours = (body.hours || {})[group] || [];
  const out = [];
  let last = null;
  rows.forEach(([iso, v], i) => {
    const t = Date.parse(iso);
    if (last != null && t - last > step) out.push([(last + t) / 2, null]);
    const n = mean && hours[i] ? hours[i][0] : 1;
    out.push([t, v == null || !n ? null : v / n]);
    last = t;
  });
  return out;
}
function valueAxis(dm, pts, name) {
  let m = 0;
  for (const p of pts) if (p[1] != null && Math.abs(p[1]) > m) m = Math.abs(p[1]);
  const u = unitFor(dm, m);
  return { u, axis: { type: 'value', scale: true, name: `${name} (${u[0]})`, nameTextStyle: { align: 'left' },
    axisLabel: { formatter: (x) => inUnit(dm, x, u) } } };
}
const datasetMeta = (spec) => (app.meta.datasets || []).find((d) => d.name === seriesParts(spec).dataset);

function drawHistory(s, body, range) {
  const offs = offsetsFromTimes((body.offsets || []).map((o) => o.from));
  const pts = points(body, s.group, 25 * H, true);
  const dm = datasetMeta(s.spec);
  const { u, axis } = valueAxis(dm, pts, 'mean of the hours');
  const P0 = midnight(offs, range.from);
  const P1 = midnight(offs, addDays(range.to, 1));
  const c = chartAt(app, echarts, 'history-chart');
  c.setOption({
    ...chartBase(),
    grid: { left: 72, right: 24, top: 30, bottom: 40 },
    tooltip: { trigger: 'axis', confine: true, className: 'chart-tip', formatter: (ps) => {
      const p = (Array.isArray(ps) ? ps : [ps]).find((x) => x.value && x.value[1] != null);
      return p ? `<div class="tip-head">${esc(dayText(p.value[0] + offAt(offs, p.value[0])))}</div>${inUnit(dm, p.value[1], u)} ${esc(u[0])} (mean hour)` : '';
    } },
    xAxis: timeAxis(offs, P0, P1, $('history-chart').clientWidth),
    yAxis: axis,
    brush: { xAxisIndex: 0, brushType: 'lineX', brushMode: 'single', transformable: false, removeOnClick: false,
      throttleType: 'debounce', throttleDelay: 100, brushStyle: { color: 'rgba(31, 95, 191, 0.15)', borderColor: 'rgba(31, 95, 191, 0.7)', borderWidth: 1 } },
    series: [{ id: 'daily', name: s.spec, type: 'line', showSymbol: false, color: '#1f5fbf', lineStyle: { width: 1 },
      connectNulls: false, emphasis: { disabled: true }, data: pts }],
  }, true);
  app.historyOffs = offs;
  const v = app.state.values;
  const ok = (d) => /^\d{4}-\d\d-\d\d$/.test(d || '');
  if (ok(v.train_from) && ok(v.train_to)) {
    c.dispatchAction({ type: 'brush', areas: [{ brushType: 'lineX', xAxisIndex: 0,
      coordRange: [midnight(offs, v.train_from), midnight(offs, addDays(v.train_to, 1))] }] });
  }
  c.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'lineX', brushMode: 'single' } });
  if (!c.__brushed) {
    c.__brushed = true;
    // A drag across the chart: the training days, snapped to the nearest
    // Oslo midnights at both ends.
    c.on('brushEnd', (e) => {
      const a = (e.areas || [])[0];
      if (!a || !a.coordRange) return;
      const [t0, t1] = a.coordRange;
      const from = nearestDay(app.historyOffs, Math.min(t0, t1));
      let to = addDays(nearestDay(app.historyOffs, Math.max(t0, t1)), -1);
      if (to < from) to = from;
      update({ train_from: from, train_to: to });
    });
  }
  $('history-caption').textContent = `${s.spec}, ${range.from} to ${range.to}`;
}

/* ---- a change: the form, the history, the regressors --------------------- */

async function view() {
  const my = ++app.viewToken;
  begin();
  try {
    const v = app.state.values;
    const s = seriesOf(v.series);
    const exogQ = new URLSearchParams();
    for (const k of ['series', 'train_from', 'train_to', 'horizon']) if (v[k]) exogQ.set(k, v[k]);
    app.exog = null;
    drawForm();
    markStale();
    const range = s ? historyRange(s, v) : null;
    const [hist, exog] = await Promise.all([
      range ? apiGet(seriesUrl(s.spec, range.from, range.to, 'day')).then((b) => ({ b }), (e) => ({ e })) : null,
      apiGet(`/api/forecast/exog?${exogQ}`).then((b) => ({ b }), (e) => ({ e })),
    ]);
    if (my !== app.viewToken) return;
    app.exog = exog.e ? { error: exog.e.message, list: [] }
      : { series: exog.b.series, list: exog.b.exog || [] };
    drawForm();
    if (hist && hist.b) drawHistory(s, hist.b, range);
    else {
      disposeChart(app, 'history-chart');
      $('history-caption').textContent = hist ? hist.e.message : `${v.series || 'no series'}: no stored days to draw`;
    }
  } finally {
    end();
  }
}

/* ---- a run: the forecast, the fit, the backtest -------------------------- */

function markStale() {
  $('stale').hidden = !(app.body && app.shown !== query(app.state).toString());
}

function showError(e) {
  app.error = e ? { status: e.status || 0, message: e.message } : null;
  $('error').hidden = !e;
  if (!e) return;
  $('error-text').textContent = e.message;
  $('error-fill').hidden = !(/\bgaps?\b/i.test(e.message) && app.state.values.fill !== 'linear');
}

async function run() {
  const s = app.state;
  const q = query(s);
  const url = `/api/forecast?${q}`;
  const my = ++app.runToken;
  app.url = url;
  begin();
  $('run').setAttribute('aria-busy', 'true');
  try {
    const v = s.values;
    const stored = seriesOf(v.series) && /^\d{4}-\d\d-\d\d$/.test(v.train_from || '') && /^\d{4}-\d\d-\d\d$/.test(v.train_to || '');
    const actual = stored ? apiGet(seriesUrl(v.series, v.train_from, addDays(v.train_to, Math.ceil(((num(v.horizon) || 0) + 1) / 24)), 'hour'))
      .catch(() => null) : Promise.resolve(null);
    const [body, act] = await Promise.all([apiGet(url), actual]);
    if (my !== app.runToken) return;
    app.body = body;
    app.shown = q.toString();
    showError(null);
    $('result').hidden = false;
    drawResult(body, act);
    if (app.drawnAt == null) app.drawnAt = performance.now();
    setStatus('');
  } catch (e) {
    if (my !== app.runToken) return;
    app.body = null;
    app.shown = null;
    if (!(e instanceof ApiError)) console.error(e);
    // No result of an earlier request beside the error.
    $('result').hidden = true;
    disposeChart(app, 'forecast-chart');
    showError(e);
  } finally {
    if (my === app.runToken) $('run').removeAttribute('aria-busy');
    markStale();
    end();
  }
}

function forecastOption(body, act) {
  const f = body.forecast;
  const t = f.time.map((x) => Date.parse(x));
  const group = seriesParts(body.series).group;
  const obs = act ? points(act, group, H, false) : [];
  const P0 = Date.parse(body.train.from);
  const P1 = t.length ? t[t.length - 1] + H : Date.parse(body.train.to) + H;
  const offs = offsetsFromTimes([body.train.from, ...(act ? (act.offsets || []).map((o) => o.from) : []), ...f.time]
    .sort((a, b) => Date.parse(a) - Date.parse(b)));
  const train = obs.filter(([x]) => x < (t[0] ?? P1));
  const after = obs.filter(([x]) => x >= (t[0] ?? P1) && x < P1);
  const dm = datasetMeta(body.series);
  const { u, axis } = valueAxis(dm, [...train, ...after, ...f.upper.map((x) => [0, x]), ...f.lower.map((x) => [0, x])], body.series);
  const band = `${fmt(100 * (1 - f.alpha), 2)} % interval`;
  const val = (x) => (x == null ? '–' : `${inUnit(dm, x, u)} ${u[0]}`);
  return {
    ...chartBase(),
    grid: { left: 72, right: 24, top: 56, bottom: 50 },
    legend: { top: 0, right: 0, textStyle: { color: textColor() }, data: ['Training hours', 'Stored after', 'Forecast mean', band] },
    tooltip: { trigger: 'axis', confine: true, className: 'chart-tip', formatter: (ps) => {
      const list = Array.isArray(ps) ? ps : [ps];
      if (!list.length) return '';
      const x = list[0].value[0];
      const i = Math.round((x - t[0]) / H);
      const o = obs.find((p) => p[0] === x);
      const head = i >= 0 && i < t.length ? f.time[i] : null;
      let s = `<div class="tip-head">${esc(head ? timeText(head) : dayText(x + offAt(offs, x)))}</div>`;
      if (o && o[1] != null) s += `Stored: <b>${val(o[1])}</b><br>`;
      if (head) s += `Forecast: <b>${val(f.mean[i])}</b><br>${esc(band)}: ${val(f.lower[i])} to ${val(f.upper[i])}`;
      return s;
    } },
    xAxis: timeAxis(offs, P0, P1, $('forecast-chart').clientWidth, { name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26, nameTextStyle: { fontSize: 11 } }),
    yAxis: axis,
    series: [
      { id: 'history', name: 'Training hours', type: 'line', showSymbol: false, color: '#555', lineStyle: { width: 1 },
        emphasis: { disabled: true }, data: train },
      { id: 'actual', name: 'Stored after', type: 'line', showSymbol: false, color: '#999', lineStyle: { width: 1, type: 'dashed' },
        emphasis: { disabled: true }, data: after },
      // The band: the lower bound (not drawn) with upper − lower stacked on it.
      { id: 'lower', name: band, type: 'line', stack: 'band', stackStrategy: 'all', showSymbol: false, silent: true,
        lineStyle: { opacity: 0 }, emphasis: { disabled: true }, tooltip: { show: false }, data: t.map((x, i) => [x, f.lower[i]]) },
      { id: 'band', name: band, type: 'line', stack: 'band', stackStrategy: 'all', showSymbol: false, silent: true,
        lineStyle: { opacity: 0 }, areaStyle: { color: 'rgba(214, 39, 40, 0.18)' }, color: 'rgba(214, 39, 40, 0.5)', emphasis: { disabled: true },
        data: t.map((x, i) => [x, f.upper[i] == null || f.lower[i] == null ? null : f.upper[i] - f.lower[i]]) },
      { id: 'mean', name: 'Forecast mean', type: 'line', showSymbol: false, color: '#d62728', lineStyle: { width: 1.5 },
        emphasis: { disabled: true }, data: t.map((x, i) => [x, f.mean[i]]) },
    ],
  };
}

function table(id, rows) {
  $(id).querySelector('tbody').innerHTML = rows.map(([k, v, key]) => `<tr data-key="${esc(key)}"><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
}
function modelText(m) {
  const so = m.seasonal_order || [0, 0, 0, 0];
  return `SARIMAX(${m.order.join(',')})${so[3] ? `(${so.join(',')})` : ''}, trend ${m.trend}`;
}

function drawBacktest(body) {
  const bt = body.backtest;
  $('bt-none').hidden = !!bt;
  $('backtest').hidden = !bt;
  if (!bt) { $('bt-caption').textContent = ''; return; }
  const pct = bt.pct_metric || 'mape';
  const groups = [...bt.per_fold.map((f, i) => [`Fold ${i + 1}`, `from ${f.origin.slice(0, 10)}`, f.metrics, `fold-${i + 1}`]),
    ['Overall', `${bt.folds} × ${bt.horizon} h`, bt.overall, 'overall']];
  let m = 0;
  for (const g of groups) for (const [k] of METHODS) for (const x of ['mae', 'rmse']) m = Math.max(m, Math.abs(g[2][k][x] || 0));
  const dm = datasetMeta(body.series);
  const u = unitFor(dm, m);
  const pctName = pct === 'smape' ? 'sMAPE' : 'MAPE';
  $('backtest').querySelector('caption').textContent = `MAE, RMSE in ${u[0]} (hourly values); ${pctName} in %; bold: each fold's smallest MAE`;
  $('backtest').querySelector('thead').innerHTML = `<tr><th scope="col">Fold (origin)</th><th scope="col">Forecast</th><th scope="col">MAE (${esc(u[0])})</th>`
    + `<th scope="col">RMSE (${esc(u[0])})</th><th scope="col">${pctName} (%)</th></tr>`;
  $('backtest').querySelector('tbody').innerHTML = groups.map(([name, when, met, key]) => {
    const best = Math.min(...METHODS.map(([k]) => met[k].mae));
    return METHODS.map(([k, label], j) => `<tr data-fold="${key}" data-method="${k}"${met[k].mae === best ? ' class="fc-best"' : ''}>`
      + `${j === 0 ? `<th scope="rowgroup" rowspan="3">${esc(name)}<br><span class="muted">${esc(when)}</span></th>` : ''}`
      + `<td>${esc(label)}</td><td>${inUnit(dm, met[k].mae, u)}</td><td>${inUnit(dm, met[k].rmse, u)}</td><td>${fmt(met[k][pct], 2)}</td></tr>`).join('');
  }).join('');
  $('bt-caption').textContent = backtestVerdict(bt.overall);
}

/* Which forecast has the smallest overall MAE, and by how much: the model
 * against both naive ones, or the winning naive one against the model. */
function backtestVerdict(o) {
  const below = (a, b) => (b > 0 ? `${fmt(100 * (1 - a / b), 1)} % below` : 'below');
  const [best, label] = METHODS.reduce((w, x) => (o[x[0]].mae < o[w[0]].mae ? x : w));
  if (best === 'model') {
    return `the model wins: MAE ${below(o.model.mae, o.seasonal_naive.mae)} seasonal naive, `
      + `${below(o.model.mae, o.naive_week.mae)} naive last week`;
  }
  return `${label.toLowerCase()} wins: MAE ${below(o[best].mae, o.model.mae)} the model's`;
}

function drawResult(body, act) {
  const c = chartAt(app, echarts, 'forecast-chart');
  c.setOption(forecastOption(body, act), true);
  const m = body.model;
  $('fc-caption').textContent = `${body.series}, ${modelText(m)}${(body.exog || []).length ? `, exog ${body.exog.join(', ')}` : ''}: `
    + `${body.forecast.time.length} h from ${timeText(body.forecast.time[0] || body.train.to)}`;
  const conv = body.converged ? 'yes' : 'no';
  table('fit', [['Model', modelText(m), 'model'], ['Training hours', `${body.train.hours} (${body.train.from.slice(0, 10)} to ${body.train.to.slice(0, 10)})`, 'hours'],
    ['Log-likelihood', fmt(body.llf, 3), 'llf'], ['AIC', fmt(body.aic, 3), 'aic'], ['BIC', fmt(body.bic, 3), 'bic'],
    ['Converged', `${conv}${body.message ? `: ${body.message}` : ''}`, 'converged'],
    ['Iterations', `${body.iterations ?? '–'} (${body.fevals ?? '–'} likelihood evaluations)`, 'iterations'],
    ...(body.train.filled ? [['Filled hours', String(body.train.filled), 'filled']] : [])]);
  table('fit-params', Object.entries(body.params || {}).map(([k, v]) => [k, fmt(v, 6), k]));
  drawBacktest(body);
}

/* ---- the page ------------------------------------------------------------ */

async function boot() {
  applyTheme();
  pageNav('/forecast');
  begin();
  try {
    // The table and /api/meta are asked at once.
    const table = apiGet('/api/forecast/params');
    table.catch(() => {});
    if (!await loadMeta(app)) return;
    try {
      app.rows = paramRows(await table);
    } catch (e) {
      setStatus(`The server did not list the forecast's parameters: ${e.message}`, true);
      return;
    }
    app.stored = energySeries(app.meta);
    settle();
    setStatus(app.stored.length ? '' : 'The store holds no energy series: import or fetch some first (see the Energy page).');
    $('run').addEventListener('click', () => run());
    $('error-fill-btn').addEventListener('click', () => { update({ fill: 'linear' }); run(); });
    themeButton(() => { settle(); view(); if (app.body) run(); });
    window.addEventListener('popstate', () => { settle(); view(); });
    window.addEventListener('resize', () => { for (const c of Object.values(app.charts)) if (c && !c.isDisposed()) c.resize(); });
    view();
    run();
  } finally {
    end();
  }
}

boot();
