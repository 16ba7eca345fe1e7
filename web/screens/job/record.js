// What a job's record shows: the daily report of a chosen day, the timeline, the work
// logs (yard staff) and the photos and documents.
import { Fragment, html, useState } from '../../lib.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { addDays, calendarDate, dateTime, hours, percent, wallClock, yardToday } from '../../format.js';
import { Failure, Loading, Money, MoreButton, Progress, TextField, usePaged, useAsync } from '../../ui.js';
import { AttachForm, Thumbs } from '../../files.js';

/** The job's photos and documents, and the form that adds one. */
export function Files({ job, onChanged, tasks, extras, files }) {
  return html`<section class="card" aria-labelledby="files-h">
    <h2 id="files-h">${t('files.title')}</h2>
    ${files.length ? html`<${Thumbs} files=${files} label=${t('files.title')} />` : html`<p class="muted">${t('files.none')}</p>`}
    <${AttachForm} job=${job} tasks=${tasks} extras=${extras.filter((x) => x.status === 'pending')} onDone=${onChanged} />
  </section>`;
}

/** The daily report for a chosen day (default: yesterday, yard time). */
export function DailyReport({ job, version }) {
  const [day, setDay] = useState(addDays(yardToday(), -1));
  const report = useAsync(() => api.get(`/jobs/${job.id}/daily-report`, { date: day }), [job.id, day, version]);
  const r = report.data;
  return html`<section class="card report" aria-labelledby="report-h">
    <div class="card-head">
      <h2 id="report-h">${t('report.title', { date: calendarDate(day, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }) })}</h2>
      <${TextField} label=${t('report.day')} type="date" value=${day} onValue=${(v) => v && setDay(v)} class="inline" />
    </div>
    ${report.error ? html`<${Failure} error=${report.error} />` : null}
    ${!r ? (report.error ? null : html`<${Loading} />`) : html`<${Fragment}>
      <${Progress} value=${r.progress_percent} />
      <p>${t('report.summary', { percent: percent(r.progress_percent), hours: hours(r.hours_total) })}</p>
      ${r.tasks.length ? html`<table class="list compact"><caption class="visually-hidden">${t('report.tasks')}</caption>
        <thead><tr><th scope="col">${t('report.task')}</th><th scope="col" class="num">${t('report.hours')}</th><th scope="col" class="num">${t('job.progress')}</th></tr></thead>
        <tbody>${r.tasks.map((x) => html`<tr><td>${x.title}</td><td class="num">${hours(x.hours)}</td>
          <td class="num">${x.progress_percent >= 100 ? t('task.done') : percent(x.progress_percent)}</td></tr>`)}</tbody>
      </table>` : html`<p class="muted">${t('report.noWork')}</p>`}
      ${r.status_changes.length ? html`<h3>${t('report.statusChanges')}</h3><ul class="plain">
        ${r.status_changes.map((c) => html`<li>${dateTime(c.at)}: ${c.from_status ? t(`job.${c.from_status}`) : '—'} → ${c.to_status ? t(`job.${c.to_status}`) : '—'}</li>`)}</ul>` : null}
      ${r.attachments.length ? html`<h3>${t('report.files')}</h3><${Thumbs} files=${r.attachments} label=${t('report.files')} />` : null}
      ${r.pending_additional_work.length ? html`<h3>${t('report.pending')}</h3><ul class="plain">
        ${r.pending_additional_work.map((p) => html`<li><bdi>${p.description}</bdi> · <${Money} amount=${p.amount} currency=${p.currency} /></li>`)}</ul>` : null}
    <//>`}
  </section>`;
}

export function Timeline({ job, user, version }) {
  const events = usePaged((cursor) => api.get(`/jobs/${job.id}/events`, { limit: 50, cursor }), [job.id, version]);
  const items = events.items.slice().reverse();
  return html`<section class="card" aria-labelledby="timeline-h">
    <h2 id="timeline-h">${t('job.timeline')}</h2>
    ${events.error ? html`<${Failure} error=${events.error} />` : null}
    <ol class="timeline">${items.map((e) => html`<li key=${e.id}>
      <time datetime=${e.at}>${dateTime(e.at)}</time>
      <span>${describe(e)}${e.note ? html`<span class="note"> “<bdi>${e.note}</bdi>”</span>` : null}
        ${user.role !== 'client' && e.actor_name ? html`<span class="muted"> · ${e.actor_name}</span>` : html`<span class="muted"> · ${t(`role.${e.actor_role}`)}</span>`}</span>
    </li>`)}</ol>
    <${MoreButton} cursor=${events.cursor} onMore=${events.loadMore} busy=${events.busy} />
  </section>`;
}

function describe(event) {
  if (event.kind === 'status_changed' && event.to_status) {
    return t('event.moved', { from: event.from_status ? t(`job.${event.from_status}`) : '—', to: t(`job.${event.to_status}`) });
  }
  const key = `event.${event.kind}`;
  const text = t(key);
  return text === key ? event.kind : text;
}

export function WorkLogs({ job, version }) {
  const logs = usePaged((cursor) => api.get(`/jobs/${job.id}/work-logs`, { limit: 50, cursor }), [job.id, version]);
  return html`<section class="card" aria-labelledby="logs-h">
    <h2 id="logs-h">${t('job.workLogs')}</h2>
    ${logs.error ? html`<${Failure} error=${logs.error} />` : null}
    ${!logs.loading && !logs.items.length ? html`<p class="muted">${t('job.noLogs')}</p>` : null}
    ${logs.items.length ? html`<div class="table-wrap"><table class="list compact">
      <caption class="visually-hidden">${t('job.workLogs')}</caption>
      <thead><tr><th scope="col">${t('field.when')}</th><th scope="col">${t('field.technician')}</th><th scope="col">${t('report.task')}</th>
        <th scope="col">${t('field.description')}</th><th scope="col" class="num">${t('report.hours')}</th></tr></thead>
      <tbody>${logs.items.map((w) => html`<tr key=${w.id}>
        <td>${w.started_at ? `${dateTime(w.started_at)}–${wallClock(w.ended_at).time}` : calendarDate(w.date)}</td>
        <td>${w.technician_name || '—'}</td><td>${w.task_title}</td><td>${w.description}</td><td class="num">${hours(w.hours)}</td>
      </tr>`)}</tbody>
    </table></div>` : null}
    <${MoreButton} cursor=${logs.cursor} onMore=${logs.loadMore} busy=${logs.busy} />
  </section>`;
}

