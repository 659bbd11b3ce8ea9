// The Weather × energy page: two stored series (x, by default a weather
// variable, and y, an energy series of the same price area), x shifted by
// the lag, and their sliding-window correlation, computed by the server
// (/api/analysis/correlate; analysis.js has the form, the URL and the
// errors); the window and the lag have sliders, and with a lag range the
// server's best lag is shown. The two series are drawn from /api/series
// (hourly, the store's values), the correlation from the analysis body.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { DataZoomInsideComponent, DataZoomSliderComponent, GridComponent, LegendComponent, MarkLineComponent,
  TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { $ } from './common.js';
import { apiGet, chartAt, chartBase, esc, fmt, instants, offsetsFromTimes, overlap, prefer, seriesRange,
  startPage, textColor, timeAxis, timeText, unitOf, H } from './analysis.js';

echarts.use([LineChart, DataZoomInsideComponent, DataZoomSliderComponent, GridComponent, LegendComponent,
  MarkLineComponent, TooltipComponent, CanvasRenderer]);

// x: a weather temperature (NO5's when stored); y: production of that
// place's price area (hydro first); the range: where both are stored. When
// that pair shares no hours, the first pair of stored series that does.
function defaults(app, tab, given) {
  const find = (spec) => app.stored.find((s) => s.spec === spec);
  const x = find(given.x) || prefer(app.stored, [{ dataset: 'weather', group: 'temperature_2m', area: 'NO5' },
    { dataset: 'weather', group: 'temperature_2m' }, { dataset: 'weather' }, { dataset: 'production' }]);
  const area = x ? x.area : null;
  const y = find(given.y) || prefer(app.stored.filter((s) => !x || s.spec !== x.spec), [
    { dataset: 'production', group: 'hydro', area }, { dataset: 'production', area }, { dataset: 'consumption', area },
    { dataset: 'production', group: 'hydro' }, { dataset: 'production' }]);
  let r = overlap([seriesRange(x), seriesRange(y)]);
  if (!r && !given.x && !given.y) {
    // The preferred pair shares no stored hours (the bundled weather is of
    // 2019 and 2020, the energy of 2021 and 2025): the first pair that does,
    // a weather x if any weather overlaps energy, else two energy series.
    const wx = app.stored.filter((s) => s.dataset === 'weather');
    const en = app.stored.filter((s) => s.dataset !== 'weather');
    for (const [xs, ys] of [[wx, en], [en, en]]) {
      for (const a of xs) {
        const b = ys.find((c) => c.spec !== a.spec && overlap([seriesRange(a), seriesRange(c)]));
        if (b) return { x: a.spec, y: b.spec, ...overlap([seriesRange(a), seriesRange(b)]) };
      }
    }
  }
  r = r || seriesRange(x) || {};
  return { x: x ? x.spec : null, y: y ? y.spec : null, from: r.from, to: r.to };
}
// The sliders' span (the number field beside each takes the table's whole
// range): a window up to the range's hours (at most 90 days), a lag up to
// two weeks either way.
function limit(app, p) {
  const v = app.state.values;
  const hours = v.from && v.to ? Math.round((Date.parse(`${v.to}T00:00:00Z`) - Date.parse(`${v.from}T00:00:00Z`)) / H) + 24 : p.hi;
  if (p.name === 'window') return [p.lo, Math.max(p.lo, Math.min(p.hi, hours, 90 * 24))];
  if (p.name === 'lag') return [Math.max(p.lo, -14 * 24), Math.min(p.hi, 14 * 24)];
  return null;
}

// The hourly values of spec over [from, to] from /api/series: {ms: value}.
async function values(spec, from, to) {
  const [dataset, area, group] = spec.split(':');
  const q = new URLSearchParams({ dataset, area, groups: group, from, to, step: 'hour' });
  const d = await apiGet(`/api/series?${q}`);
  const m = new Map();
  for (const rows of Object.values(d.series || {})) for (const [iso, v] of rows) m.set(Date.parse(iso), v);
  return m;
}

function option(body, xv, yv, lag, width) {
  const t = instants(body.time);
  const offs = offsetsFromTimes(body.time);
  const P0 = t[0];
  const P1 = t[t.length - 1] + H;
  const xs = t.map((ms) => [ms, xv.has(ms - lag * H) ? xv.get(ms - lag * H) : null]);
  const ys = t.map((ms) => [ms, yv.has(ms) ? yv.get(ms) : null]);
  return {
    ...chartBase(),
    grid: [{ left: 80, right: 80, top: 40, height: 220 }, { left: 80, right: 80, top: 300, height: 170 }],
    legend: { top: 0, textStyle: { color: textColor() } },
    tooltip: { trigger: 'axis', confine: true, className: 'chart-tip', axisPointer: { link: [{ xAxisIndex: 'all' }] },
      formatter: (ps) => {
        const list = (Array.isArray(ps) ? ps : [ps]).filter((p) => p && p.value);
        if (!list.length) return '';
        const i = Math.round((list[0].value[0] - P0) / H);
        return `<div class="tip-head">${esc(timeText(body.time[i] || ''))}</div>x (shifted ${lag} h): <b>${fmt(xs[i] && xs[i][1])}</b><br>`
          + `y: <b>${fmt(ys[i] && ys[i][1])}</b><br>r: <b>${fmt(body.r[i], 4)}</b>`;
      } },
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1], filterMode: 'none' },
      { type: 'slider', xAxisIndex: [0, 1], filterMode: 'none', height: 18, bottom: 4, labelFormatter: '' }],
    xAxis: [timeAxis(offs, P0, P1, width, { gridIndex: 0, axisLabel: { show: false } }),
      timeAxis(offs, P0, P1, width, { gridIndex: 1, name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26, nameTextStyle: { fontSize: 11 } })],
    yAxis: [
      { gridIndex: 0, type: 'value', scale: true, name: `x: ${body.x}${unitOf(body, body.x) ? ` (${unitOf(body, body.x)})` : ''}`, nameTextStyle: { align: 'left' }, splitLine: { show: false } },
      { gridIndex: 0, type: 'value', scale: true, position: 'right', name: `y: ${body.y}${unitOf(body, body.y) ? ` (${unitOf(body, body.y)})` : ''}`, nameTextStyle: { align: 'right' } },
      { gridIndex: 1, type: 'value', min: -1, max: 1, name: `r over ${body.params.window} h windows`, nameTextStyle: { align: 'left' } },
    ],
    series: [
      { id: 'x', name: `x: ${body.x}${lag ? `, shifted ${lag} h` : ''}`, type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false,
        color: '#d62728', lineStyle: { width: 1 }, emphasis: { disabled: true }, data: xs },
      { id: 'y', name: `y: ${body.y}`, type: 'line', xAxisIndex: 0, yAxisIndex: 1, showSymbol: false, color: '#1f77b4',
        lineStyle: { width: 1 }, emphasis: { disabled: true }, data: ys },
      { id: 'r', name: 'r', type: 'line', xAxisIndex: 1, yAxisIndex: 2, showSymbol: false, connectNulls: false, color: '#333',
        lineStyle: { width: 1.2 }, emphasis: { disabled: true }, data: t.map((ms, i) => [ms, body.r[i]]),
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#999', type: 'dashed' }, data: [{ yAxis: 0 }] } },
    ],
  };
}

async function draw(app, tab, body) {
  const lag = body.params && Number.isFinite(+body.params.lag) ? +body.params.lag : 0;
  const [xv, yv] = await Promise.all([values(body.x, body.from, body.to), values(body.y, body.from, body.to)]);
  const c = chartAt(app, echarts, 'corr-chart');
  c.setOption(option(body, xv, yv, lag, $('corr-chart').clientWidth), true);
  $('corr-caption').textContent = `${body.from} to ${body.to}: window ${body.params.window} h, lag ${lag} h`;
  const best = $('best');
  if (body.best_lag != null) {
    const lr = body.params.lag_range;
    const span = Array.isArray(lr) ? `${lr[0]} to ${lr[1]} h` : (lr && typeof lr === 'object' ? `${lr.min} to ${lr.max} h` : String(lr));
    best.innerHTML = `Best lag over ${esc(span)}: <strong id="best-lag">${esc(body.best_lag)} h</strong> (r = <strong id="best-r">${fmt(body.best_r, 4)}</strong>) `
      + '<button type="button" id="use-best">Use this lag</button>';
    $('use-best').addEventListener('click', () => app.cfg.set(app, { lag: String(body.best_lag) }));
  } else {
    best.textContent = 'Set lag_range (e.g. -48:48) to find the lag of the strongest correlation.';
  }
}

startPage({ path: '/correlation', hook: 'elhubCorrelation', defaults, draw, limit, sliders: ['window', 'lag'],
  tabs: [{ id: 'correlate', method: 'correlate', label: 'Correlation' }] });
