// The redelivery card of an awarded job: the contractual date as awarded and as moved by
// the ledger, the yard's forecast, the days late and the damages they accrue, and every
// entry with its cause and party. The owner disputes an entry; a manager records a delay
// or withdraws one of its own. The arithmetic is the API's (GET /jobs/{id}/redelivery).
import { html, useState } from '../../lib.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { calendarDate, date, money } from '../../format.js';
import {
  FormDialog, Loaded, SelectField, TextArea, TextField, binder, useAsync, useForm, useSubmit,
} from '../../ui.js';
import { ReasonDialog } from './decisions.js';

/** The causes a manager may record (the other two come from variations' decisions). */
const MANUAL_CAUSES = ['owner_supply_late', 'owner_scope', 'class_requirement', 'weather', 'force_majeure', 'other'];

/** "+2 days", "−1 day", "0 days". */
function signedDays(n) {
  if (n === 0) return t('redelivery.daysNone');
  return t(n < 0 ? 'redelivery.daysLess' : 'redelivery.daysMore', { n: Math.abs(n) });
}

function Entry({ entry, user, onDispute, onWithdraw }) {
  const counts = entry.status !== 'withdrawn';
  return html`<li class=${`ledger-entry ${entry.status}`}>
    <div class="ledger-days ${entry.days < 0 ? 'less' : 'more'}">${signedDays(entry.days)}</div>
    <div class="ledger-what">
      <strong>${t(`cause.${entry.cause}`)}${entry.additional_work_number ? ` · ${entry.additional_work_number}` : ''}</strong>
      <span class="muted">${date(entry.at)} · ${t(`party.${entry.party}`)}${entry.by_role === 'system' ? ` · ${t('redelivery.automatic')}` : ''}</span>
      ${entry.note ? html`<span><bdi>${entry.note}</bdi></span>` : null}
      ${entry.status === 'disputed' ? html`<span class="tag warn">${t('redelivery.disputed')}</span>
        <span class="muted">${t('redelivery.disputeSays')} <bdi>${entry.dispute_note}</bdi></span>` : null}
      ${entry.status === 'withdrawn' ? html`<span class="tag">${t('redelivery.withdrawn')}</span>` : null}
    </div>
    <div class="end">
      ${user.role === 'client' && entry.status === 'recorded' ? html`<button type="button" class="small"
        aria-label=${t('redelivery.disputeNamed', { cause: t(`cause.${entry.cause}`), days: signedDays(entry.days) })}
        onClick=${() => onDispute(entry)}>${t('redelivery.dispute')}</button>` : null}
      ${user.role === 'manager' && entry.by_role === 'manager' && counts ? html`<button type="button" class="small danger-quiet"
        aria-label=${t('redelivery.withdrawNamed', { cause: t(`cause.${entry.cause}`), days: signedDays(entry.days) })}
        onClick=${() => onWithdraw(entry)}>${t('redelivery.withdraw')}</button>` : null}
    </div>
  </li>`;
}

export function RedeliveryCard({ job, user, version, onChanged }) {
  // 404 before the award: no contract, no card.
  const position = useAsync(
    () => api.get(`/jobs/${job.id}/redelivery`).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
    [job.id, version],
  );
  const [disputing, setDisputing] = useState(null);
  const [withdrawing, setWithdrawing] = useState(null);
  const [recording, setRecording] = useState(false);
  if (position.data === null) return null;
  const open = !['closed', 'cancelled'].includes(job.status);
  return html`<section class="card redelivery" aria-labelledby="redelivery-h">
    <h2 id="redelivery-h">${t('redelivery.title')}</h2>
    <${Loaded} state=${position}>${(r) => html`
      <dl class="facts money-facts">
        <dt>${t('redelivery.original')}</dt><dd>${r.original ? calendarDate(r.original) : '—'}</dd>
        <dt>${t('redelivery.current')}</dt><dd class="strong">${r.current ? calendarDate(r.current) : '—'}</dd>
        ${r.completed_on
          ? html`<dt>${t('redelivery.completed')}</dt><dd>${calendarDate(r.completed_on)}</dd>`
          : html`<dt>${t('redelivery.forecast')}</dt><dd>${r.forecast ? calendarDate(r.forecast) : '—'}</dd>`}
        <dt>${t('redelivery.daysLate')}</dt><dd class=${r.days_late > 0 ? 'late-days' : ''}>${r.days_late > 0
          ? t('redelivery.lateBy', { n: r.days_late }) : t('redelivery.onTime')}</dd>
        ${r.damages_accrued ? html`<dt>${t('redelivery.damages')}</dt><dd>${money(r.damages_accrued)}</dd>` : null}
      </dl>
      <p class="muted">${t('redelivery.byParty', {
        owner: signedDays(r.by_party.owner), class: signedDays(r.by_party.class), neutral: signedDays(r.by_party.neutral) })}</p>
      ${r.entries.length ? html`<ul class="ledger">${r.entries.map((e) => html`<${Entry} key=${e.id} entry=${e} user=${user}
        onDispute=${setDisputing} onWithdraw=${setWithdrawing} />`)}</ul>` : html`<p class="muted">${t('redelivery.noEntries')}</p>`}
      ${user.role === 'manager' && open ? html`<p><button type="button" onClick=${() => setRecording(true)}>${t('redelivery.record')}</button></p>` : null}
    `}<//>
    ${disputing ? html`<${ReasonDialog} title=${t('redelivery.disputeTitle', { cause: t(`cause.${disputing.cause}`), days: signedDays(disputing.days) })}
      label=${t('redelivery.disputeReason')} action=${t('redelivery.dispute')} onClose=${() => setDisputing(null)}
      onSubmit=${async (note) => {
        await api.post(`/redelivery-entries/${disputing.id}/dispute`, { note });
        setDisputing(null);
        onChanged(t('redelivery.disputeDone'));
      }} />` : null}
    ${withdrawing ? html`<${WithdrawDialog} entry=${withdrawing} onClose=${() => setWithdrawing(null)}
      onDone=${() => { setWithdrawing(null); onChanged(t('redelivery.withdrawDone')); }} />` : null}
    ${recording ? html`<${RecordDelayDialog} job=${job} onClose=${() => setRecording(false)}
      onDone=${(words) => { setRecording(false); onChanged(words); }} />` : null}
  </section>`;
}

/** Asks before withdrawing: the date moves back by the entry's days. */
function WithdrawDialog({ entry, onClose, onDone }) {
  const send = useSubmit(async () => {
    await api.del(`/redelivery-entries/${entry.id}`);
    onDone();
  });
  return html`<${FormDialog} title=${t('redelivery.withdrawTitle')} onClose=${onClose} send=${send} submitLabel=${t('redelivery.withdraw')}
    sub=${t('redelivery.withdrawSub', { cause: t(`cause.${entry.cause}`), days: signedDays(entry.days) })}>
  <//>`;
}

/** A manager's entry: days (negative: time won back), cause and what happened. */
function RecordDelayDialog({ job, onClose, onDone }) {
  const [form, set] = useForm({ days: '1', cause: 'weather', note: '' });
  const send = useSubmit(async () => {
    const days = Number(form.days);
    await api.post(`/jobs/${job.id}/redelivery-entries`, { days: Number.isInteger(days) ? days : form.days, cause: form.cause, note: form.note });
    onDone(t('redelivery.recorded', { days: signedDays(days), cause: t(`cause.${form.cause}`) }));
  });
  const field = binder(form, set, send.error);
  return html`<${FormDialog} title=${t('redelivery.record')} onClose=${onClose} send=${send} submitLabel=${t('redelivery.recordAction')}
    sub=${t('redelivery.recordSub')}>
    <div class="pair">
      <${TextField} label=${t('redelivery.days')} type="number" min="-365" max="365" step="1" ...${field('days')} hint=${t('redelivery.daysHint')} />
      <${SelectField} label=${t('redelivery.cause')} ...${field('cause')}
        options=${MANUAL_CAUSES.map((c) => [c, t(`cause.${c}`)])} />
    </div>
    <${TextArea} label=${t('redelivery.note')} ...${field('note')} hint=${t('redelivery.noteHint')} />
  <//>`;
}
