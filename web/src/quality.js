// The Quality page: tabs Outliers (SPC) | Anomalies (LOF) of stored series
// over an Oslo date range, computed by the server (/api/analysis/outliers
// and /anomalies; analysis.js has the form, the URL and the errors).
// Outliers: the series, the SPC bounds as a band, the flagged hours as
// markers and the summary (count, share, median and robust sigma of the
// SATV, the largest deviations). Anomalies: the series with the flagged
// hours marked, the scores with the offset below, and a summary.
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomInsideComponent, DataZoomSliderComponent, GridComponent, LegendComponent, MarkLineComponent,
  TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { $ } from './common.js';
import { chartAt, chartBase, esc, fmt, instants, offsetsFromTimes, overlap, prefer, seriesRange, startPage,
  textColor, timeAxis, timeText, unitOf, H } from './analysis.js';

echarts.use([LineChart, ScatterChart, DataZoomInsideComponent, DataZoomSliderComponent, GridComponent,
  LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

// The page's choice for what the table leaves without a default: weather
// temperature for SPC, precipitation for LOF (the course's pairing; NO5's
// when stored), over their newest stored year.
function defaults(app, tab, given) {
  const specs = String(given.series || '').split(',').filter(Boolean);
  const known = specs.map((x) => app.stored.find((s) => s.spec === x)).filter(Boolean);
  const want = tab.id === 'outliers' ? 'temperature_2m' : 'precipitation';
  const s = known.length ? known : [prefer(app.stored, [{ dataset: 'weather', group: want, area: 'NO5' },
    { dataset: 'weather', group: want }, { dataset: 'weather' }, { dataset: 'production' }])].filter(Boolean);
  const r = overlap(s.map(seriesRange)) || {};
  return { series: s.length ? s.map((x) => x.spec).join(',') : null, from: r.from, to: r.to };
}

function table(id, rows) {
  $(id).querySelector('tbody').innerHTML = rows.map(([k, v, key]) => `<tr data-key="${esc(key || '')}"><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
}
const tip = (body, shown) => (ps) => {
  const list = (Array.isArray(ps) ? ps : [ps]).filter((p) => p && p.value);
  if (!list.length) return '';
  const t = list[0].value[0];
  const i = Math.round((t - Date.parse(body.time[0])) / H);
  return `<div class="tip-head">${esc(timeText(body.time[i] || ''))}</div>${shown(i)}`;
};

function outliersOption(body, width) {
  const t = instants(body.time);
  const offs = offsetsFromTimes(body.time);
  const unit = unitOf(body, body.series);
  const flagged = [];
  body.outlier.forEach((f, i) => { if (f) flagged.push([t[i], body.value[i]]); });
  return {
    ...chartBase(),
    grid: { left: 72, right: 24, top: 40, bottom: 80 },
    legend: { top: 0, textStyle: { color: textColor() }, data: ['Series', 'SPC band', 'Outliers'] },
    tooltip: { trigger: 'axis', confine: true, className: 'chart-tip',
      formatter: tip(body, (i) => `Value: <b>${fmt(body.value[i])} ${esc(unit)}</b><br>Bounds: ${fmt(body.lower[i])} to ${fmt(body.upper[i])}`
        + `${body.outlier[i] ? '<br><b>outlier</b>' : ''}`) },
    dataZoom: [{ type: 'inside', filterMode: 'none' }, { type: 'slider', filterMode: 'none', height: 18, bottom: 4, labelFormatter: '' }],
    xAxis: timeAxis(offs, t[0], t[t.length - 1] + H, width, { name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26, nameTextStyle: { fontSize: 11 } }),
    yAxis: { type: 'value', scale: true, name: `${body.series}${unit ? ` (${unit})` : ''}`, nameTextStyle: { align: 'left' } },
    series: [
      // The band: the lower bound (not drawn) with upper − lower stacked on it.
      { id: 'lower', name: 'SPC band', type: 'line', stack: 'band', stackStrategy: 'all', showSymbol: false, silent: true, lineStyle: { opacity: 0 },
        data: t.map((x, i) => [x, body.lower[i]]), emphasis: { disabled: true }, tooltip: { show: false } },
      { id: 'band', name: 'SPC band', type: 'line', stack: 'band', stackStrategy: 'all', showSymbol: false, silent: true, lineStyle: { opacity: 0 },
        areaStyle: { color: 'rgba(31, 119, 180, 0.22)' }, color: 'rgba(31, 119, 180, 0.5)',
        data: t.map((x, i) => [x, body.upper[i] == null || body.lower[i] == null ? null : body.upper[i] - body.lower[i]]), emphasis: { disabled: true } },
      { id: 'value', name: 'Series', type: 'line', showSymbol: false, color: '#333', lineStyle: { width: 1 },
        data: t.map((x, i) => [x, body.value[i]]), emphasis: { disabled: true } },
      { id: 'outliers', name: 'Outliers', type: 'scatter', symbolSize: 6, color: '#d62728', progressive: 0, data: flagged, z: 5 },
    ],
  };
}

function drawOutliers(app, body) {
  const c = chartAt(app, echarts, 'out-chart');
  c.setOption(outliersOption(body, $('out-chart').clientWidth), true);
  const s = body.summary || {};
  const unit = unitOf(body, body.series);
  $('out-caption').textContent = `${body.series}, ${body.from} to ${body.to}: cutoff ${body.params.cutoff}, k = ${body.params.k}`;
  table('out-summary', [['Hours', String(body.time.length), 'hours'], ['Outliers', String(s.count), 'count'],
    ['Share', `${fmt(100 * s.share, 3)} %`, 'share'], ['Median of the SATV', `${fmt(s.median)} ${unit}`, 'median'],
    ['Robust σ (1.4826 MAD)', `${fmt(s.sigma)} ${unit}`, 'sigma']]);
  $('out-largest').querySelector('tbody').innerHTML = (s.largest || []).map((x) => `<tr data-time="${esc(x.time)}"><th scope="row">${esc(timeText(x.time))}</th>`
    + `<td>${fmt(x.value)} ${esc(unit)}</td><td>${fmt(x.satv)}</td><td>${fmt(x.sigmas, 2)}</td></tr>`).join('');
}

function lofOption(body, width) {
  const t = instants(body.time);
  const offs = offsetsFromTimes(body.time);
  const names = Array.isArray(body.series) ? body.series : [body.series];
  const rows = (i) => (Array.isArray(body.value[i]) ? body.value[i] : [body.value[i]]);
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
  const flagged = [];
  body.anomaly.forEach((f, i) => { if (f) flagged.push(i); });
  const P0 = t[0];
  const P1 = t[t.length - 1] + H;
  return {
    ...chartBase(),
    grid: [{ left: 72, right: 24, top: 40, height: 250 }, { left: 72, right: 24, top: 330, height: 130 }],
    legend: { top: 0, textStyle: { color: textColor() } },
    tooltip: { trigger: 'axis', confine: true, className: 'chart-tip', axisPointer: { link: [{ xAxisIndex: 'all' }] },
      formatter: tip(body, (i) => `${names.map((n, k) => `${esc(n)}: <b>${fmt(rows(i)[k])}</b>`).join('<br>')}<br>Score: <b>${fmt(body.score[i], 4)}</b> (factor ${fmt(-body.score[i], 4)})`
        + `${body.anomaly[i] ? '<br><b>anomaly</b>' : ''}`) },
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1], filterMode: 'none' },
      { type: 'slider', xAxisIndex: [0, 1], filterMode: 'none', height: 18, bottom: 4, labelFormatter: '' }],
    xAxis: [timeAxis(offs, P0, P1, width, { gridIndex: 0, axisLabel: { show: false } }),
      timeAxis(offs, P0, P1, width, { gridIndex: 1, name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26, nameTextStyle: { fontSize: 11 } })],
    yAxis: [{ gridIndex: 0, type: 'value', scale: true, name: names.length === 1 ? `${names[0]}${unitOf(body, names[0]) ? ` (${unitOf(body, names[0])})` : ''}` : 'Values',
      nameTextStyle: { align: 'left' } },
    // The factor spans decades (duplicated values make scikit-learn's
    // 1e-10 reach distances: factors of 1e8), so it is drawn on a log axis.
    { gridIndex: 1, type: 'log', name: 'Local outlier factor (−score, log scale)', nameTextStyle: { align: 'left' } }],
    series: [
      ...names.map((n, k) => ({ id: `value-${k}`, name: n, type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false,
        color: colors[k % colors.length], lineStyle: { width: 1 }, emphasis: { disabled: true }, data: t.map((x, i) => [x, rows(i)[k]]) })),
      ...names.map((n, k) => ({ id: `anomalies-${k}`, name: k === 0 ? 'Anomalies' : `Anomalies (${n})`, type: 'scatter', xAxisIndex: 0, yAxisIndex: 0,
        symbolSize: 7, color: '#d62728', progressive: 0, z: 5, data: flagged.map((i) => [t[i], rows(i)[k]]) })),
      { id: 'factor', name: 'Outlier factor', type: 'line', xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, color: '#555', lineStyle: { width: 1 },
        emphasis: { disabled: true }, data: t.map((x, i) => [x, body.score[i] == null ? null : -body.score[i]]),
        markLine: body.offset == null ? undefined : { silent: true, symbol: 'none', label: { formatter: `flagged above ${fmt(-body.offset, 4)}`, position: 'insideEndTop' },
          lineStyle: { color: '#d62728', type: 'dashed' }, data: [{ yAxis: -body.offset }] } },
    ],
  };
}

function drawAnomalies(app, body) {
  const c = chartAt(app, echarts, 'lof-chart');
  c.setOption(lofOption(body, $('lof-chart').clientWidth), true);
  const names = Array.isArray(body.series) ? body.series : [body.series];
  const p = body.params || {};
  $('lof-caption').textContent = `${names.join(', ')}, ${body.from} to ${body.to}: ${p.neighbors} neighbours, contamination ${p.contamination}`;
  const n = body.time.length;
  table('lof-summary', [['Hours', String(n), 'hours'], ['Anomalies', String(body.count), 'count'],
    ['Share', `${fmt((100 * body.count) / n, 3)} %`, 'share'], ['Offset (flag below)', fmt(body.offset, 6), 'offset'],
    ['Neighbours used', String(body.neighbors_used), 'neighbors_used']]);
  const order = body.score.map((s, i) => i).filter((i) => body.score[i] != null).sort((a, b) => body.score[a] - body.score[b]).slice(0, 10);
  const val = (i) => (Array.isArray(body.value[i]) ? body.value[i].map((v) => fmt(v)).join(', ') : fmt(body.value[i]));
  $('lof-lowest').querySelector('tbody').innerHTML = order.map((i) => `<tr data-time="${esc(body.time[i])}"><th scope="row">${esc(timeText(body.time[i]))}</th>`
    + `<td>${esc(val(i))}</td><td>${fmt(body.score[i], 4)}</td></tr>`).join('');
}

function draw(app, tab, body) {
  if (tab.id === 'outliers') drawOutliers(app, body);
  else drawAnomalies(app, body);
}

startPage({ path: '/quality', hook: 'elhubQuality', defaults, draw,
  tabs: [{ id: 'outliers', method: 'outliers', label: 'Outliers (SPC)' }, { id: 'anomalies', method: 'anomalies', label: 'Anomalies (LOF)' }] });
