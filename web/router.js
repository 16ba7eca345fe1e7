// Routes are paths under /app/ in the address bar (deep links work: the server answers
// the app's page for all of them). Links are plain <a href>; main.js turns their clicks
// into navigate() without a reload.
import { useEffect, useState } from './lib.js';

const listeners = new Set();

/** The current location: path and query. */
export function location() {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/** Goes to `to` (a path under /app/, with an optional query). */
export function navigate(to, { replace = false } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
  listeners.forEach((f) => f());
}

/** Replaces the query of the current path (filters, dates) without a new history entry. */
export function setQuery(values) {
  const query = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === '') query.delete(k);
    else query.set(k, String(v));
  }
  const qs = query.toString();
  navigate(window.location.pathname + (qs ? `?${qs}` : ''), { replace: true });
}

window.addEventListener('popstate', () => listeners.forEach((f) => f()));

/** The current location, re-rendering the component when it changes. */
export function useLocation() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const f = () => setTick((n) => n + 1);
    listeners.add(f);
    return () => listeners.delete(f);
  }, []);
  return location();
}

/**
 * The parameters of `path` against `pattern` (`/app/jobs/:id`), or null.
 * @returns {Record<string, string> | null}
 */
export function match(pattern, path) {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

/** Sends clicks on links within the app through navigate(). */
export function interceptLinks(root) {
  root.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
    const url = new URL(link.href);
    if (url.origin !== window.location.origin || !url.pathname.startsWith('/app/')) return;
    if (url.pathname.startsWith('/app/assets/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
    window.scrollTo(0, 0);
  });
}
