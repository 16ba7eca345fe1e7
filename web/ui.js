// The pieces every screen is built of: form fields with their errors, the error summary,
// status badges, money, dialogs, paging, and the hooks that load data and send forms.
import { html, useCallback, useEffect, useId, useRef, useState } from './lib.js';
import { t } from './i18n.js';
import { money } from './format.js';

/**
 * Loads data for a screen and reloads it when `deps` change.
 * @template T
 * @param {() => Promise<T>} load
 * @param {any[]} deps
 */
export function useAsync(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((f) => setState((s) => ({ ...s, data: typeof f === 'function' ? f(s.data) : f })), []);
  return { ...state, reload, setData };
}

/**
 * Runs a form's action: busy while it runs, its ApiError kept for the fields to show.
 * @param {(...args: any[]) => Promise<any>} action
 */
export function useSubmit(action) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (...args) => {
    setBusy(true);
    setError(null);
    try {
      const result = await action(...args);
      return result;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, setError };
}

/** The values of a form and a setter per field. */
export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const set = (name) => (value) => setValues((v) => ({ ...v, [name]: value }));
  return [values, set, setValues];
}

/** The API's message for one field of a refused request. */
export function fieldError(error, ...names) {
  if (!error?.fields) return null;
  const found = names.map((n) => error.fields[n]).filter(Boolean);
  return found.length ? found.join('; ') : null;
}

function Described({ id, hint, error }) {
  return html`${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${error ? html`<p class="field-error" id=${`${id}-error`}><span aria-hidden="true">⚠ </span>${error}</p>` : null}`;
}

function describedBy(id, hint, error) {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

function Label({ id, label, optional }) {
  return html`<label for=${id}>${label}${optional ? html` <span class="optional">${t('form.optional')}</span>` : null}</label>`;
}

/** A labelled input; `onValue` gets the text. */
export function TextField({ label, value, onValue, error, hint, optional, type = 'text', class: cls = '', ...rest }) {
  const id = useId();
  return html`<div class=${`field ${error ? 'has-error' : ''} ${cls}`}>
    <${Label} id=${id} label=${label} optional=${optional} />
    <${Described} id=${id} hint=${hint} error=${error} />
    <input id=${id} type=${type} value=${value ?? ''} onInput=${(e) => onValue(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, hint, error)} ...${rest} />
  </div>`;
}

/** A labelled text area. */
export function TextArea({ label, value, onValue, error, hint, optional, rows = 3, ...rest }) {
  const id = useId();
  return html`<div class=${`field ${error ? 'has-error' : ''}`}>
    <${Label} id=${id} label=${label} optional=${optional} />
    <${Described} id=${id} hint=${hint} error=${error} />
    <textarea id=${id} rows=${rows} value=${value ?? ''} onInput=${(e) => onValue(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, hint, error)} ...${rest}></textarea>
  </div>`;
}

/** A labelled select of `[value, text]` options. */
export function SelectField({ label, value, onValue, options, error, hint, optional, placeholder, ...rest }) {
  const id = useId();
  return html`<div class=${`field ${error ? 'has-error' : ''}`}>
    <${Label} id=${id} label=${label} optional=${optional} />
    <${Described} id=${id} hint=${hint} error=${error} />
    <select id=${id} value=${value ?? ''} onChange=${(e) => onValue(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, hint, error)} ...${rest}>
      ${placeholder !== undefined ? html`<option value="">${placeholder}</option>` : null}
      ${options.map(([v, text]) => html`<option value=${v} selected=${String(v) === String(value ?? '')}>${text}</option>`)}
    </select>
  </div>`;
}

/** A labelled checkbox. */
export function CheckField({ label, checked, onValue, hint }) {
  const id = useId();
  return html`<div class="field check">
    <input id=${id} type="checkbox" checked=${checked} onChange=${(e) => onValue(e.currentTarget.checked)} />
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint">${hint}</p>` : null}
  </div>`;
}

/**
 * What went wrong with a request, in the API's words, announced to screen readers.
 * Field errors shown beside their fields are named here too, so nothing is missed.
 */
export function ErrorSummary({ error, title }) {
  const ref = useRef(null);
  useEffect(() => {
    if (error && ref.current) ref.current.focus();
  }, [error]);
  if (!error) return null;
  const fields = Object.entries(error.fields || {});
  return html`<div class="error-summary" role="alert" tabindex="-1" ref=${ref}>
    <p class="error-title">${title || problemTitle(error)}</p>
    ${fields.length
      ? html`<ul>${fields.map(([f, m]) => html`<li><span class="field-name">${fieldLabel(f)}</span>: ${m}</li>`)}</ul>`
      : html`<p>${error.message}</p>`}
  </div>`;
}

function fieldLabel(field) {
  const key = `field.${field}`;
  const text = t(key);
  return text === key ? field : text;
}

/** A short title for a refusal, by its problem type. */
export function problemTitle(error) {
  const key = `problem.${error.code}`;
  const text = t(key);
  return text === key ? t('problem.default') : text;
}

/** One colour and one label per status, everywhere. */
export function StatusBadge({ status, kind = 'job' }) {
  return html`<span class=${`badge ${kind}-${status}`}><span class="dot" aria-hidden="true"></span>${t(`${kind}.${status}`)}</span>`;
}

/** Money, right-aligned where tables align it, with tabular figures. */
export function Money({ value, amount: a, currency }) {
  if (!value && a === undefined) return html`<span class="muted">—</span>`;
  return html`<span class="money">${value ? money(value) : money(a, currency)}</span>`;
}

/** A progress bar with its number. */
export function Progress({ value, label }) {
  const v = Math.max(0, Math.min(100, Number(value) || 0));
  return html`<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${v} aria-label=${label || t('job.progress')}>
    <div class="progress-bar" style=${{ width: `${v}%` }}></div>
  </div>`;
}

/** A modal dialog (the browser's own: focus stays inside, Escape closes). */
export function Dialog({ title, onClose, children, wide = false }) {
  const ref = useRef(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.open && dialog.close();
  }, []);
  return html`<dialog ref=${ref} class=${wide ? 'wide' : ''} aria-labelledby=${id}
      onCancel=${(e) => { e.preventDefault(); onClose(); }}>
    <div class="dialog-head">
      <h2 id=${id}>${title}</h2>
      <button type="button" class="icon" onClick=${onClose} aria-label=${t('action.close')}>×</button>
    </div>
    ${children}
  </dialog>`;
}

/** "Show more" for a list with a `next_cursor`. */
export function MoreButton({ cursor, onMore, busy }) {
  if (!cursor) return null;
  return html`<div class="more"><button type="button" onClick=${onMore} disabled=${busy}>${busy ? t('state.loading') : t('action.more')}</button></div>`;
}

/**
 * A paged list: the first page from `load(cursor)`, then more on request.
 * @param {(cursor?: string) => Promise<{items: any[], next_cursor: string | null}>} load
 */
export function usePaged(load, deps) {
  const first = useAsync(() => load(undefined), deps);
  const [more, setMore] = useState({ items: [], cursor: undefined, busy: false, error: null });
  useEffect(() => setMore({ items: [], cursor: undefined, busy: false, error: null }), [first.data]);
  const cursor = more.cursor !== undefined ? more.cursor : first.data?.next_cursor;
  const loadMore = async () => {
    setMore((m) => ({ ...m, busy: true }));
    try {
      const page = await load(cursor);
      setMore((m) => ({ items: [...m.items, ...page.items], cursor: page.next_cursor, busy: false, error: null }));
    } catch (error) {
      setMore((m) => ({ ...m, busy: false, error }));
    }
  };
  const items = first.data ? [...first.data.items, ...more.items] : [];
  return { items, loading: first.loading, error: first.error || more.error, cursor, loadMore, busy: more.busy, reload: first.reload };
}

/** A quiet line while the first answer is on its way. */
export function Loading() {
  return html`<p class="loading" role="status">${t('state.loading')}</p>`;
}

/** A failed load: not found in words, or the API's reason. */
export function Failure({ error }) {
  if (error?.status === 404) return html`<${NotFound} />`;
  return html`<div class="error-summary" role="alert"><p class="error-title">${problemTitle(error)}</p><p>${error?.message}</p></div>`;
}

/** What a page outside the caller's reach shows: the same as one that does not exist. */
export function NotFound() {
  return html`<section class="not-found">
    <h1>${t('notFound.title')}</h1>
    <p>${t('notFound.text')}</p>
    <p><a href="/app/">${t('notFound.home')}</a></p>
  </section>`;
}

/** A polite confirmation ("Saved"), read out by screen readers. */
export function Notice({ children, kind = 'success' }) {
  if (!children) return null;
  return html`<div class=${`notice ${kind}`} role="status">${children}</div>`;
}

/** A screen's title row, with its actions at the end. */
export function PageHead({ title, sub, children }) {
  return html`<div class="page-head">
    <div><h1>${title}</h1>${sub ? html`<p class="sub">${sub}</p>` : null}</div>
    ${children ? html`<div class="actions">${children}</div>` : null}
  </div>`;
}

/** Sets the browser tab's title for a screen. */
export function useTitle(text) {
  useEffect(() => {
    document.title = text ? `${text} · Slipway` : 'Slipway';
  }, [text]);
}

/**
 * A yard-time instant as a date and a time field under one legend; `value` and
 * `onValue` carry `{date: 'YYYY-MM-DD', time: 'HH:MM'}`.
 */
export function WhenField({ legend, value, onValue, error, dateLabel, timeLabel }) {
  const id = useId();
  return html`<fieldset class=${`when ${error ? 'has-error' : ''}`} aria-describedby=${error ? `${id}-error` : undefined}>
    <legend>${legend}</legend>
    ${error ? html`<p class="field-error" id=${`${id}-error`}><span aria-hidden="true">⚠ </span>${error}</p>` : null}
    <div class="pair">
      <div class="field"><label for=${`${id}-d`}>${dateLabel || t('field.date')}</label>
        <input id=${`${id}-d`} type="date" value=${value.date} onInput=${(e) => onValue({ ...value, date: e.currentTarget.value })}
          aria-invalid=${error ? 'true' : undefined} /></div>
      <div class="field"><label for=${`${id}-t`}>${timeLabel || t('field.time')}</label>
        <input id=${`${id}-t`} type="time" value=${value.time} onInput=${(e) => onValue({ ...value, time: e.currentTarget.value })}
          aria-invalid=${error ? 'true' : undefined} /></div>
    </div>
  </fieldset>`;
}

/**
 * A dialog holding one form: the refusal above it, the fields, and the submit / cancel
 * row. `send` is a `useSubmit` of the form's action.
 */
export function FormDialog({ title, onClose, send, submitLabel, children, wide = false, sub }) {
  return html`<${Dialog} title=${title} onClose=${onClose} wide=${wide}>
    ${sub ? html`<p class="sub">${sub}</p>` : null}
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      ${children}
      <div class="buttons">
        <button type="submit" class="primary" disabled=${send.busy}>${submitLabel}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button>
      </div>
    </form>
  <//>`;
}

/**
 * Binds the fields of a form to its values and to the API's refusal: `field('amount')`
 * gives a field its `value`, `onValue` and `error` (`field('price', 'price.amount')`
 * shows the errors of several API fields).
 */
export function binder(form, set, error) {
  return (name, ...errorNames) => ({
    value: form[name],
    onValue: set(name),
    error: fieldError(error, name, ...errorNames),
  });
}

/**
 * What a loaded value shows: the API's refusal, a quiet "loading", or `children(data)`.
 */
export function Loaded({ state, children }) {
  if (state.error) return html`<${Failure} error=${state.error} />`;
  if (state.data === undefined) return html`<${Loading} />`;
  return children(state.data);
}
