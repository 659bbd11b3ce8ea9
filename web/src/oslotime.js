// Oslo time for the dashboard's pages (moved out of app.js so the Energy,
// Weather and Snow-drift pages share one copy): instants are epoch ms, Oslo
// wall time comes only from the offsets the API sends with each series.
import { pad } from './common.js';

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const MON = MONTHS.map((m) => m.slice(0, 3));

// Every chart works on absolute time (epoch ms), as elhub plot does; Oslo
// wall time is only for labels, from the offsets the API sends with each
// series (the stretches of Oslo's UTC offset over the period), never by
// reading wall time as if it were UTC.
export function offsetsOf(data) {
  return (data.offsets || []).map((o) => [Date.parse(o.from), o.seconds * 1000]);
}
export function offAt(offs, ms) {
  let off = offs.length ? offs[0][1] : 0;
  for (const [from, o] of offs) { if (from <= ms) off = o; else break; }
  return off;
}
// The wall-clock fields of instant ms in Oslo (read with getUTC*).
export function osloDate(offs, ms) { return new Date(ms + offAt(offs, ms)); }
// The instant of an Oslo wall time given as UTC fields (never inside a
// DST change: the changes are at 02:00/03:00, the ticks at whole days).
export function instantOf(offs, wallMs) {
  let t = wallMs - offAt(offs, wallMs - 3 * 3600e3);
  if (offAt(offs, t) !== wallMs - t) t = wallMs - offAt(offs, t);
  return t;
}
export function hhmm(d) { return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`; }
export function dayText(d) {
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MON[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
// "2021-10-31T02:00:00+01:00" as people read it, from the API's own text.
export function osloText(iso, step) {
  const d = new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)));
  const day = dayText(d);
  if (step === 'month') return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  if (step === 'week') return `Week of ${day}`;
  if (step === 'day') return day;
  return `${day}, ${iso.slice(11, 16)} (UTC${iso.slice(19)})`;
}

// Axis ticks on the Oslo calendar over [a, b]: whole hours, days or months,
// as dense as fits about maxTicks labels.
export function osloTicks(offs, a, b, maxTicks) {
  const span = b - a;
  const H = 3600e3;
  for (const h of [1, 2, 3, 6, 12]) {
    if (span / (h * H) <= maxTicks) {
      const out = [];
      const d0 = osloDate(offs, a);
      let wallStart = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), d0.getUTCDate());
      for (let t = instantOf(offs, wallStart); t <= b; t += H) {
        if (t >= a && osloDate(offs, t).getUTCHours() % h === 0) out.push(t);
      }
      return { ticks: out, kind: 'hour' };
    }
  }
  for (const n of [1, 2, 7, 14]) {
    if (span / (n * 24 * H) <= maxTicks) {
      const out = [];
      const d0 = osloDate(offs, a);
      for (let i = 0; ; i++) {
        const w = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), d0.getUTCDate() + i);
        const t = instantOf(offs, w);
        if (t > b) break;
        const day = new Date(w).getUTCDate();
        const keep = n === 7 || n === 14 ? new Date(w).getUTCDay() === 1 && (n === 7 || i % 14 < 7)
          : (day - 1) % n === 0 && day < 31;
        if (t >= a && keep) out.push(t);
      }
      return { ticks: out, kind: 'day' };
    }
  }
  const out = [];
  const d0 = osloDate(offs, a);
  const m = Math.max(1, Math.ceil(span / (30.4 * 24 * H) / maxTicks));
  for (let i = 0; ; i++) {
    const w = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + i, 1);
    const t = instantOf(offs, w);
    if (t > b) break;
    if (t >= a && new Date(w).getUTCMonth() % m === 0) out.push(t);
  }
  return { ticks: out, kind: 'month' };
}
export function tickLabel(offs, ms, kind) {
  const d = osloDate(offs, ms);
  if (kind === 'hour') {
    return d.getUTCHours() === 0 ? `${d.getUTCDate()} ${MON[d.getUTCMonth()]}` : hhmm(d);
  }
  if (kind === 'day') return `${d.getUTCDate()} ${MON[d.getUTCMonth()]}`;
  return d.getUTCMonth() === 0 ? `${MON[0]} ${d.getUTCFullYear()}` : MON[d.getUTCMonth()];
}
