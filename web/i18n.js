// The texts of the app: one catalog per language in i18n/, English complete; a text
// missing from another catalog falls back to English. The language follows the browser
// and can be switched (the choice is remembered on this device).
import en from './i18n/en.js';
import zh from './i18n/zh.js';
import ru from './i18n/ru.js';

const catalogs = { en, zh, ru };

/** The languages offered, in their own words. */
export const languages = [
  { code: 'en', name: 'English' },
  { code: 'zh', name: '中文' },
  { code: 'ru', name: 'Русский' },
];

const STORE = 'slipway.language';
const listeners = new Set();
let current = pick();

function pick() {
  const saved = safeStorage()?.getItem(STORE);
  if (saved && catalogs[saved]) return saved;
  for (const wanted of navigator.languages || [navigator.language || 'en']) {
    const code = String(wanted).slice(0, 2).toLowerCase();
    if (catalogs[code]) return code;
  }
  return 'en';
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

// Text that could turn the sentence around it: right-to-left letters (Hebrew, Arabic and
// their presentation forms) or a direction control (marks, embeddings, overrides,
// isolates). A user's text holding any is isolated where it is put into a sentence.
const TURNS = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/;

/**
 * `value` isolated from the text around it (FSI ... PDI, as `<bdi>` does) when it could
 * turn that text around: a title holding U+202E cannot reverse the IMO number after it.
 * For texts put together where no element can be (an option, an attribute).
 */
export function isolate(value) {
  const text = String(value ?? '');
  return TURNS.test(text) || document.documentElement.dir === 'rtl' ? `\u2068${text}\u2069` : text;
}

/**
 * The text of `key` in the current language, with `{name}` placeholders filled (each
 * value isolated, see `isolate`).
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params) {
  let text = plural(key, params) ?? catalogs[current][key] ?? en[key] ?? key;
  if (params) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? isolate(params[name]) : m));
  return text;
}

const pluralRules = new Map();

/**
 * The plural form of `key` for `params.n` by the language's CLDR rules
 * (`key#one`, `key#few`, `key#many`, `key#other`), if the catalogs have one.
 */
function plural(key, params) {
  if (typeof params?.n !== 'number') return undefined;
  if (!pluralRules.has(current)) pluralRules.set(current, new Intl.PluralRules(current));
  const form = pluralRules.get(current).select(params.n);
  const own = catalogs[current];
  return own[`${key}#${form}`] ?? own[`${key}#other`] ?? en[`${key}#${form}`] ?? en[`${key}#other`];
}

/** Whether the catalog has a text for `key` (for API codes the app may not know). */
export function has(key) {
  return key in en;
}

/** The current language code. */
export function language() {
  return current;
}

/** The locale for dates and numbers: the browser's own when it speaks the current
 * language (en-GB writes 1 Dec 2026), else the language itself. */
export function locale() {
  const own = (navigator.languages || [navigator.language]).find((l) => String(l).slice(0, 2).toLowerCase() === current);
  return own || current;
}

/** Switches the language and tells the app to render again. */
export function setLanguage(code) {
  if (!catalogs[code]) return;
  current = code;
  safeStorage()?.setItem(STORE, code);
  document.documentElement.lang = code;
  listeners.forEach((f) => f(code));
}

/** Calls `f` after every language switch; returns the function that stops it. */
export function onLanguage(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

document.documentElement.lang = current;
