// The owner's decisions on a job, first on its page: the quote and the variations that
// wait for an answer, with their amounts, photos, time and deadline; and a reason asked
// where the API wants one.
import { Fragment, html, useState } from '../../lib.js';
import { api, ifMatch } from '../../api.js';
import { t } from '../../i18n.js';
import { calendarDate, date, money } from '../../format.js';
import { ErrorSummary, FormDialog, Money, TextArea, fieldError, useAsync, useSubmit } from '../../ui.js';
import { Thumbs } from '../../files.js';
import { VariationFacts } from './money.js';

/** The client's decisions first: the quote and pending additional work, with amounts. */
export function Decisions({ job, version, onChanged, extras, files }) {
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
          <strong>${item.number} · ${t('job.extraTitle', { what: item.description })}</strong>
          <span class="muted">${t('job.proposedOn', { date: date(item.created_at) })} · ${t(`origin.${item.origin}`)}</span>
          <${VariationFacts} item=${item} />
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
export function ReasonDialog({ title, label, action, optional = false, onClose, onSubmit }) {
  const [note, setNote] = useState('');
  const send = useSubmit(() => onSubmit(note.trim()));
  return html`<${FormDialog} title=${title} onClose=${onClose} send=${send} submitLabel=${action}>
    <${TextArea} label=${label} value=${note} onValue=${setNote} optional=${optional} error=${fieldError(send.error, 'note')} />
  <//>`;
}
