// My work (/app/my-work), the technician's home, phone first: their assignments, today's
// first, each with job number, vessel, dock and task; the task's status; and "Log work"
// with the shift so far prefilled, one big button, and a clear "saved" or the API's
// reason why not.
import { Fragment, html, useId, useRef, useState } from '../lib.js';
import { uploadFile } from '../files.js';
import { api, everything } from '../api.js';
import { t } from '../i18n.js';
import {
  addDays, atYard, calendarDate, date, hours, iso, time, wallClock, yardToday, yardZone,
} from '../format.js';
import {
  ErrorSummary, Failure, Loading, Notice, SelectField, StatusBadge, TextArea, TextField, fieldError, useAsync,
  useForm, useSubmit, useTitle,
} from '../ui.js';

function order(assignments) {
  const now = Date.now();
  const rank = (a) => {
    const s = Date.parse(a.starts_at);
    const e = Date.parse(a.ends_at);
    if (s <= now && now < e) return 0; // under way today
    if (s > now) return 1; // coming
    return 2; // over
  };
  return assignments.slice().sort((a, b) => rank(a) - rank(b)
    || (rank(a) === 2 ? Date.parse(b.ends_at) - Date.parse(a.ends_at) : Date.parse(a.starts_at) - Date.parse(b.starts_at)));
}

export function MyWork({ user }) {
  useTitle(t('nav.myWork'));
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState('');
  const assignments = useAsync(() => everything('/me/assignments'), [version]);
  const today = yardToday();
  const list = order(assignments.data || []);
  return html`<section class="my-work">
    <h1 class="visually-hidden">${t('nav.myWork')}</h1>
    <${Notice}>${saved}<//>
    <h2 class="work-day">${t('work.today', { date: calendarDate(today, { weekday: 'long', day: 'numeric', month: 'short' }) })}</h2>
    <p class="sub">${user.full_name} · ${t('common.zone', { zone: yardZone() })}</p>
    ${assignments.error ? html`<${Failure} error=${assignments.error} />` : null}
    ${assignments.loading && !assignments.data ? html`<${Loading} />` : null}
    ${assignments.data && !list.length ? html`<p class="empty">${t('work.none')}</p>` : null}
    ${list.map((a, i) => html`<${AssignmentCard} key=${a.id} assignment=${a} open=${i === 0} version=${version}
      onSaved=${(words) => { setSaved(words); setVersion((v) => v + 1); window.scrollTo(0, 0); }} />`)}
  </section>`;
}

function AssignmentCard({ assignment: a, open, version, onSaved }) {
  const [logging, setLogging] = useState(open);
  const status = useSubmit(async (value) => {
    await api.patch(`/tasks/${a.task.id}`, { status: value });
    onSaved(t('work.taskSet', { title: a.task.title, status: t(`task.${value}`) }));
  });
  const when = `${date(a.starts_at)} ${time(a.starts_at)} – ${date(a.ends_at)} ${time(a.ends_at)}`;
  return html`<article class=${`assignment ${open ? 'current' : ''}`} aria-labelledby=${`a-${a.id}`}>
    <h3 id=${`a-${a.id}`}><bdi>${a.vessel.name}</bdi> · ${a.job.number}</h3>
    <p class="muted">${a.dock ? html`<bdi>${a.dock.name}</bdi> · ` : ''}<bdi>${a.task.title}</bdi></p>
    <p class="muted">${t('work.assigned', { when })}${a.task.required_certification ? ` · ${t('job.needs', { code: a.task.required_certification })}` : ''}</p>
    ${a.job.status !== 'in_progress' ? html`<p><${StatusBadge} status=${a.job.status} /></p>` : null}
    <${ErrorSummary} error=${status.error} />
    <${SelectField} label=${t('work.taskStatus')} value=${a.task.status} onValue=${(v) => status.run(v)}
      options=${['open', 'in_progress', 'done'].map((s) => [s, t(`task.${s}`)])} />
    ${logging
      ? html`<${LogWork} assignment=${a} version=${version} onSaved=${onSaved} />`
      : html`<button type="button" class="primary wide" onClick=${() => setLogging(true)}>${t('work.logWork')}</button>`}
  </article>`;
}

/** The shift so far: from the end of today's last log (or 08:00) until now. */
function shiftSoFar(logs) {
  const now = new Date();
  const end = new Date(Math.floor(now.getTime() / 300_000) * 300_000);
  const today = yardToday();
  const lastToday = logs
    .filter((w) => w.ended_at && wallClock(w.ended_at).date === today)
    .map((w) => Date.parse(w.ended_at))
    .sort((x, y) => y - x)[0];
  let start = lastToday ?? atYard(today, '08:00').getTime();
  if (start >= end.getTime()) start = end.getTime() - 3_600_000;
  return { day: wallClock(start).date, start: wallClock(start).time, end: wallClock(end).time, endDay: wallClock(end).date };
}

function LogWork({ assignment: a, version, onSaved }) {
  const logs = useAsync(async () => (await everything(`/jobs/${a.job.id}/work-logs`)).filter((w) => w.assignment_id === a.id), [a.id, version]);
  if (!logs.data && !logs.error) return html`<${Loading} />`;
  // A new form after each saved log: the next shift starts where that one ended.
  return html`<${LogForm} key=${logs.data?.length ?? 0} assignment=${a} logs=${logs.data || []} onSaved=${onSaved} />`;
}

function LogForm({ assignment: a, logs, onSaved }) {
  const shift = shiftSoFar(logs);
  const [form, set] = useForm({ day: shift.day, start: shift.start, end: shift.end, description: '', progress: '' });
  const photo = useRef(null);
  const photoId = useId();
  const send = useSubmit(async () => {
    const startAt = atYard(form.day, form.start);
    // An end before the start is past midnight, the next day.
    let endAt = atYard(form.day, form.end);
    if (endAt <= startAt) endAt = atYard(addDays(form.day, 1), form.end);
    const log = await api.post(`/assignments/${a.id}/work-logs`, {
      started_at: iso(startAt),
      ended_at: iso(endAt),
      description: form.description,
      progress_percent: form.progress === '' ? null : Number(form.progress),
    });
    const words = { start: time(log.started_at), end: time(log.ended_at), task: log.task_title, hours: hours(log.hours) };
    const file = photo.current?.files?.[0];
    if (!file) {
      onSaved(t('work.saved', words));
      return;
    }
    try {
      await uploadFile(a.job.id, file, { task_id: a.task.id, work_log_id: log.id, caption: form.description.slice(0, 500) });
      onSaved(t('work.savedWithPhoto', words));
    } catch (e) {
      // The shift is logged either way; say plainly what did not go, in the API's words.
      onSaved(`${t('work.saved', words)} ${t('work.photoRefused', { reason: e.message })}`);
    }
  });
  const recent = logs.slice(-5).reverse();
  return html`<${Fragment}>
    <form class="log-form" onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${ErrorSummary} error=${send.error} title=${t('work.notSaved')} />
      <${TextField} label=${t('field.date')} type="date" value=${form.day} onValue=${set('day')} />
      <div class="pair">
        <${TextField} label=${t('work.start')} type="time" value=${form.start} onValue=${set('start')} error=${fieldError(send.error, 'started_at')} />
        <${TextField} label=${t('work.end')} type="time" value=${form.end} onValue=${set('end')} error=${fieldError(send.error, 'ended_at')} />
      </div>
      <${TextArea} label=${t('work.whatYouDid')} value=${form.description} onValue=${set('description')} rows="3" error=${fieldError(send.error, 'description')} />
      <${TextField} label=${t('work.progress')} type="number" min="0" max="100" step="5" inputmode="numeric" optional
        value=${form.progress} onValue=${set('progress')} error=${fieldError(send.error, 'progress_percent')} hint=${t('work.progressHint')} />
      <div class="field">
        <label for=${photoId}>${t('work.photo')}</label>
        <p class="hint" id=${`${photoId}-hint`}>${t('work.photoHint')}</p>
        <input id=${photoId} type="file" accept="image/*" capture="environment" ref=${photo} aria-describedby=${`${photoId}-hint`} />
      </div>
      <button type="submit" class="primary wide big" disabled=${send.busy}>${send.busy ? t('state.saving') : t('work.logWork')}</button>
    </form>

    ${recent.length ? html`<section class="recent" aria-label=${t('work.recent')}>
      <h4>${t('work.recent')}</h4>
      <ul class="plain">${recent.map((w) => html`<li>${calendarDate(w.date, { day: 'numeric', month: 'short' })} ${time(w.started_at)}–${time(w.ended_at)} · ${hours(w.hours)} · <bdi>${w.description}</bdi></li>`)}</ul>
    </section>` : null}
  <//>`;
}
