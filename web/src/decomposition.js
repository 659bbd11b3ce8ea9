// The Decomposition page: tabs STL | Spectrogram of one stored series over
// an Oslo date range, computed by the server (/api/analysis/stl and
// /spectrogram; analysis.js has the form, the URL and the errors). STL:
// observed, trend, seasonal and residual (and the robustness weights when
// robust) as stacked panels on one time axis, zoomed together. Spectrogram:
// a heatmap of log10 power, x the segment centres (Oslo time), y the
// frequencies in cycles per day.
import * as echarts from 'echarts/core';
import { HeatmapChart, LineChart } from 'echarts/charts';
import { DataZoomInsideComponent, DataZoomSliderComponent, GridComponent, TooltipComponent,
  VisualMapContinuousComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { $ } from './common.js';
import { chartAt, chartBase, esc, fmt, instants, offsetsFromTimes, overlap, prefer, seriesRange, startPage,
  textColor, timeAxis, timeText, unitOf, H } from './analysis.js';

echarts.use([HeatmapChart, LineChart, DataZoomInsideComponent, DataZoomSliderComponent, GridComponent,
  TooltipComponent, VisualMapContinuousComponent, CanvasRenderer]);

const PANELS = [['observed', 'Observed', '#444'], ['trend', 'Trend', '#d62728'], ['seasonal', 'Seasonal', '#1f77b4'],
  ['resid', 'Residual', '#7f7f7f'], ['weights', 'Robustness weight', '#2ca02c']];

// The page's choice for what the table leaves without a default: the
// series (NO5 hydro production when stored) and its newest stored year.
function defaults(app, tab, given) {
  const s = app.stored.find((x) => x.spec === given.series)
    || prefer(app.stored, [{ dataset: 'production', group: 'hydro', area: 'NO5' }, { dataset: 'production', group: 'hydro' },
      { dataset: 'production' }, { dataset: 'consumption' }]);
  const r = overlap([seriesRange(s)]) || {};
  return { series: s ? s.spec : null, from: r.from, to: r.to };
}

function stlOption(body, width) {
  const t = instants(body.time);
  const offs = offsetsFromTimes(body.time);
  const unit = unitOf(body, body.series);
  const shown = PANELS.filter(([k]) => Array.isArray(body[k]));
  const n = shown.length;
  const top = 30;
  // 150 px a panel for four, room at the bottom for the axis name and the zoom bar.
  const gap = 34;
  const h = Math.floor((150 * 4 - gap * (n - 1)) / n);
  const P0 = t[0];
  const P1 = t[t.length - 1] + H;
  const idx = shown.map((_, i) => i);
  return {
    ...chartBase(),
    grid: shown.map((_, i) => ({ left: 86, right: 24, top: top + i * (h + gap), height: h })),
    xAxis: shown.map((_, i) => timeAxis(offs, P0, P1, width, { gridIndex: i,
      axisLabel: { ...timeAxis(offs, P0, P1, width).axisLabel, show: i === n - 1 },
      ...(i === n - 1 ? { name: 'Europe/Oslo time', nameLocation: 'middle', nameGap: 26, nameTextStyle: { fontSize: 11 } } : {}) })),
    yAxis: shown.map(([k, label], i) => ({ gridIndex: i, type: 'value', scale: k !== 'weights',
      ...(k === 'weights' ? { min: 0, max: 1 } : {}),
      name: k === 'weights' ? label : `${label}${unit ? ` (${unit})` : ''}`, nameTextStyle: { align: 'left', fontSize: 11 },
      axisLabel: { fontSize: 10 } })),
    dataZoom: [{ type: 'inside', xAxisIndex: idx, filterMode: 'none' },
      { type: 'slider', xAxisIndex: idx, filterMode: 'none', height: 18, bottom: 4, labelFormatter: '' }],
    tooltip: { trigger: 'axis', confine: true, className: 'chart-tip', axisPointer: { type: 'line', link: [{ xAxisIndex: 'all' }] },
      formatter: (ps) => {
        const list = Array.isArray(ps) ? ps : [ps];
        if (!list.length) return '';
        const i = list[0].dataIndex;
        return `<div class="tip-head">${esc(timeText(body.time[i]))}</div>${shown.map(([k, label]) => `${esc(label)}: <b>${fmt(body[k][i])}</b>`).join('<br>')}`;
      } },
    series: shown.map(([k, label, color], i) => ({ id: k, name: label, type: 'line', xAxisIndex: i, yAxisIndex: i,
      showSymbol: false, connectNulls: false, color, lineStyle: { width: 1 }, emphasis: { disabled: true },
      data: t.map((x, j) => [x, body[k][j]]) })),
  };
}

// log10 of the power; a zero power (a constant segment) is drawn at the
// floor: 12 decades under the largest.
function specCells(body) {
  let max = 0;
  for (const r of body.power) for (const p of r) if (p != null && p > max) max = p;
  const floor = max > 0 ? max * 1e-12 : 1e-300;
  const cells = [];
  let lo = Infinity;
  let hi = -Infinity;
  body.power.forEach((r, i) => r.forEach((p, j) => {
    const v = Math.log10(Math.max(p == null ? floor : p, floor));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    cells.push([i, j, v]);
  }));
  return { cells, lo, hi };
}

function specOption(body) {
  const { cells, lo, hi } = specCells(body);
  const unit = unitOf(body, body.series);
  const density = !body.params || body.params.scaling !== 'spectrum';
  const what = density ? `power spectral density (${unit}² per cycle/day)` : `power spectrum (${unit}²)`;
  const labelOf = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)} ${iso.slice(11, 16)}`;
  return {
    ...chartBase(),
    grid: { left: 86, right: 120, top: 24, bottom: 56 },
    tooltip: { confine: true, className: 'chart-tip', formatter: (p) => {
      const [i, j, v] = p.data;
      return `<div class="tip-head">${esc(timeText(body.time[i]))}</div>${fmt(body.frequency[j], 4)} cycles/day `
        + `(period ${fmt(24 / body.frequency[j], 2)} h)<br>log<sub>10</sub> power: <b>${fmt(v, 3)}</b> (${fmt(body.power[i][j], 6)})`;
    } },
    xAxis: { type: 'category', data: body.time, name: 'Segment centre, Europe/Oslo time', nameLocation: 'middle', nameGap: 32,
      axisLabel: { formatter: labelOf, hideOverlap: true }, splitArea: { show: false } },
    yAxis: { type: 'category', data: body.frequency.map((f) => fmt(f, 4)), name: 'Frequency (cycles per day)',
      nameTextStyle: { align: 'left' }, splitArea: { show: false } },
    visualMap: { type: 'continuous', min: lo, max: hi, calculable: true, right: 8, top: 'middle', precision: 2,
      text: [`log10 ${density ? 'PSD' : 'power'}`, ''], textStyle: { color: textColor() },
      inRange: { color: ['#0d0887', '#6a00a8', '#b12a90', '#e16462', '#fca636', '#f0f921'] } },
    series: [{ id: 'power', name: what, type: 'heatmap', data: cells, progressive: 0, emphasis: { disabled: true } }],
  };
}

function draw(app, tab, body) {
  if (tab.id === 'stl') {
    const c = chartAt(app, echarts, 'stl-chart');
    c.setOption(stlOption(body, $('stl-chart').clientWidth), true);
    const p = body.params || {};
    $('stl-caption').textContent = `${body.series}, ${body.from} to ${body.to}: period ${p.period}, seasonal ${p.seasonal}, `
      + `trend ${p.trend}, low-pass ${p.low_pass}${p.robust ? ', robust' : ''} (inner ${p.inner}, outer ${p.outer})`;
  } else {
    const c = chartAt(app, echarts, 'spec-chart');
    c.setOption(specOption(body), true);
    const p = body.params || {};
    $('spec-caption').textContent = `${body.series}, ${body.from} to ${body.to}: ${body.time.length} segments × `
      + `${body.frequency.length} frequencies; window ${p.window} h, overlap ${p.overlap} h, ${p.window_fn}, detrend ${p.detrend}, ${p.scaling}`;
  }
}

startPage({ path: '/decomposition', hook: 'elhubDecomposition', defaults, draw,
  tabs: [{ id: 'stl', method: 'stl', label: 'STL' }, { id: 'spectrogram', method: 'spectrogram', label: 'Spectrogram' }] });
