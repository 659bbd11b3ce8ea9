// What the Weather and Snow-drift pages share: the weather variables (names,
// units, how a bucket aggregates them: /api/meta's `variables` when the
// server sends them, else the dataset's fixed list), the location of the URL
// (a price area's city or a point, as /api/locate resolves it), and the
// exact `elhub fetch` command for a place without weather (the server's);
// and the pages' plumbing (status line, the render hooks the browser tests
// wait on, /api/meta, history).
import { $, getJSON, pageNav } from './common.js';

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

// The place the URL names, as the server resolves it (/api/locate, the one
// place where a point is rounded and keyed and a fetch command is written):
// area= (a price area's city or a location key) or lat= and lon=; without
// either, NO5 if it has weather, else the first stored location. Sets
// app.place = {loc (the store's key), lat, lon, name (a city, or null for a
// point), area (the price area containing it, or null), query (how the URL
// names it)}; a place the server refuses falls back to the default, with
// the reason in app.placeError.
export async function resolvePlace(app, q) {
  const stored = weatherLocations(app.meta);
  const fallback = new URLSearchParams({ area: stored.includes('NO5') ? 'NO5' : (stored[0] || 'NO5') });
  const asked = new URLSearchParams();
  if (q.get('area')) asked.set('area', q.get('area'));
  else if (q.get('lat') || q.get('lon')) { asked.set('lat', q.get('lat') || ''); asked.set('lon', q.get('lon') || ''); }
  app.placeError = null;
  let j;
  try {
    j = await getJSON(`/api/locate?${asked.toString() ? asked : fallback}`);
  } catch (e) {
    app.placeError = e.message;
    j = await getJSON(`/api/locate?${fallback}`);
  }
  const query = j.name ? { area: j.location } : { lat: j.lat.toFixed(4), lon: j.lon.toFixed(4) };
  app.place = { loc: j.location, lat: j.lat, lon: j.lon, name: j.name, area: j.area, query };
}
// The place (app.place) and the months it has weather in.
export function urlPlace(app) {
  return { place: app.place, months: locationMonths(app.meta, app.place.loc) };
}
// "NO5 (Bergen)", or a point's "60.3913, 5.3221", from /api/meta's locations
// (or the resolved place for one without weather).
export function placeLabel(app, loc) {
  const dm = (app.meta.datasets || []).find((d) => d.name === 'weather');
  const l = ((dm && dm.locations) || []).find((x) => x.location === loc)
    || (app.place && app.place.loc === loc ? { name: app.place.name, lat: app.place.lat, lon: app.place.lon } : null);
  if (!l) return loc;
  return l.name ? `${loc} (${l.name})` : `${l.lat.toFixed(4)}, ${l.lon.toFixed(4)}`;
}
export function placeQuery(place, q) {
  for (const [k, v] of Object.entries(place.query)) q.set(k, v);
}
// The exact command that stores the place's weather for Oslo months
// from..to (without them: the server's default, the last 12 full months),
// as the server writes it.
export async function fetchCommand(place, from, to) {
  const q = new URLSearchParams({ ...place.query, ...(from ? { from, to } : {}) });
  return (await getJSON(`/api/locate?${q}`)).fetch;
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
export async function navigate(app, q, path, readState, stateQuery, render) {
  history.pushState(null, '', `?${q}`);
  await resolvePlace(app, new URLSearchParams(String(q)));
  app.state = readState();
  history.replaceState(null, '', `?${stateQuery(app.state)}`);
  pageNav(path);
  render();
}
// ECharts' theme name for the page's theme, and the text colour.
export function echartsTheme() { return document.documentElement.dataset.theme === 'dark' ? 'dark' : null; }
export function textColor() { return getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#1d2330'; }
