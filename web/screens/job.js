// The job page (/app/jobs/<id>), one page for the three roles, showing what the API lets
// the caller see. A client's opens on the decisions waiting for them (the quote,
// additional work) with their amounts, then progress and the daily report; a manager's
// adds every action the API allows: status moves (from GET /jobs/{id}/transitions, so
// the status machine lives in the server only), quote, tasks, additional work and
// assignments of certified, free technicians.
import { Fragment, html, useState } from '../lib.js';
import { api, everything, ifMatch } from '../api.js';
import { t } from '../i18n.js';
import {
  addDays, atYard, calendarDate, date, dateTime, hours, iso, percent, wallClock, yardToday, yardZone, money,
} from '../format.js';
import {
  Dialog, ErrorSummary, Failure, Loading, Money, MoreButton, Notice, Progress, SelectField, StatusBadge, TextArea,
  TextField, WhenField, fieldError, useAsync, useForm, usePaged, useSubmit, useTitle,
} from '../ui.js';
import { AttachForm, Thumbs } from '../files.js';

const CURRENCIES = ['USD', 'EUR', 'CNY', 'GBP', 'RUB', 'EGP', 'LKR', 'JPY', 'SGD', 'NOK'];

export function JobPage({ params, user }) {
  const id = params.id;
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const changed = (words) => {
    setNotice(words || '');
    setVersion((v) => v + 1);
  };
  const job = useAsync(() => api.get(`/jobs/${id}`), [id, version]);
  // Read once for the page: the findings and tasks several sections show, and the files
  // shown beside them.
  const extras = useAsync(() => everything(`/jobs/${id}/additional-work`), [id, version]);
  const tasks = useAsync(() => everything(`/jobs/${id}/tasks`), [id, version]);
  const files = useAsync(() => everything(`/jobs/${id}/attachments`), [id, version]);
  useTitle(job.data ? `${job.data.number} · ${job.data.vessel.name}` : t('job.title'));
  if (job.error) return html`<${Failure} error=${job.error} />`;
  if (!job.data) return html`<${Loading} />`;
  const j = job.data;
  const staff = user.role !== 'client';
  const shared = { extras: extras.data || [], tasks: tasks.data || [], files: files.data || [] };
  return html`<article class=${`job-page ${user.role}`}>
    <header class="job-head">
      <h1>${j.number} · <bdi>${j.vessel.name}</bdi> <${StatusBadge} status=${j.status} /></h1>
      <p class="sub"><bdi>${j.title}</bdi>${j.vessel.imo_number ? ` · IMO ${j.vessel.imo_number}` : ''}
        · ${j.planned_start ? t('job.plannedRange', { from: date(j.planned_start), to: date(j.planned_end), zone: yardZone() }) : t('job.notPlanned')}</p>
    </header>
    <${Notice}>${notice}<//>
    ${user.role === 'client' ? html`<${Decisions} job=${j} version=${version} onChanged=${changed} ...${shared} />` : null}
    ${user.role === 'manager' ? html`<${ManagerActions} job=${j} version=${version} onChanged=${changed} />` : null}
    <div class="columns">
      <div class="main-col">
        <section class="card" aria-labelledby="progress-h">
          <h2 id="progress-h">${t('job.progress')}</h2>
          <${Progress} value=${j.progress_percent} />
          <p>${t('job.overall', { percent: percent(j.progress_percent) })}</p>
        </section>
        <${DailyReport} job=${j} version=${version} />
        <${Tasks} job=${j} user=${user} version=${version} onChanged=${changed} tasks=${tasks} />
        <${Files} job=${j} onChanged=${changed} ...${shared} />
        ${staff ? html`<${WorkLogs} job=${j} version=${version} />` : null}
      </div>
      <div class="side-col">
        <${MoneyCard} job=${j} />
        <${AdditionalWorkList} job=${j} user=${user} onChanged=${changed} ...${shared} />
        <${Timeline} job=${j} user=${user} version=${version} />
        <section class="card" aria-labelledby="spec-h">
          <h2 id="spec-h">${t('job.specification')}</h2>
          <p class="pre">${j.description || t('job.noDescription')}</p>
          <p class="muted">${t('field.priority')}: ${t(`priority.${j.priority}`)}</p>
        </section>
      </div>
    </div>
  </article>`;
}

/** The client's decisions first: the quote and pending additional work, with amounts. */
function Decisions({ job, version, onChanged, extras, files }) {
  const moves = useAsync(() => api.get(`/jobs/${job.id}/transitions`), [job.id, version]);
  const [rejecting, setRejecting] = useState(null); // 'quote' | item
  const [cancelling, setCancelling] = useState(false);
  const can = (to) => moves.data?.moves.find((m) => m.to === to);
  const approve = useSubmit(async () => {
    await api.post(`/jobs/${job.id}/transitions`, { to: 'approved' }, ifMatch(job.version));
    onChanged(t('job.quoteApproved', { amount: money(job.quote.amount, job.quote.currency) }));
  });
  const decide = useSubmit(async (item, decision, note) => {
    await api.post(`/additional-work/${item.id}/decision`, { decision, note: note || null });
    onChanged(t(decision === 'approved' ? 'job.extraApproved' : 'job.extraRejected', { what: item.description }));
  });
  const pending = extras.filter((x) => x.status === 'pending');
  const quoteWaiting = job.quote && can('approved');
  const count = (quoteWaiting ? 1 : 0) + pending.length;
  return html`<${Fragment}>
    ${count ? html`<section class="decisions" aria-labelledby="decide-h">
      <h2 id="decide-h">${t('job.waiting', { n: count })}</h2>
      <${ErrorSummary} error=${approve.error || decide.error} />
      ${quoteWaiting ? html`<div class="decision">
        <div class="what">
          <strong>${t('job.quoteFor', { title: job.title })}</strong>
          <span class="muted">${job.quote.valid_until ? t('job.validUntil', { date: calendarDate(job.quote.valid_until) }) : ''}${job.quote.note ? ` · ${job.quote.note}` : ''}</span>
        </div>
        <${Money} amount=${job.quote.amount} currency=${job.quote.currency} />
        <div class="choice">
          <button type="button" class="approve" onClick=${() => approve.run()} disabled=${approve.busy}>${t('job.approveQuote')}</button>
          <button type="button" class="reject" onClick=${() => setRejecting('quote')}>${t('job.rejectQuote')}</button>
        </div>
      </div>` : null}
      ${pending.map((item) => html`<div class="decision" key=${item.id}>
        <div class="what">
          <strong>${t('job.extraTitle', { what: item.description })}</strong>
          <span class="muted">${t('job.proposedOn', { date: date(item.created_at) })}</span>
          <${Thumbs} files=${files.filter((f) => f.additional_work_id === item.id)} label=${t('files.ofExtra', { what: item.description })} />
        </div>
        <${Money} amount=${item.amount} currency=${item.currency} />
        <div class="choice">
          <button type="button" class="approve" aria-label=${t('job.approveExtra', { what: item.description })}
            onClick=${() => decide.run(item, 'approved')} disabled=${decide.busy}>${t('action.approve')}</button>
          <button type="button" class="reject" aria-label=${t('job.rejectExtra', { what: item.description })}
            onClick=${() => setRejecting(item)}>${t('action.reject')}</button>
        </div>
      </div>`)}
    </section>` : null}
    ${can('cancelled') ? html`<p class="cancel-line"><button type="button" class="danger-quiet" onClick=${() => setCancelling(true)}>${t('job.cancelJob')}</button></p>` : null}
    ${rejecting === 'quote' ? html`<${ReasonDialog} title=${t('job.rejectQuote')} label=${t('job.rejectReason')} action=${t('job.rejectQuote')}
      onClose=${() => setRejecting(null)}
      onSubmit=${async (note) => {
        await api.post(`/jobs/${job.id}/transitions`, { to: 'requested', note }, ifMatch(job.version));
        setRejecting(null);
        onChanged(t('job.quoteRejected'));
      }} />` : null}
    ${rejecting && rejecting !== 'quote' ? html`<${ReasonDialog} title=${t('job.rejectExtra', { what: rejecting.description })}
      label=${t('job.rejectReason')} action=${t('action.reject')} onClose=${() => setRejecting(null)}
      onSubmit=${async (note) => {
        await api.post(`/additional-work/${rejecting.id}/decision`, { decision: 'rejected', note: note || null });
        const what = rejecting.description;
        setRejecting(null);
        onChanged(t('job.extraRejected', { what }));
      }} />` : null}
    ${cancelling ? html`<${ReasonDialog} title=${t('job.cancelJob')} label=${t('job.cancelReason')} action=${t('job.cancelJob')}
      optional=${!can('cancelled').needs_note} onClose=${() => setCancelling(false)}
      onSubmit=${async (note) => {
        await api.post(`/jobs/${job.id}/transitions`, { to: 'cancelled', note: note || null }, ifMatch(job.version));
        setCancelling(false);
        onChanged(t('job.cancelDone'));
      }} />` : null}
  <//>`;
}

/** A dialog asking for a reason (a note), which the API may require. */
function ReasonDialog({ title, label, action, optional = false, onClose, onSubmit }) {
  const [note, setNote] = useState('');
  const send = useSubmit(() => onSubmit(note.trim()));
  return html`<${Dialog} title=${title} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${TextArea} label=${label} value=${note} onValue=${setNote} optional=${optional} error=${fieldError(send.error, 'note')} />
      <div class="buttons">
        <button type="submit" class="primary" disabled=${send.busy}>${action}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button>
      </div>
    </form>
  <//>`;
}

/** The manager's actions on the job: status moves, quote, planned dates, new work. */
function ManagerActions({ job, version, onChanged }) {
  const moves = useAsync(() => api.get(`/jobs/${job.id}/transitions`), [job.id, version]);
  const [dialog, setDialog] = useState(null);
  const go = useSubmit(async (move, note) => {
    await api.post(`/jobs/${job.id}/transitions`, { to: move.to, note: note || null }, ifMatch(job.version));
    onChanged(t('job.movedTo', { status: t(`job.${move.to}`) }));
  });
  const press = (move) => (move.needs_note ? setDialog({ move }) : go.run(move));
  return html`<section class="actions-bar" aria-labelledby="actions-h">
    <h2 id="actions-h" class="visually-hidden">${t('job.actions')}</h2>
    <${ErrorSummary} error=${go.error} />
    <div class="buttons">
      ${(moves.data?.moves || []).map((m) => html`<button type="button" class=${m.to === 'cancelled' ? 'danger-quiet' : 'primary'}
        onClick=${() => press(m)} disabled=${go.busy}>${t(`move.${m.to}`)}</button>`)}
      ${moves.data?.may_quote ? html`<button type="button" onClick=${() => setDialog({ quote: true })}>${job.quote ? t('job.replaceQuote') : t('job.setQuote')}</button>` : null}
      <button type="button" onClick=${() => setDialog({ edit: true })}>${t('job.edit')}</button>
      <button type="button" onClick=${() => setDialog({ task: true })}>${t('job.addTask')}</button>
      <button type="button" onClick=${() => setDialog({ extra: true })}>${t('job.addExtra')}</button>
    </div>
    ${dialog?.move ? html`<${ReasonDialog} title=${t(`move.${dialog.move.to}`)} label=${t('field.note')} action=${t(`move.${dialog.move.to}`)}
      onClose=${() => setDialog(null)}
      onSubmit=${async (note) => {
        await api.post(`/jobs/${job.id}/transitions`, { to: dialog.move.to, note }, ifMatch(job.version));
        setDialog(null);
        onChanged(t('job.movedTo', { status: t(`job.${dialog.move.to}`) }));
      }} />` : null}
    ${dialog?.quote ? html`<${QuoteDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
    ${dialog?.edit ? html`<${EditJobDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
    ${dialog?.task ? html`<${TaskDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
    ${dialog?.extra ? html`<${ExtraDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
  </section>`;
}

function QuoteDialog({ job, onClose, onDone }) {
  const [form, set] = useForm({
    amount: job.quote?.amount || '', currency: job.quote?.currency || 'USD', valid_until: job.quote?.valid_until || '', note: job.quote?.note || '',
  });
  const send = useSubmit(async () => {
    await api.put(`/jobs/${job.id}/quote`, {
      amount: form.amount.trim(), currency: form.currency, valid_until: form.valid_until || null, note: form.note.trim() || null,
    }, ifMatch(job.version));
    onDone(t('job.quoteSent', { amount: money(form.amount.trim(), form.currency) }));
  });
  return html`<${Dialog} title=${job.quote ? t('job.replaceQuote') : t('job.setQuote')} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <div class="pair">
        <${TextField} label=${t('field.amount')} value=${form.amount} onValue=${set('amount')} inputmode="decimal" error=${fieldError(send.error, 'amount')} hint=${t('form.amountHint')} />
        <${SelectField} label=${t('field.currency')} value=${form.currency} onValue=${set('currency')} options=${CURRENCIES.map((c) => [c, c])} error=${fieldError(send.error, 'currency')} />
      </div>
      <${TextField} label=${t('field.valid_until')} type="date" value=${form.valid_until} onValue=${set('valid_until')} optional error=${fieldError(send.error, 'valid_until')} />
      <${TextArea} label=${t('field.note')} value=${form.note} onValue=${set('note')} optional error=${fieldError(send.error, 'note')} />
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('job.sendQuote')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function EditJobDialog({ job, onClose, onDone }) {
  const at = (v, fallback) => (v ? wallClock(v) : { date: fallback, time: '08:00' });
  const [form, set] = useForm({
    title: job.title, description: job.description, priority: job.priority,
    starts: at(job.planned_start, ''), ends: job.planned_end ? wallClock(job.planned_end) : { date: '', time: '17:00' },
  });
  const when = (v) => (v.date && v.time ? iso(atYard(v.date, v.time)) : null);
  const send = useSubmit(async () => {
    const body = { title: form.title, description: form.description, priority: form.priority };
    if (when(form.starts)) body.planned_start = when(form.starts);
    if (when(form.ends)) body.planned_end = when(form.ends);
    await api.patch(`/jobs/${job.id}`, body, ifMatch(job.version));
    onDone(t('state.saved'));
  });
  return html`<${Dialog} title=${t('job.edit')} onClose=${onClose}>
    <p class="sub">${t('common.zone', { zone: yardZone() })}</p>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${TextField} label=${t('field.title')} value=${form.title} onValue=${set('title')} error=${fieldError(send.error, 'title')} />
      <${TextArea} label=${t('job.specification')} value=${form.description} onValue=${set('description')} error=${fieldError(send.error, 'description')} />
      <${SelectField} label=${t('field.priority')} value=${form.priority} onValue=${set('priority')}
        options=${['low', 'normal', 'high', 'urgent'].map((p) => [p, t(`priority.${p}`)])} />
      <${WhenField} legend=${t('field.planned_start')} value=${form.starts} onValue=${set('starts')}
        dateLabel=${t('field.plannedStartDate')} timeLabel=${t('field.plannedStartTime')} error=${fieldError(send.error, 'planned_start')} />
      <${WhenField} legend=${t('field.planned_end')} value=${form.ends} onValue=${set('ends')}
        dateLabel=${t('field.plannedEndDate')} timeLabel=${t('field.plannedEndTime')} error=${fieldError(send.error, 'planned_end')} />
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function TaskDialog({ job, onClose, onDone }) {
  const types = useAsync(() => everything('/certification-types'), []);
  const [form, set] = useForm({ title: '', description: '', estimated_hours: '', required_certification: '' });
  const send = useSubmit(async () => {
    await api.post(`/jobs/${job.id}/tasks`, {
      title: form.title, description: form.description.trim() || null,
      estimated_hours: form.estimated_hours === '' ? undefined : Number(form.estimated_hours),
      required_certification: form.required_certification || null,
    });
    onDone(t('job.taskAdded', { title: form.title }));
  });
  return html`<${Dialog} title=${t('job.addTask')} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${TextField} label=${t('field.title')} value=${form.title} onValue=${set('title')} error=${fieldError(send.error, 'title')} />
      <${TextArea} label=${t('field.description')} value=${form.description} onValue=${set('description')} optional error=${fieldError(send.error, 'description')} />
      <${TextField} label=${t('field.estimated_hours')} type="number" min="0" step="0.5" value=${form.estimated_hours} onValue=${set('estimated_hours')} error=${fieldError(send.error, 'estimated_hours')} />
      <${SelectField} label=${t('field.required_certification')} value=${form.required_certification} onValue=${set('required_certification')}
        placeholder=${t('job.noCertification')} optional options=${(types.data || []).map((c) => [c.code, `${c.code} · ${c.name}`])}
        error=${fieldError(send.error, 'required_certification')} />
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('job.addTask')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function ExtraDialog({ job, onClose, onDone }) {
  const [form, set] = useForm({ description: '', amount: '', currency: job.quote?.currency || 'USD' });
  const send = useSubmit(async () => {
    await api.post(`/jobs/${job.id}/additional-work`, { description: form.description, amount: form.amount.trim(), currency: form.currency });
    onDone(t('job.extraAdded', { what: form.description }));
  });
  return html`<${Dialog} title=${t('job.addExtra')} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${TextArea} label=${t('field.description')} value=${form.description} onValue=${set('description')} error=${fieldError(send.error, 'description')} />
      <div class="pair">
        <${TextField} label=${t('field.amount')} value=${form.amount} onValue=${set('amount')} inputmode="decimal" error=${fieldError(send.error, 'amount')} hint=${t('form.amountHint')} />
        <${SelectField} label=${t('field.currency')} value=${form.currency} onValue=${set('currency')} options=${CURRENCIES.map((c) => [c, c])} error=${fieldError(send.error, 'currency')} />
      </div>
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('job.proposeExtra')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

/** The job's photos and documents, and the form that adds one. */
function Files({ job, onChanged, tasks, extras, files }) {
  return html`<section class="card" aria-labelledby="files-h">
    <h2 id="files-h">${t('files.title')}</h2>
    ${files.length ? html`<${Thumbs} files=${files} label=${t('files.title')} />` : html`<p class="muted">${t('files.none')}</p>`}
    <${AttachForm} job=${job} tasks=${tasks} extras=${extras.filter((x) => x.status === 'pending')} onDone=${onChanged} />
  </section>`;
}

function MoneyCard({ job }) {
  return html`<section class="card" aria-labelledby="money-h">
    <h2 id="money-h">${t('job.money')}</h2>
    <dl class="facts">
      <dt>${t('job.quote')}</dt><dd>${job.quote ? html`<${Money} amount=${job.quote.amount} currency=${job.quote.currency} />` : html`<span class="muted">${t('job.noQuote')}</span>`}</dd>
      ${job.quote?.valid_until ? html`<dt>${t('field.valid_until')}</dt><dd>${calendarDate(job.quote.valid_until)}</dd>` : null}
      <dt>${t('job.approvedExtras')}</dt><dd><${Money} value=${job.additional_work_total} /></dd>
      ${job.invoiced_total ? html`<dt>${t('job.invoiced')}</dt><dd><${Money} value=${job.invoiced_total} /></dd>` : null}
    </dl>
  </section>`;
}

/** The daily report for a chosen day (default: yesterday, yard time). */
function DailyReport({ job, version }) {
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

function Tasks({ job, user, version, onChanged, tasks }) {
  const assignments = useAsync(
    () => (user.role === 'client' ? Promise.resolve([]) : everything(`/jobs/${job.id}/assignments`)),
    [job.id, version],
  );
  const [assigning, setAssigning] = useState(null);
  const status = useSubmit(async (task, value) => {
    await api.patch(`/tasks/${task.id}`, { status: value });
    onChanged(t('job.taskStatus', { title: task.title, status: t(`task.${value}`) }));
  });
  const mine = (task) => (assignments.data || []).filter((a) => a.task_id === task.id);
  const mayChangeStatus = (task) => user.role === 'manager' || (user.role === 'technician' && mine(task).length > 0);
  return html`<section class="card" aria-labelledby="tasks-h">
    <h2 id="tasks-h">${t('job.tasks')}</h2>
    <${ErrorSummary} error=${status.error} />
    ${tasks.error ? html`<${Failure} error=${tasks.error} />` : null}
    ${tasks.data && !tasks.data.length ? html`<p class="muted">${t('job.noTasks')}</p>` : null}
    ${tasks.data?.length ? html`<ul class="tasks">${tasks.data.map((task) => html`<li key=${task.id}>
      <div class="task-main">
        <strong>${task.title}</strong>
        <span class="muted">${hours(task.estimated_hours)}${task.required_certification ? ` · ${t('job.needs', { code: task.required_certification })}` : ''}</span>
        <${Progress} value=${task.progress_percent} label=${t('job.taskProgress', { title: task.title })} />
        <span>${percent(task.progress_percent)}</span>
        ${user.role !== 'client' ? html`<span class="people">${mine(task).length
          ? mine(task).map((a) => html`<span class="person">${a.technician_name} (${date(a.starts_at)} – ${date(a.ends_at)})</span>`)
          : html`<span class="muted">${t('job.nobodyAssigned')}</span>`}</span>` : null}
      </div>
      <div class="task-side">
        ${mayChangeStatus(task)
          ? html`<${SelectField} label=${t('job.taskStatusLabel', { title: task.title })} value=${task.status}
              onValue=${(v) => status.run(task, v)} options=${['open', 'in_progress', 'done'].map((s) => [s, t(`task.${s}`)])} />`
          : html`<${StatusBadge} status=${task.status} kind="task" />`}
        ${user.role === 'manager' ? html`<button type="button" onClick=${() => setAssigning(task)}
          aria-label=${t('job.assignTo', { title: task.title })}>${t('job.assign')}</button>` : null}
      </div>
    </li>`)}</ul>` : null}
    ${assigning ? html`<${AssignDialog} job=${job} task=${assigning} onClose=${() => setAssigning(null)}
      onDone=${(w) => { setAssigning(null); onChanged(w); }} />` : null}
  </section>`;
}

/** Assign a technician: only those certified for the task and free in the window. */
function AssignDialog({ job, task, onClose, onDone }) {
  const today = yardToday();
  const first = job.planned_start && Date.parse(job.planned_start) > Date.now() ? wallClock(job.planned_start).date : today;
  const [form, set] = useForm({
    starts: { date: first, time: '08:00' },
    ends: { date: job.planned_end && Date.parse(job.planned_end) > Date.now() ? wallClock(job.planned_end).date : addDays(first, 7), time: '17:00' },
    technician_id: '',
  });
  const from = form.starts.date && form.starts.time ? iso(atYard(form.starts.date, form.starts.time)) : null;
  const to = form.ends.date && form.ends.time ? iso(atYard(form.ends.date, form.ends.time)) : null;
  const offered = useAsync(() => (from && to && from < to
    ? everything('/technicians', { certified_for: task.required_certification || undefined, available_from: from, available_to: to })
    : Promise.resolve([])), [from, to]);
  const send = useSubmit(async () => {
    const tech = offered.data?.find((x) => x.id === form.technician_id);
    await api.post(`/tasks/${task.id}/assignments`, { technician_id: form.technician_id || undefined, starts_at: from, ends_at: to });
    onDone(t('job.assigned', { name: tech?.full_name || '', title: task.title }));
  });
  return html`<${Dialog} title=${t('job.assignTo', { title: task.title })} onClose=${onClose}>
    <p class="sub">${task.required_certification ? t('job.onlyCertified', { code: task.required_certification }) : t('job.onlyFree')} · ${t('common.zone', { zone: yardZone() })}</p>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${WhenField} legend=${t('field.starts_at')} value=${form.starts} onValue=${set('starts')}
        dateLabel=${t('field.startDate')} timeLabel=${t('field.startTime')} error=${fieldError(send.error, 'starts_at')} />
      <${WhenField} legend=${t('field.ends_at')} value=${form.ends} onValue=${set('ends')}
        dateLabel=${t('field.endDate')} timeLabel=${t('field.endTime')} error=${fieldError(send.error, 'ends_at')} />
      ${offered.loading ? html`<${Loading} />` : html`<${SelectField} label=${t('field.technician')} value=${form.technician_id}
        onValue=${set('technician_id')} placeholder=${offered.data?.length ? t('form.choose') : t('job.nobodyFree')}
        options=${(offered.data || []).map((x) => [x.id, `${x.full_name} · ${t(`trade.${x.trade}`)}`])}
        error=${fieldError(send.error, 'technician_id')} />`}
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy || !form.technician_id}>${t('job.assign')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function AdditionalWorkList({ user, onChanged, extras, files }) {
  const decide = useSubmit(async (item, decision) => {
    await api.post(`/additional-work/${item.id}/decision`, { decision });
    onChanged(t(decision === 'approved' ? 'job.extraApproved' : 'job.extraRejected', { what: item.description }));
  });
  if (!extras.length) return null;
  return html`<section class="card" aria-labelledby="extras-h">
    <h2 id="extras-h">${t('job.extras')}</h2>
    <${ErrorSummary} error=${decide.error} />
    <ul class="extras">${extras.map((x) => html`<li key=${x.id}>
      <div><strong>${x.description}</strong>
        <span class="muted">${date(x.created_at)}${x.decision_note ? ` · ${x.decision_note}` : ''}</span>
        <${Thumbs} files=${files.filter((f) => f.additional_work_id === x.id)} label=${t('files.ofExtra', { what: x.description })} /></div>
      <div class="end"><${Money} amount=${x.amount} currency=${x.currency} /> <${StatusBadge} status=${x.status} kind="extra" />
        ${user.role === 'manager' && x.status === 'pending' ? html`<span class="choice">
          <button type="button" class="approve small" aria-label=${t('job.approveExtra', { what: x.description })} onClick=${() => decide.run(x, 'approved')}>${t('action.approve')}</button>
          <button type="button" class="reject small" aria-label=${t('job.rejectExtra', { what: x.description })} onClick=${() => decide.run(x, 'rejected')}>${t('action.reject')}</button>
        </span>` : null}
      </div>
    </li>`)}</ul>
  </section>`;
}

function Timeline({ job, user, version }) {
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

function WorkLogs({ job, version }) {
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
