// The one client of the Slipway API. The access token lives in this module's memory only;
// the browser session's cookie (HttpOnly, sent only to /api/v1/auth/session) renews it,
// so a reload signs the user back in and nothing readable by scripts is stored.
// Errors arrive as ApiError, with the API's own words per field.
import { t } from './i18n.js';

const BASE = '/api/v1';
const SESSION = { 'X-Slipway-Session': '1' };

/** @type {{token: string, expiresAt: number, user: any} | null} */
let session = null;
/** @type {Promise<boolean> | null} */
let renewing = null;
const listeners = new Set();

/** A refusal or failure of the API, as problem+json describes it. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || t('error.http', { status }));
    this.status = status;
    /** The problem `type` code: `dock-conflict`, `validation-failed`, ... */
    this.code = String(problem?.type || '').replace('/problems/', '') || 'unknown';
    /** Field name -> the API's message for it. */
    this.fields = {};
    for (const e of problem?.errors || []) {
      this.fields[e.field] = this.fields[e.field] ? `${this.fields[e.field]}; ${e.message}` : e.message;
    }
    this.conflictingId = problem?.conflicting_id ?? null;
    this.allowedTargets = problem?.allowed_targets ?? null;
    this.retryAfter = retryAfter ? Number(retryAfter) : null;
  }
}

async function send(method, path, { body, form, raw = false, query, headers = {}, bearer = true } = {}) {
  let url = BASE + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (form !== undefined) init.body = form; // the browser writes the multipart boundary
  if (bearer && session) init.headers.Authorization = `Bearer ${session.token}`;
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, { type: '/problems/network', detail: t('error.network') });
  }
  if (response.status === 204) return null;
  if (raw && response.ok) return response.blob();
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data, response.headers.get('Retry-After'));
  return data;
}

function keep(data) {
  session = data ? { token: data.access_token, expiresAt: Date.now() + data.expires_in * 1000, user: data.user } : null;
  listeners.forEach((f) => f(session?.user ?? null));
}

/** Trades the session cookie for a new access token; false when there is no session. */
export function renew() {
  renewing ??= send('POST', '/auth/session/refresh', { headers: SESSION, bearer: false })
    .then((data) => {
      keep(data);
      return true;
    })
    .catch((e) => {
      if (e.status === 401 || e.status === 403) keep(null);
      return false;
    })
    .finally(() => {
      renewing = null;
    });
  return renewing;
}

/** Signs in with a password; the session cookie is set by the answer. */
export async function signIn(email, password) {
  const data = await send('POST', '/auth/session', { body: { email, password }, bearer: false });
  keep(data);
  return data.user;
}

/** Ends the session on the server and forgets the token. */
export async function signOut() {
  try {
    await send('DELETE', '/auth/session', { headers: SESSION, bearer: false });
  } finally {
    keep(null);
  }
}

/** The signed-in user, or null. */
export function currentUser() {
  return session?.user ?? null;
}

/** Calls `f(user | null)` whenever the session starts or ends. */
export function onSession(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

async function call(method, path, options) {
  if (session && Date.now() > session.expiresAt - 30_000) await renew();
  try {
    return await send(method, path, options);
  } catch (e) {
    if (e.status === 401 && session) {
      if (await renew()) return send(method, path, options);
      keep(null);
    }
    throw e;
  }
}

/** The API, with the caller's token. */
export const api = {
  get: (path, query) => call('GET', path, { query }),
  post: (path, body, headers) => call('POST', path, { body, headers }),
  put: (path, body, headers) => call('PUT', path, { body, headers }),
  patch: (path, body, headers) => call('PATCH', path, { body, headers }),
  del: (path) => call('DELETE', path),
  /** Sends a multipart form (a file upload). */
  upload: (path, form) => call('POST', path, { form }),
  /** A file the API serves (a photo, a document), as a Blob. */
  blob: (path) => call('GET', path.replace(/^\/api\/v1/, ''), { raw: true }),
};

/** The `If-Match` header for a resource read at `version` (its ETag). */
export function ifMatch(version) {
  return { 'If-Match': `"${version}"` };
}

/** Every item of a list, following `next_cursor` (at most `pages` pages of 200). */
export async function everything(path, query = {}, pages = 10) {
  const items = [];
  let cursor;
  for (let i = 0; i < pages; i += 1) {
    const page = await api.get(path, { ...query, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}
