// The repair specification on a job: its spec items (tasks) with item numbers, SFI codes,
// prices and who supplies them, their progress and the technicians on them; adding an
// item priced from the tariff; assigning certified, free technicians.
import { html, useState } from '../../lib.js';
import { api, everything } from '../../api.js';
import { t } from '../../i18n.js';
import { addDays, atYard, date, hours, iso, percent, wallClock, yardToday, yardZone } from '../../format.js';
import {
  Dialog, ErrorSummary, Failure, FormDialog, Loading, Money, Progress, SelectField, StatusBadge, TextArea, TextField, WhenField,
  binder, fieldError, useAsync, useForm, useSubmit,
} from '../../ui.js';
import { PriceEditor, lineInWords, noPrice, priceRequest } from './pricing.js';

export function Tasks({ job, user, version, onChanged, tasks }) {
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
        <strong>${task.item_number ? html`<span class="item-no">${task.item_number}</span> ` : null}<bdi>${task.title}</bdi></strong>
        <span class="muted">${hours(task.estimated_hours)}${task.required_certification ? ` · ${t('job.needs', { code: task.required_certification })}` : ''}${task.sfi_code ? ` · SFI ${task.sfi_code}` : ''}${task.supplied_by === 'owner' ? ` · ${t('spec.ownerSupplies')}` : ''}</span>
        ${task.price ? html`<span class="task-price"><${Money} amount=${task.price.amount} currency=${task.price.currency} />
          <span class="muted">${lineInWords(task.price)}</span></span>` : null}
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

/** Adds a spec item: its title, hours, certification, item number, SFI code, who
 * supplies it and its price (before the award). */
export function TaskDialog({ job, onClose, onDone }) {
  const types = useAsync(() => everything('/certification-types'), []);
  const [form, set] = useForm({
    title: '', description: '', estimated_hours: '', required_certification: '', item_number: '', sfi_code: '', supplied_by: 'yard',
  });
  const [price, setPrice] = useState(noPrice());
  const awarded = !['requested', 'quoted'].includes(job.status);
  const send = useSubmit(async () => {
    await api.post(`/jobs/${job.id}/tasks`, {
      title: form.title, description: form.description.trim() || null,
      estimated_hours: form.estimated_hours === '' ? undefined : Number(form.estimated_hours),
      required_certification: form.required_certification || null,
      item_number: form.item_number.trim() || null, sfi_code: form.sfi_code.trim() || null,
      supplied_by: form.supplied_by, price: awarded ? null : priceRequest(price),
    });
    onDone(t('job.taskAdded', { title: form.title }));
  });
  const field = binder(form, set, send.error);
  return html`<${FormDialog} title=${t('job.addTask')} onClose=${onClose} send=${send} submitLabel=${t('job.addTask')} wide>
    <div class="pair">
      <${TextField} label=${t('spec.itemNumber')} ...${field('item_number')} optional hint=${t('spec.itemNumberHint')} />
      <${TextField} label=${t('spec.sfiCode')} ...${field('sfi_code')} optional inputmode="numeric" hint=${t('spec.sfiHint')} />
    </div>
    <${TextField} label=${t('field.title')} ...${field('title')} />
    <${TextArea} label=${t('field.description')} ...${field('description')} optional />
    <div class="pair">
      <${TextField} label=${t('field.estimated_hours')} type="number" min="0" step="0.5" ...${field('estimated_hours')} />
      <${SelectField} label=${t('spec.suppliedBy')} ...${field('supplied_by')}
        options=${['yard', 'owner'].map((s) => [s, t(`supplied.${s}`)])} />
    </div>
    <${SelectField} label=${t('field.required_certification')} ...${field('required_certification')}
      placeholder=${t('job.noCertification')} optional options=${(types.data || []).map((c) => [c.code, `${c.code} · ${c.name}`])} />
    ${awarded ? html`<p class="hint">${t('spec.afterAward')}</p>`
      : html`<${PriceEditor} job=${job} value=${price} onValue=${setPrice} error=${send.error} />`}
  <//>`;
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
