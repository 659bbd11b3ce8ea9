// What the Weather and Snow-drift pages share: the weather variables (names,
// units, how a bucket aggregates them: /api/meta's `variables` when the
// server sends them, else the dataset's fixed list), the location of the URL
// (a price area's city or a point rounded to 4 decimals, keyed as the store
// keys it), and the exact `elhub fetch` command for a place without weather.
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
