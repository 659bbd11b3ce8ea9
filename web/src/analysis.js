// What the three analysis pages (Decomposition, Quality, Weather × energy)
// share. The server computes (GET /api/analysis/<method>); a page only asks
// and draws. Every parameter a page offers comes from the server's own
// parameter table (GET /api/analysis: per method its rows, each with name,
// kind, allowed range, default and a one-line help: src/analysis/params.c),
// never from a copy here, so the form, the CLI's --help and the API's
// messages cannot disagree. Every value lives in the URL (a parameter left
// at its default is left out, so the server's default applies); the series
// pickers offer only what the store holds (/api/meta); an API error is
// shown verbatim, with a retry with fill=linear when it is a gap; a spinner
// shows for any request slower than 150 ms.
import { $, applyTheme, esc, pad, pageNav, themeButton } from './common.js';
import { MON, osloTicks, tickLabel } from './oslotime.js';
import { echartsTheme, loadMeta, renderDone, renderStart, setStatus, textColor } from './wxcommon.js';

export const H = 3600e3;
export { esc, textColor };

/* ---- the API ------------------------------------------------------------- */

// An answer other than 200: the server's own words (detail, else error).
export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || body.error || `HTTP ${status}`);
    this.status = status;
    this.short = body.error || '';
  }
}

// The spinner: shown once a request has been pending for 150 ms, hidden
// when none is pending.
const SPIN_MS = 150;
let pending = 0;
let spinTimer = null;
function busy(on) {
  const sp = $('spinner');
  if (on) {
    if (pending++ === 0) spinTimer = setTimeout(() => { if (sp) sp.hidden = false; }, SPIN_MS);
    return;
  }
  if (--pending === 0) {
    clearTimeout(spinTimer);
    if (sp) sp.hidden = true;
  }
}

const memo = new Map();
// The JSON body of url (memoised: the server caches by data version too);
// throws ApiError with the server's message.
export function apiGet(url) {
  if (memo.has(url)) return memo.get(url);
  busy(true);
  const p = fetch(url, { cache: 'no-cache' }).then(async (r) => {
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new ApiError(r.status, body);
    return body;
  }).finally(() => busy(false));
  memo.set(url, p);
  p.catch(() => memo.delete(url));
  if (memo.size > 40) memo.delete(memo.keys().next().value);
  return p;
}

/* ---- the parameter tables ------------------------------------------------ */

const KINDS = ['int', 'odd', 'num', 'share', 'bool', 'choice', 'series_n', 'series', 'date', 'range'];
// The kind of a row as the table names it ("odd", "ANALYSIS_P_ODD", ...),
// else as its value pattern shows it.
function kindOf(p) {
  const k = String(p.kind || '').toLowerCase().replace(/^analysis_p_/, '').replace('number', 'num')
    .replace('boolean', 'bool').replace('integer', 'int').replace('series_list', 'series_n');
  if (KINDS.includes(k)) return k;
  const v = String(p.value || '');
  if (v === 'true|false') return 'bool';
  if (v.startsWith('DATASET') && v.includes(',')) return 'series_n';
  if (v.startsWith('DATASET')) return 'series';
  if (v === 'YYYY-MM-DD') return 'date';
  if (v === 'MIN:MAX') return 'range';
  if (v.includes('|')) return 'choice';
  return 'num';
}
function num(x) { return x == null || x === '' || !Number.isFinite(+x) ? null : +x; }
function row(p) {
  const kind = kindOf(p);
  const def = p.default !== undefined ? p.default : p.def;
  return {
    name: p.name, kind, lo: num(p.lo ?? p.min), hi: num(p.hi ?? p.max), value: p.value || '',
    def: def == null ? null : String(def), help: p.help || '', range: p.range || p.allowed || '',
    choices: Array.isArray(p.choices) ? p.choices.map(String)
      : (kind === 'choice' || kind === 'bool' ? String(p.value || 'true|false').split('|') : null),
  };
}
// {method: [rows]} from GET /api/analysis ({"methods": [{"name", "params":
// [...]}]}, or the methods as an object by name).
export async function loadTables() {
  const j = await apiGet('/api/analysis');
  const list = j.methods || j;
  const out = {};
  const each = Array.isArray(list) ? list.map((m) => [m.name || m.method, m]) : Object.entries(list);
  for (const [name, m] of each) {
    const rows = Array.isArray(m) ? m : (m.params || m.parameters || []);
    out[name] = rows.map(row);
  }
  return out;
}
// The value a default stands for in a field ("168" -> "168"; "auto: ..."
// or "window / 2" -> "", the field then shows it as its placeholder).
export function defaultValue(p) {
  if (p.def == null) return '';
  if (p.kind === 'bool') return p.def === 'true' ? 'true' : 'false';
  if (p.choices && p.choices.includes(p.def)) return p.def;
  if (['int', 'odd', 'num', 'share'].includes(p.kind) && Number.isFinite(+p.def) && p.def.trim() !== '') return p.def;
  return '';
}
// What values p allows, as the table says it (or from its bounds).
export function rangeText(p) {
  if (p.range) return p.range;
  if (p.kind === 'int' || p.kind === 'odd') return `${p.kind === 'odd' ? 'an odd integer' : 'an integer'} from ${p.lo} to ${p.hi}`;
  if (p.kind === 'num') return `a number > ${p.lo} and ≤ ${p.hi}`;
  if (p.kind === 'share') return `a number > ${p.lo} and ≤ ${p.hi}, or auto`;
  if (p.kind === 'range') return `MIN:MAX, integers from ${p.lo} to ${p.hi}`;
  return p.value;
}

/* ---- the store's series -------------------------------------------------- */

// Every stored series as {spec, dataset, area, group, first, last, months
// (sorted YYYY-MM), hours (stored hours per month)}, from /api/meta.
export function storedSeries(meta) {
  const out = [];
  for (const d of meta.datasets || []) {
    for (const s of d.series || []) {
      if (!s.group || s.group === '*') continue;
      out.push({ spec: `${d.name}:${s.area}:${s.group}`, dataset: d.name, area: s.area, group: s.group,
        first: s.first, last: s.last, months: Object.keys(s.months || {}).sort(), hours: s.months || {} });
    }
  }
  return out;
}
const nextMonth = (m) => {
  const y = +m.slice(0, 4);
  const n = +m.slice(5, 7);
  return n === 12 ? `${y + 1}-01` : `${y}-${pad(n + 1)}`;
};
const dayAfter = (d) => new Date(Date.parse(`${d}T00:00:00Z`) + 86400e3).toISOString().slice(0, 10);
const dayBefore = (d) => new Date(Date.parse(`${d}T00:00:00Z`) - 86400e3).toISOString().slice(0, 10);
// Hours in Oslo month m (YYYY-MM): 24 a day, one less in March and one
// more in October (the EU's DST rule, which Norway has followed since 1996).
const monthDays = (m) => new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7), 0)).getUTCDate();
const monthHours = (m) => monthDays(m) * 24 + (m.endsWith('-03') ? -1 : m.endsWith('-10') ? 1 : 0);
// The Oslo dates [from, to] a series' default range covers: its longest
// run of consecutive complete months (every hour stored; the newest run on
// a tie), at most its newest 12 months, so the default is a range the API
// can answer without filling. Without a complete month: the newest run of
// consecutive stored months, clipped to the first and last stored hours
// (whole Oslo days only). null without data.
export function seriesRange(s) {
  if (!s || !s.months.length) return null;
  const full = s.months.filter((m) => (s.hours || {})[m] === monthHours(m));
  if (full.length) {
    let best = [0, 0];
    for (let i = 0, start = 0; i < full.length; i++) {
      if (i > 0 && nextMonth(full[i - 1]) !== full[i]) start = i;
      if (i - start >= best[1] - best[0]) best = [start, i];
    }
    const first = full[Math.max(best[0], best[1] - 11)];
    const last = full[best[1]];
    return { from: `${first}-01`, to: `${last}-${pad(monthDays(last))}` };
  }
  const m = s.months;
  let i = m.length - 1;
  while (i > 0 && i > m.length - 12 && nextMonth(m[i - 1]) === m[i]) i--;
  let from = `${m[i]}-01`;
  const lastMonth = m[m.length - 1];
  let to = `${lastMonth}-${pad(new Date(Date.UTC(+lastMonth.slice(0, 4), +lastMonth.slice(5, 7), 0)).getUTCDate())}`;
  // The API's texts are Oslo wall time: the date and hour are the first characters.
  if (s.first) {
    const f = s.first.slice(0, 10);
    const ff = s.first.slice(11, 13) === '00' ? f : dayAfter(f);
    if (ff > from) from = ff;
  }
  if (s.last) {
    const l = s.last.slice(0, 10);
    const ll = s.last.slice(11, 13) === '23' ? l : dayBefore(l);
    if (ll < to) to = ll;
  }
  return from <= to ? { from, to } : null;
}
// The overlap of ranges (null when there is none).
export function overlap(ranges) {
  if (ranges.some((r) => !r)) return null;
  const from = ranges.map((r) => r.from).sort().pop();
  const to = ranges.map((r) => r.to).sort()[0];
  return from <= to ? { from, to } : null;
}
export function seriesLabel(s) {
  return `${s.dataset} · ${s.area} · ${s.group}`;
}
// The first stored series matching one of the preferences (dataset, group
// patterns), else the first stored.
export function prefer(list, wants) {
  for (const w of wants) {
    const f = list.find((s) => (!w.dataset || s.dataset === w.dataset) && (!w.group || s.group === w.group)
      && (!w.area || s.area === w.area));
    if (f) return f;
  }
  return list[0] || null;
}

/* ---- times --------------------------------------------------------------- */

// The instants (ms) of the API's times ("2021-03-28T03:00:00+02:00").
export function instants(times) { return times.map((t) => Date.parse(t)); }
// The stretches of Oslo's offset over the times, as oslotime.js reads them.
export function offsetsFromTimes(times) {
  const out = [];
  let last = null;
  for (const t of times) {
    const m = /([+-])(\d\d):(\d\d)$/.exec(t);
    if (!m) continue;
    const off = (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]) * 60e3;
    if (off !== last) { out.push([Date.parse(t), off]); last = off; }
  }
  return out;
}
// "Mon 1 Mar 2021, 03:00 (UTC+02:00)"-like text of an API time: its own
// wall clock and offset.
export function timeText(iso) {
  const d = new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)));
  return `${d.getUTCDate()} ${MON[d.getUTCMonth()]} ${d.getUTCFullYear()} ${iso.slice(11, 16)} (UTC${iso.slice(19) || 'Z'})`;
}
// A time axis over [P0, P1] (ms) with Oslo calendar ticks.
export function timeAxis(offs, P0, P1, width, extra) {
  const tk = osloTicks(offs, P0, P1, Math.max(2, Math.floor((width - 100) / 90)));
  return {
    type: 'time', min: P0, max: P1, splitLine: { show: false },
    axisTick: { customValues: tk.ticks },
    axisLabel: { customValues: tk.ticks, hideOverlap: true, formatter: (v) => tickLabel(offs, v, tk.kind) },
    ...extra,
  };
}
// The unit of a series: the body's, else the variable's from /api/meta
// (weather variables carry theirs there).
let metaRef = null;
export function unitOf(body, spec) {
  const u = (body.units || {})[spec];
  if (u) return u;
  const [ds, , group] = String(spec).split(':');
  const d = ((metaRef && metaRef.datasets) || []).find((x) => x.name === ds);
  const v = ((d && d.variables) || []).find((x) => x.name === group);
  return v && v.unit ? v.unit : '';
}
export const nf = (d) => new Intl.NumberFormat('en-US', { maximumFractionDigits: d });
export function fmt(v, d = 3) { return v == null || !Number.isFinite(v) ? '–' : nf(d).format(v); }

/* ---- the page ------------------------------------------------------------ */

// A page: cfg = {path, hook (window name of the test hook), tabs: [{id,
// method, label}], defaults(app, tab) -> {name: value} for the rows the
// table leaves without a default (series, x, y, from, to), sliders: names
// drawn as a slider beside the number, draw(app, tab, body) (may be async),
// before(app, tab) (optional: clears what draw fills)}.
export function startPage(cfg) {
  const app = { ready: false, renders: 0, meta: null, tables: null, stored: [], state: null, body: null,
    error: null, charts: {}, cfg };
  cfg.set = update;
  window[cfg.hook] = app;
  applyTheme();
  pageNav(cfg.path);
  boot(app);
  return app;
}

function tabOf(app, id) { return app.cfg.tabs.find((t) => t.id === id) || app.cfg.tabs[0]; }
function rowsOf(app, tab) { return app.tables[tab.method] || []; }

// The state from the URL: the tab, and per row of its table the value the
// URL gives (kept as text; the server checks it) or the page's default for
// a row without one in the table.
function readState(app) {
  const q = new URLSearchParams(location.search);
  const tab = tabOf(app, q.get('tab'));
  const given = {};
  // Every tab's values are kept (the URL carries them over a tab switch);
  // the current tab's reading of a shared name comes last and wins (a
  // single series takes the first of a list the anomalies tab left).
  for (const t of [...app.cfg.tabs.filter((x) => x !== tab), tab]) {
    for (const p of rowsOf(app, t)) {
      const v = q.getAll(p.name).filter((x) => x !== '');
      if (!v.length) continue;
      if (p.kind === 'series_n') given[p.name] = v.join(',');
      else given[p.name] = p.kind === 'series' ? v[0].split(',')[0] : v[0];
    }
  }
  const dflt = app.cfg.defaults(app, tab, given);
  const values = { ...given };
  for (const [k, v] of Object.entries(dflt)) if (values[k] == null && v != null) values[k] = v;
  const theme = ['dark', 'light'].includes(q.get('theme')) ? q.get('theme') : '';
  return { tab, values, given, theme };
}
// The URL of a state: the tab, the series and range (always, so a reload
// answers the same), every other value only when it is not the default.
function stateQuery(app, s) {
  const q = new URLSearchParams();
  if (app.cfg.tabs.length > 1) q.set('tab', s.tab.id);
  const seen = new Set();
  for (const t of app.cfg.tabs) {
    for (const p of rowsOf(app, t)) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      const v = s.values[p.name];
      if (v == null || v === '') continue;
      if (p.def != null && (v === defaultValue(p) || v === p.def)) continue;
      q.set(p.name, v);
    }
  }
  if (s.theme) q.set('theme', s.theme);
  return q.toString();
}
// The API query of the state's tab: its table's rows with a value.
export function apiQuery(app, s) {
  const q = new URLSearchParams();
  for (const p of rowsOf(app, s.tab)) {
    const v = s.values[p.name];
    if (v == null || v === '') continue;
    if (p.def != null && (v === defaultValue(p) || v === p.def)) continue;
    q.set(p.name, v);
  }
  return q;
}

export function update(app, patch, tab) {
  const s = { ...app.state, values: { ...app.state.values, ...patch } };
  for (const [k, v] of Object.entries(patch)) if (v === '' || v == null) delete s.values[k];
  if (tab) s.tab = tabOf(app, tab);
  history.pushState(null, '', `?${stateQuery(app, s)}`);
  settle(app);
  render(app);
}
function settle(app) {
  app.state = readState(app);
  history.replaceState(null, '', `?${stateQuery(app, app.state)}`);
  pageNav(app.cfg.path);
}

/* ---- the form ------------------------------------------------------------ */

function seriesOptions(app, chosen) {
  const list = app.stored.map((s) => s.spec);
  const all = chosen && !list.includes(chosen) ? [...list, chosen] : list;
  return all.map((spec) => {
    const s = app.stored.find((x) => x.spec === spec);
    return `<option value="${esc(spec)}"${spec === chosen ? ' selected' : ''}>${esc(s ? seriesLabel(s) : `${spec} (not stored)`)}</option>`;
  }).join('');
}

// One field per row of the tab's table: its name, the input, and one line
// saying what it does, its default and what it allows.
function drawForm(app) {
  const s = app.state;
  const box = $('params');
  box.replaceChildren();
  for (const p of rowsOf(app, s.tab)) {
    const v = s.values[p.name] ?? '';
    const id = `p-${p.name}`;
    const div = document.createElement('div');
    div.className = 'an-param';
    div.dataset.param = p.name;
    let input;
    if (p.kind === 'series') {
      input = `<select id="${id}">${seriesOptions(app, v)}</select>`;
    } else if (p.kind === 'series_n') {
      const chosen = String(v).split(',').filter(Boolean);
      input = `<select id="${id}" multiple size="4">${app.stored.map((x) => `<option value="${esc(x.spec)}"${chosen.includes(x.spec) ? ' selected' : ''}>${esc(seriesLabel(x))}</option>`).join('')}</select>`;
    } else if (p.kind === 'date') {
      input = `<input id="${id}" type="date" value="${esc(v)}">`;
    } else if (p.kind === 'bool') {
      input = `<input id="${id}" type="checkbox"${v === 'true' || (v === '' && defaultValue(p) === 'true') ? ' checked' : ''}>`;
    } else if (p.kind === 'choice') {
      const cur = v || defaultValue(p);
      input = `<select id="${id}">${p.choices.map((c) => `<option${c === cur ? ' selected' : ''}>${esc(c)}</option>`).join('')}</select>`;
    } else if (p.kind === 'int' || p.kind === 'odd') {
      const lim = app.cfg.limit ? app.cfg.limit(app, p) : null;
      const lo = lim ? lim[0] : p.lo;
      const hi = lim ? lim[1] : p.hi;
      const slider = (app.cfg.sliders || []).includes(p.name)
        ? `<input id="${id}-slider" type="range" min="${lo}" max="${hi}" step="${p.kind === 'odd' ? 2 : 1}" value="${esc(v || defaultValue(p) || lo)}" aria-label="${esc(p.name)}">` : '';
      input = `${slider}<input id="${id}" type="number" min="${p.lo}" max="${p.hi}" step="${p.kind === 'odd' ? 2 : 1}" value="${esc(v)}" placeholder="${esc(p.def || '')}">`;
    } else {
      input = `<input id="${id}" type="text" value="${esc(v)}" placeholder="${esc(p.def || p.value)}" size="10">`;
    }
    const def = p.def == null ? 'required' : `default ${p.def}`;
    div.innerHTML = `<label for="${id}"><code>${esc(p.name)}</code></label> <span class="an-input">${input}</span>`
      + `<span class="an-help">${esc(p.help)} <span class="muted">(${esc(def)}; ${esc(rangeText(p))})</span></span>`;
    box.append(div);
    const el = div.querySelector(`#${CSS.escape(id)}`);
    const commit = () => {
      let val;
      if (p.kind === 'bool') val = el.checked ? 'true' : 'false';
      else if (p.kind === 'series_n') val = [...el.selectedOptions].map((o) => o.value).join(',');
      else val = el.value.trim();
      update(app, { [p.name]: val });
    };
    el.addEventListener('change', commit);
    const sl = div.querySelector(`#${CSS.escape(id)}-slider`);
    if (sl) {
      sl.addEventListener('input', () => { el.value = sl.value; });
      sl.addEventListener('change', () => { el.value = sl.value; commit(); });
    }
  }
  for (const b of document.querySelectorAll('[role=tab]')) {
    b.setAttribute('aria-selected', String(b.dataset.tab === s.tab.id));
    b.tabIndex = b.dataset.tab === s.tab.id ? 0 : -1;
  }
  for (const t of app.cfg.tabs) { const pn = $(`panel-${t.id}`); if (pn) pn.hidden = t.id !== s.tab.id; }
}

// The API's error, verbatim, in the page's error box; a gap gets the retry
// with fill=linear.
function showError(app, e) {
  app.error = e ? { status: e.status || 0, message: e.message } : null;
  $('error').hidden = !e;
  if (!e) return;
  $('error-text').textContent = e.message;
  // No chart or table of an earlier answer beside the error.
  for (const t of app.cfg.tabs) { const pn = $(`panel-${t.id}`); if (pn) pn.hidden = true; }
  const gap = /\bgaps?\b/i.test(e.message) && (app.state.values.fill || 'none') !== 'linear';
  $('error-fill').hidden = !gap;
}

async function render(app) {
  const my = renderStart(app);
  const s = app.state;
  drawForm(app);
  showError(app, null);
  if (app.cfg.before) app.cfg.before(app, s.tab);
  const q = apiQuery(app, s);
  const url = `/api/analysis/${s.tab.method}?${q}`;
  app.url = url;
  setStatus('');
  try {
    const body = await apiGet(url);
    if (my !== app.token) return;
    app.body = body;
    await app.cfg.draw(app, s.tab, body);
    if (my !== app.token) return;
    const filled = Object.entries(body.filled || {}).filter(([, n]) => n > 0);
    setStatus(filled.length ? `Filled by linear interpolation: ${filled.map(([k, n]) => `${k} ${n} hour${n === 1 ? '' : 's'}`).join(', ')}.` : '');
  } catch (e) {
    if (my !== app.token) return;
    app.body = null;
    // No chart of an earlier answer stays beside the error.
    for (const id of Object.keys(app.charts)) disposeChart(app, id);
    if (!(e instanceof ApiError)) console.error(e);
    showError(app, e);
  }
  renderDone(app);
}

// ECharts instance of element id, re-made when the theme changed.
export function chartAt(app, echarts, id) {
  const theme = echartsTheme();
  const c = app.charts[id];
  if (c && !c.isDisposed() && c.__theme === theme) return c;
  if (c && !c.isDisposed()) c.dispose();
  const n = echarts.init($(id), theme, { renderer: 'canvas' });
  n.__theme = theme;
  app.charts[id] = n;
  return n;
}
export function disposeChart(app, id) {
  const c = app.charts[id];
  if (c && !c.isDisposed()) c.dispose();
  delete app.charts[id];
}
export function chartBase() {
  return { backgroundColor: 'transparent', animation: false, useUTC: true, textStyle: { color: textColor() } };
}

async function boot(app) {
  if (!await loadMeta(app)) return;
  try {
    app.tables = await loadTables();
  } catch (e) {
    setStatus(`The server did not list its analysis methods: ${e.message}`, true);
    return;
  }
  app.stored = storedSeries(app.meta);
  metaRef = app.meta;
  settle(app);
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const b of tabs) {
    b.addEventListener('click', () => update(app, {}, b.dataset.tab));
    // The tab list's keys: left and right move to the neighbouring tab.
    b.addEventListener('keydown', (e) => {
      const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!d) return;
      e.preventDefault();
      const n = tabs[(tabs.indexOf(b) + d + tabs.length) % tabs.length];
      n.focus();
      update(app, {}, n.dataset.tab);
    });
  }
  $('error-fill-btn').addEventListener('click', () => update(app, { fill: 'linear' }));
  themeButton(() => { settle(app); render(app); });
  window.addEventListener('popstate', () => { settle(app); render(app); });
  window.addEventListener('resize', () => { for (const c of Object.values(app.charts)) if (c && !c.isDisposed()) c.resize(); });
  render(app);
}
