// The Snow drift page: Tabler (2003) snow transport and fence height per
// snow year (1 July to 30 June, Oslo time) at the URL's price area or point,
// from /api/snowdrift (the server computes; this page only shows): a table
// per season (a partial season flagged with its coverage), the 16-sector
// wind rose of the chosen season (sector 0 = N at the top, clockwise) and
// its monthly breakdown. A place without weather gets the exact
// `elhub fetch` command. Every selection lives in the URL.
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, PolarComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { $, applyTheme, esc, getJSON, pageNav, themeButton } from './common.js';
import { MON } from './oslotime.js';
import { echartsTheme, fetchCommand, loadMeta, navigate, placeLabel, placeQuery, renderDone, renderStart,
  resolvePlace, setStatus, textColor, urlPlace, weatherLocations } from './wxcommon.js';

echarts.use([BarChart, GridComponent, PolarComponent, TooltipComponent, CanvasRenderer]);

const SECTORS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];
const DEFAULTS = { T: 3000, F: 30000, theta: 0.5 };
const app = { ready: false, renders: 0, state: null, meta: null, data: null, charts: { rose: null, monthly: null } };
window.elhubSnowdrift = app;

const nf = (d) => new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/* ---- state in the URL ---------------------------------------------------- */

// The snow year holding month m (YYYY-MM): July..December of Y, January..June of Y+1.
const seasonOf = (m) => +m.slice(0, 4) - (+m.slice(5, 7) < 7 ? 1 : 0);
function readState() {
  const q = new URLSearchParams(location.search);
  const { place, months } = urlPlace(app);
  const year = (x) => (/^\d{4}$/.test(x || '') && +x >= 1990 && +x <= 2099 ? +x : null);
  const fallback = new Date().getUTCFullYear() - 2;
  let from = year(q.get('from_year')) ?? (months.length ? seasonOf(months[0]) : fallback);
  let to = year(q.get('to_year')) ?? (months.length ? seasonOf(months[months.length - 1]) : from);
  if (from > to) [from, to] = [to, from];
  const num = (k) => {
    const v = Number(q.get(k));
    return q.get(k) && Number.isFinite(v) && v > 0 ? v : DEFAULTS[k];
  };
  const season = year(q.get('season'));
  const theme = ['dark', 'light'].includes(q.get('theme')) ? q.get('theme') : '';
  return { place, months, from, to, T: num('T'), F: num('F'), theta: num('theta'),
    season: season != null && season >= from && season <= to ? season : null, theme };
}
function stateQuery(s) {
  const q = new URLSearchParams();
  placeQuery(s.place, q);
  q.set('from_year', s.from);
  q.set('to_year', s.to);
  for (const k of ['T', 'F', 'theta']) q.set(k, s[k]);
  if (s.season != null) q.set('season', s.season);
  if (s.theme) q.set('theme', s.theme);
  return q.toString();
}
function update(patch) {
  navigate(app, stateQuery({ ...app.state, ...patch }), '/snowdrift', readState, stateQuery, render);
}

/* ---- drawing ------------------------------------------------------------- */

const theme = echartsTheme;
function chartAt(el, key) {
  const c = app.charts[key];
  if (c && !c.isDisposed() && c.__theme === theme()) return c;
  if (c && !c.isDisposed()) c.dispose();
  const n = echarts.init(el, theme(), { renderer: 'canvas' });
  n.__theme = theme();
  app.charts[key] = n;
  return n;
}

function drawTable(data, s) {
  const body = $('sd-table').querySelector('tbody');
  body.replaceChildren();
  for (const x of data.seasons) {
    const tr = document.createElement('tr');
    const partial = x.hours < x.period_hours;
    tr.dataset.season = x.season;
    tr.className = `${partial ? 'sd-partial' : ''}${+x.season.slice(0, 4) === s.shown ? ' sd-chosen' : ''}`.trim();
    const h = x.fence_height_m;
    const cov = x.period_hours ? (100 * x.hours) / x.period_hours : 0;
    tr.innerHTML = `<th scope="row"><button type="button" class="sd-pick" aria-pressed="${+x.season.slice(0, 4) === s.shown}">${esc(x.season)}</button></th>`
      + `<td>${x.hours} / ${x.period_hours}${partial ? ` <span class="sd-flag" title="computed over the hours present">partial: ${nf(1).format(cov)} %</span>` : ''}</td>`
      + `<td>${nf(1).format(x.swe_mm)}</td><td>${nf(1).format(x.qupot_kg_m)}</td><td>${nf(1).format(x.qt_kg_m)}</td>`
      + `<td>${nf(3).format(x.qt_t_m)}</td><td>${esc(x.control)}</td>`
      + `<td>${nf(2).format(h.wyoming)}</td><td>${nf(2).format(h.slat_wire)}</td><td>${nf(2).format(h.solid)}</td>`;
    tr.querySelector('button').addEventListener('click', () => update({ season: +x.season.slice(0, 4) }));
    body.append(tr);
  }
}

// The rose: ECharts' polar bar, 16 categories, the first (N) centred at the
// top (startAngle 90 + 11.25: a category's sector starts at its angle and
// runs clockwise), radii from 0 so a bar's length is its value.
function roseOption(x) {
  return {
    backgroundColor: 'transparent', animation: false, textStyle: { color: textColor() },
    polar: { radius: ['0%', '78%'], center: ['50%', '52%'] },
    angleAxis: { type: 'category', data: SECTORS, startAngle: 90 + 11.25, clockwise: true, boundaryGap: true,
      axisTick: { show: false }, splitLine: { show: true } },
    radiusAxis: { type: 'value', min: 0, name: 'kg/m', axisLabel: { fontSize: 10 } },
    tooltip: { trigger: 'item', formatter: (p) => `${esc(p.name)}: <b>${nf(1).format(p.value)} kg/m</b>` },
    series: [{ id: 'rose', type: 'bar', coordinateSystem: 'polar', data: x.rose_kg_m.map((v, i) => ({ name: SECTORS[i], value: v })),
      barCategoryGap: '8%', itemStyle: { color: '#1f77b4' }, emphasis: { disabled: true } }],
  };
}
function monthlyOption(x) {
  const months = x.monthly || [];
  return {
    backgroundColor: 'transparent', animation: false, textStyle: { color: textColor() },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', formatter: (ps) => {
      const p = ps[0];
      const m = months[p.dataIndex];
      return `${esc(p.name)}: <b>${nf(1).format(m.qt_kg_m)} kg/m</b> (${m.hours} h, ${esc(m.control)}-controlled)`;
    } },
    xAxis: { type: 'category', data: months.map((m) => `${MON[+m.month.slice(5, 7) - 1]} ${m.month.slice(0, 4)}`) },
    yAxis: { type: 'value', min: 0, name: 'Qt (kg/m), Tabler over the month’s own hours', nameTextStyle: { align: 'left' } },
    series: [{ id: 'qt', type: 'bar', data: months.map((m) => (m.hours ? m.qt_kg_m : null)), itemStyle: { color: '#ff7f0e' } }],
  };
}

async function render() {
  const my = renderStart(app);
  const s = app.state;
  $('loc').innerHTML = [...new Set([...weatherLocations(app.meta), s.place.loc])]
    .map((l) => `<option value="${esc(l)}"${l === s.place.loc ? ' selected' : ''}>${esc(placeLabel(app, l))}</option>`).join('');
  $('from-year').value = s.from;
  $('to-year').value = s.to;
  $('T').value = s.T;
  $('F').value = s.F;
  $('theta').value = s.theta;
  const q = new URLSearchParams();
  placeQuery(s.place, q);
  q.set('from_year', s.from);
  q.set('to_year', s.to);
  q.set('T', s.T);
  q.set('F', s.F);
  q.set('theta', s.theta);
  const none = s.months.length === 0;
  $('nodata').hidden = !none;
  $('sd').hidden = none;
  if (none) {
    $('nodata-place').textContent = placeLabel(app, s.place.loc);
    const cmd = await fetchCommand(s.place, `${s.from}-07`, `${s.to + 1}-06`).catch((e) => `(${e.message})`);
    if (my !== app.token) return undefined;
    $('nodata-cmd').textContent = cmd;
    setStatus(app.placeError || '', !!app.placeError);
    return renderDone(app);
  }
  setStatus('Loading…');
  try {
    const data = await getJSON(`/api/snowdrift?${q}`);
    if (my !== app.token) return undefined;
    app.data = data;
    const years = data.seasons.map((x) => +x.season.slice(0, 4));
    s.shown = years.includes(s.season) ? s.season : years[years.length - 1];
    drawTable(data, s);
    const x = data.seasons.find((z) => +z.season.slice(0, 4) === s.shown);
    $('rose-title').textContent = `Wind rose of the transport, ${x.season} (kg/m per sector, sums to Qt)`;
    $('monthly-title').textContent = `Month by month, ${x.season}`;
    chartAt($('rose'), 'rose').setOption(roseOption(x), true);
    chartAt($('monthly'), 'monthly').setOption(monthlyOption(x), true);
    $('params').textContent = `T = ${data.params.T} m, F = ${data.params.F} m, θ = ${data.params.theta}`;
    setStatus(app.placeError || '', !!app.placeError);
  } catch (e) {
    if (my !== app.token) return undefined;
    // The server's reason (a place without weather in these seasons: it
    // names the fetch command); the command for this page's place too.
    $('nodata').hidden = false;
    $('sd').hidden = true;
    $('nodata-place').textContent = `${placeLabel(app, s.place.loc)} in the seasons ${s.from}-${s.from + 1} to ${s.to}-${s.to + 1}`;
    $('nodata-cmd').textContent = await fetchCommand(s.place, `${s.from}-07`, `${s.to + 1}-06`).catch((x) => `(${x.message})`);
    setStatus(e.message, true);
  }
  return renderDone(app);
}

async function start() {
  if (!await loadMeta(app)) return;
  await resolvePlace(app, new URLSearchParams(location.search));
  app.state = readState();
  history.replaceState(null, '', `?${stateQuery(app.state)}`);
  pageNav('/snowdrift');
  $('loc').addEventListener('change', (e) => {
    // A new place starts at its own seasons.
    const q = new URLSearchParams(stateQuery({ ...app.state, season: null }));
    for (const k of ['lat', 'lon', 'from_year', 'to_year']) q.delete(k);
    q.set('area', e.target.value);
    navigate(app, q, '/snowdrift', readState, stateQuery, render);
  });
  const yr = () => {
    const a = Math.round(+$('from-year').value);
    const b = Math.round(+$('to-year').value);
    if (a >= 1990 && b >= 1990 && a <= 2099 && b <= 2099) update({ from: Math.min(a, b), to: Math.max(a, b) });
  };
  $('from-year').addEventListener('change', yr);
  $('to-year').addEventListener('change', yr);
  for (const k of ['T', 'F', 'theta']) {
    $(k).addEventListener('change', (e) => { const v = +e.target.value; if (Number.isFinite(v) && v > 0) update({ [k]: v }); });
  }
  $('defaults').addEventListener('click', () => update({ ...DEFAULTS }));
  const reread = async () => { await resolvePlace(app, new URLSearchParams(location.search)); app.state = readState(); };
  themeButton(async () => { await reread(); render(); });
  window.addEventListener('popstate', async () => { await reread(); pageNav('/snowdrift'); render(); });
  window.addEventListener('resize', () => { for (const c of Object.values(app.charts)) if (c && !c.isDisposed()) c.resize(); });
  render();
}

applyTheme();
pageNav('/snowdrift');
start();
