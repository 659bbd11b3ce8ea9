// What the Weather and Snow-drift pages share: the weather variables (names,
// units, how a bucket aggregates them: /api/meta's `variables` when the
// server sends them, else the dataset's fixed list), the location of the URL
// (a price area's city or a point rounded to 4 decimals, keyed as the store
// keys it), and the exact `elhub fetch` command for a place without weather;
// and the pages' plumbing (status line, the render hooks the browser tests
// wait on, /api/meta, history).
import { $, getJSON, pageNav } from './common.js';

export const AREAS = ['NO1', 'NO2', 'NO3', 'NO4', 'NO5'];
export const CITIES = { NO1: 'Oslo', NO2: 'Kristiansand', NO3: 'Trondheim', NO4: 'Tromsø', NO5: 'Bergen' };

// The dataset's variables (src/dataset.c) as /api/meta describes them.
const FIXED = [
  { name: 'temperature_2m', label: 'Temperature at 2 m', unit: '°C', aggregation: 'mean', digits: 1 },
  { name: 'precipitation', label: 'Precipitation', unit: 'mm', aggregation: 'sum', digits: 1 },
  { name: 'wind_speed_10m', label: 'Wind speed at 10 m', unit: 'm/s', aggregation: 'mean', digits: 2 },
  { name: 'wind_gusts_10m', label: 'Wind gusts at 10 m', unit: 'm/s', aggregation: 'mean', digits: 2 },
  { name: 'wind_direction_10m', label: 'Wind direction at 10 m', unit: '°', aggregation: 'direction', digits: 0 },
];
export const COLORS = { temperature_2m: '#d62728', precipitation: '#1f77b4', wind_speed_10m: '#2ca02c',
  wind_gusts_10m: '#9467bd', wind_direction_10m: '#8c564b' };

export function variables(meta) {
  const dm = (meta.datasets || []).find((d) => d.name === 'weather');
  const sent = (dm && dm.variables) || [];
  return FIXED.map((v) => ({ ...v, ...(sent.find((x) => x.name === v.name) || {}) }));
}

// The store's key of a point: 4 decimals, hemisphere letters
// (60.3913N_5.3221E), as src/weather/ rounds it.
export function pointKey(lat, lon) {
  const r = (x) => (Math.round(Math.abs(x) * 1e4) / 1e4).toFixed(4);
  return `${r(lat)}${lat < 0 ? 'S' : 'N'}_${r(lon)}${lon < 0 ? 'W' : 'E'}`;
}
// [lat, lon] of a point key, or null.
export function keyPoint(key) {
  const m = /^(\d+\.\d+)([NS])_(\d+\.\d+)([EW])$/.exec(key || '');
  if (!m) return null;
  return [(m[2] === 'S' ? -1 : 1) * +m[1], (m[4] === 'W' ? -1 : 1) * +m[3]];
}

// The place of the URL: {loc, lat, lon} (lat/lon strings only for a
// point), or {error}. area= wins; lat= and lon= must both be numbers.
export function placeOf(q) {
  const area = (q.get('area') || '').toUpperCase();
  if (AREAS.includes(area)) return { loc: area };
  const point = keyPoint(q.get('area'));
  if (point) return { loc: q.get('area'), lat: point[0].toFixed(4), lon: point[1].toFixed(4) };
  const lat = Number(q.get('lat'));
  const lon = Number(q.get('lon'));
  if (q.get('lat') && q.get('lon') && Number.isFinite(lat) && Number.isFinite(lon)
      && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    const loc = pointKey(lat, lon);
    const p = keyPoint(loc);
    return { loc, lat: p[0].toFixed(4), lon: p[1].toFixed(4) };
  }
  return { loc: null };
}
// The place of the URL (default: NO5, else the first stored location) and
// the months it has weather in.
export function urlPlace(meta, q) {
  const place = placeOf(q);
  const stored = weatherLocations(meta);
  if (!place.loc) place.loc = stored.includes('NO5') ? 'NO5' : (stored[0] || 'NO5');
  return { place, months: locationMonths(meta, place.loc) };
}
export function placeLabel(loc) {
  if (CITIES[loc]) return `${loc} (${CITIES[loc]})`;
  const p = keyPoint(loc);
  return p ? `${p[0].toFixed(4)}, ${p[1].toFixed(4)}` : loc;
}
export function placeQuery(place, q) {
  if (AREAS.includes(place.loc)) q.set('area', place.loc);
  else { q.set('lat', place.lat); q.set('lon', place.lon); }
}

// The command that stores the weather of a place for Oslo months from..to.
export function fetchCommand(place, from, to) {
  const where = AREAS.includes(place.loc) ? `--area ${place.loc}` : `--lat ${place.lat} --lon ${place.lon}`;
  return `elhub fetch --dataset weather ${where} --from ${from} --to ${to}`;
}

// The months (YYYY-MM, sorted) in which loc has any weather, from /api/meta.
export function locationMonths(meta, loc) {
  const dm = (meta.datasets || []).find((d) => d.name === 'weather');
  const out = new Set();
  for (const s of (dm && dm.series) || []) if (s.area === loc) for (const m of Object.keys(s.months || {})) out.add(m);
  return [...out].sort();
}
export function weatherLocations(meta) {
  const dm = (meta.datasets || []).find((d) => d.name === 'weather');
  return dm ? dm.areas : [];
}

export function setStatus(text, error) {
  $('status').textContent = text;
  $('status').classList.toggle('error', !!error);
}
// A render starts: not ready until renderDone; returns its number (a
// render that is no longer app.token's newest drops its answers).
export function renderStart(app) {
  app.ready = false;
  document.body.dataset.ready = '0';
  app.token = (app.token || 0) + 1;
  return app.token;
}
// A render finished: the page's test hook (ready, renders) and the body's
// data-ready after the next paint.
export function renderDone(app) {
  app.ready = true;
  app.renders++;
  requestAnimationFrame(() => { document.body.dataset.ready = '1'; });
}
// Reads /api/meta into app.meta; false (and the status says why) if the
// server cannot be reached.
export async function loadMeta(app) {
  try {
    app.meta = await getJSON('/api/meta', true);
    return true;
  } catch (e) {
    setStatus(`Could not reach the server's API: ${e.message}`, true);
    return false;
  }
}
// A user's change: query q goes into history, the state is read back from
// it (normalised) and written again, the page links follow, and it redraws.
export function navigate(app, q, path, readState, stateQuery, render) {
  history.pushState(null, '', `?${q}`);
  app.state = readState();
  history.replaceState(null, '', `?${stateQuery(app.state)}`);
  pageNav(path);
  render();
}
// ECharts' theme name for the page's theme, and the text colour.
export function echartsTheme() { return document.documentElement.dataset.theme === 'dark' ? 'dark' : null; }
export function textColor() { return getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#1d2330'; }
