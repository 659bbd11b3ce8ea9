// What every page of the dashboard shares: the JSON reader (memoised by
// URL), HTML escaping, the theme (from the URL, else the OS), and the links
// between the pages, which carry the place (area, lat, lon) and the theme
// over so a user keeps their point when changing page.
export const $ = (id) => document.getElementById(id);

export const PAGES = [['/', 'Energy'], ['/weather', 'Weather'], ['/map', 'Map'], ['/snowdrift', 'Snow drift'],
  ['/decomposition', 'Decomposition'], ['/quality', 'Quality'], ['/correlation', 'Weather × energy'],
  ['/forecast', 'Forecast']];
const CARRIED = ['area', 'lat', 'lon', 'theme'];

const memo = new Map();
// The JSON of url; an error names the URL and the server's detail.
// fresh: skip the memo (and do not remember the answer).
export async function getJSON(url, fresh) {
  if (!fresh && memo.has(url)) return memo.get(url);
  const p = fetch(url, { cache: 'no-cache' }).then(async (r) => {
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(`${url}: ${body.detail || r.status}`);
    return body;
  });
  if (!fresh) {
    memo.set(url, p);
    p.catch(() => memo.delete(url));
    if (memo.size > 80) memo.delete(memo.keys().next().value);
  }
  return p;
}

export function pad(n) { return String(n).padStart(2, '0'); }

// The unit ladders of a dataset (dm: its /api/meta row; src/present.c,
// shared with elhub plot): energy (kWh, MWh, ...) and power (kW, MW, ...,
// where a kWh in one hour is a kW), and the decimals its values have.
const FALLBACK_LADDER = [['kWh', 1], ['MWh', 1e3], ['GWh', 1e6], ['TWh', 1e9]];
function ladder(dm, measure) { return (dm && dm.units && dm.units[measure]) || FALLBACK_LADDER; }
function decimals(dm) { return dm && dm.units ? dm.units.decimals : 3; }
// The rung in which the largest shown value is at least 1.
export function unitFor(dm, max, measure = 'energy') {
  const l = ladder(dm, measure);
  let u = l[0];
  for (const x of l) if (Math.abs(max) >= x[1]) u = x;
  return u;
}
// v (in the dataset's unit) in rung u with 4 significant digits, but never
// more decimals than the data has (3 in kWh: 0.005747 kWh shows as 0.006
// kWh, not as 0.000005747 GWh).
export function inUnit(dm, v, u) {
  const x = v / u[1];
  const maxFrac = Math.max(0, Math.min(20, decimals(dm) + Math.round(Math.log10(u[1]))));
  const digits = Math.abs(x) >= 1 ? Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x)))) : 3;
  const f = Math.min(maxFrac, digits);
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: f }).format(x);
}
// v in the rung that suits v itself, with the rung's name.
export function scaled(dm, v, measure = 'energy') {
  const u = unitFor(dm, v, measure);
  return `${inUnit(dm, v, u)} ${u[0]}`;
}

// Text for HTML (ECharts renders tooltip formatter output as HTML).
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// 'dark' or 'light': the URL's theme=, else the OS preference.
export function themeOf(theme) {
  if (theme === 'dark' || theme === 'light') return theme;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// The theme before the first paint, so a dark OS never flashes white.
export function applyTheme() {
  document.documentElement.dataset.theme = themeOf(new URLSearchParams(location.search).get('theme'));
}

// Fills <nav id="pages"> with a link per page, the current one marked; the
// links carry the current URL's place and theme. Called again when the URL
// changes.
export function pageNav(current) {
  const nav = $('pages');
  if (!nav) return;
  const q = new URLSearchParams(location.search);
  const keep = new URLSearchParams();
  for (const k of CARRIED) if (q.get(k)) keep.set(k, q.get(k));
  const qs = keep.toString();
  nav.innerHTML = PAGES.map(([path, name]) => (path === current
    ? `<a href="${path}${qs ? `?${qs}` : ''}" aria-current="page">${esc(name)}</a>`
    : `<a href="${path}${qs ? `?${qs}` : ''}">${esc(name)}</a>`)).join('');
}

// A theme toggle for the pages other than Energy: flips theme= in the URL
// and calls redraw (ECharts themes are fixed at init, so charts re-init).
export function themeButton(redraw) {
  const b = $('theme');
  if (!b) return;
  const sync = () => b.setAttribute('aria-pressed', String(document.documentElement.dataset.theme === 'dark'));
  sync();
  b.addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme !== 'dark';
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    const q = new URLSearchParams(location.search);
    q.set('theme', dark ? 'dark' : 'light');
    history.replaceState(null, '', `?${q}`);
    sync();
    pageNav(location.pathname);
    if (redraw) redraw();
  });
}
