// How the app writes times, dates, money and numbers. Times are always shown in the
// yard's time zone (from GET /yard), which screens label once; money always with its
// currency, from the API's decimal strings (never through a float).
import { locale as language } from './i18n.js';

let zone = 'UTC';

/** Sets the yard's IANA time zone. */
export function setZone(tz) {
  zone = tz || 'UTC';
}

/** The yard's time zone. */
export function yardZone() {
  return zone;
}

const formats = new Map();
function format(options) {
  const key = language() + zone + JSON.stringify(options);
  if (!formats.has(key)) {
    formats.set(key, new Intl.DateTimeFormat(language(), { timeZone: zone, ...options }));
  }
  return formats.get(key);
}

const H23 = { hourCycle: 'h23' };

/** `12 Dec 2026, 08:00` in yard time. */
export function dateTime(iso) {
  if (!iso) return '';
  return format({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', ...H23 }).format(new Date(iso));
}

/** `12 Dec 2026` for an instant, in yard time. */
export function date(iso) {
  if (!iso) return '';
  return format({ day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso));
}

/** `12 Dec` for an instant, in yard time. */
export function shortDate(iso) {
  if (!iso) return '';
  return format({ day: 'numeric', month: 'short' }).format(new Date(iso));
}

/** `08:00` in yard time. */
export function time(iso) {
  if (!iso) return '';
  return format({ hour: '2-digit', minute: '2-digit', ...H23 }).format(new Date(iso));
}

/** A calendar date of the API (`2026-12-01`, no zone) as `1 Dec 2026`. */
export function calendarDate(day, options = { day: 'numeric', month: 'short', year: 'numeric' }) {
  if (!day) return '';
  return new Intl.DateTimeFormat(language(), { timeZone: 'UTC', ...options }).format(new Date(`${day}T00:00:00Z`));
}

/** The yard's wall clock at an instant: `{date: 'YYYY-MM-DD', time: 'HH:MM'}`. */
export function wallClock(instant) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...H23,
  }).formatToParts(new Date(instant))) {
    parts[p.type] = p.value;
  }
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Today at the yard, `YYYY-MM-DD`. */
export function yardToday() {
  return wallClock(Date.now()).date;
}

/** A calendar date `n` days after `day` (both `YYYY-MM-DD`). */
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (`YYYY-MM-DD`). */
export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}

function offsetAt(ms) {
  const { date: d, time: t } = wallClock(ms);
  const [y, m, day] = d.split('-').map(Number);
  const [hh, mm] = t.split(':').map(Number);
  return Date.UTC(y, m - 1, day, hh, mm) - Math.floor(ms / 60000) * 60000;
}

/** The instant of a yard wall-clock time (`YYYY-MM-DD`, `HH:MM`), as a Date. */
export function atYard(day, clock = '00:00') {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = clock.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let instant = wall - offsetAt(wall);
  const again = wall - offsetAt(instant);
  if (again !== instant) instant = again;
  return new Date(instant);
}

/** An instant as the API wants it (RFC 3339, UTC, whole seconds). */
export function iso(instant) {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function separators() {
  const parts = new Intl.NumberFormat(language()).formatToParts(1234.5);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/** A decimal string (`"1850000.00"`) grouped for reading, exactly, with 2 decimals. */
export function amount(decimal) {
  const text = String(decimal ?? '0');
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const { group, decimal: point } = separators();
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? '−' : ''}${grouped}${point}${(fraction + '00').slice(0, 2)}`;
}

/** Money: `USD 1,850,000.00`. */
export function money(value, currency) {
  if (value && typeof value === 'object') return `${value.currency} ${amount(value.amount)}`;
  return `${currency} ${amount(value)}`;
}

/** Hours with one decimal: `4.0 h`. */
export function hours(n) {
  return `${new Intl.NumberFormat(language(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n || 0)} h`;
}

/** A percentage with at most one decimal: `49.9 %`. */
export function percent(n) {
  return `${new Intl.NumberFormat(language(), { maximumFractionDigits: 1 }).format(n || 0)} %`;
}

/** A plain number. */
export function number(n, digits = 1) {
  return new Intl.NumberFormat(language(), { maximumFractionDigits: digits }).format(n);
}
