// The manager's actions on a job: the status moves the API allows now, the quote, the
// contract's terms, the job's fields, a spec item and a variation.
import { html, useState } from '../../lib.js';
import { api, everything, ifMatch } from '../../api.js';
import { t } from '../../i18n.js';
import { atYard, iso, money, wallClock, yardZone } from '../../format.js';
import {
  ErrorSummary, FormDialog, Loaded, Loading, SelectField, TextArea, TextField, WhenField, binder, fieldError, useAsync,
  useForm, useSubmit,
} from '../../ui.js';
import { ReasonDialog } from './decisions.js';
import { TaskDialog } from './spec.js';
import { VariationDialog } from './money.js';

/** The manager's actions on the job: status moves, quote, planned dates, new work. */
export function ManagerActions({ job, version, onChanged }) {
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
      ${moves.data?.may_quote ? html`<button type="button" onClick=${() => setDialog({ terms: true })}>${t('terms.edit')}</button>` : null}
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
    ${dialog?.terms ? html`<${TermsDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
    ${dialog?.edit ? html`<${EditJobDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
    ${dialog?.task ? html`<${TaskDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
    ${dialog?.extra ? html`<${VariationDialog} job=${job} onClose=${() => setDialog(null)} onDone=${(w) => { setDialog(null); onChanged(w); }} />` : null}
  </section>`;
}

/** Puts a quote in the job's contract currency: the priced items' sum less a discount
 * (computed by the API), or a lump sum for a job without priced items. */
function QuoteDialog({ job, onClose, onDone }) {
  const tasks = useAsync(() => everything(`/jobs/${job.id}/tasks`), [job.id]);
  const priced = (tasks.data || []).filter((x) => x.price);
  const [form, set] = useForm({
    amount: job.quote?.amount || '', discount_percent: job.quote?.discount_percent || '',
    valid_until: job.quote?.valid_until || '', note: job.quote?.note || '',
  });
  const send = useSubmit(async () => {
    const body = { currency: job.currency, valid_until: form.valid_until || null, note: form.note.trim() || null };
    if (priced.length) {
      if (String(form.discount_percent).trim()) body.discount_percent = String(form.discount_percent).trim();
    } else {
      body.amount = String(form.amount).trim();
    }
    const quoted = await api.put(`/jobs/${job.id}/quote`, body, ifMatch(job.version));
    onDone(t('job.quoteSent', { amount: money(quoted.quote.amount, quoted.quote.currency) }));
  });
  const field = binder(form, set, send.error);
  return html`<${FormDialog} title=${job.quote ? t('job.replaceQuote') : t('job.setQuote')} onClose=${onClose} send=${send}
      submitLabel=${t('job.sendQuote')} sub=${t('quote.currency', { currency: job.currency })}>
    ${tasks.loading ? html`<${Loading} />` : priced.length
      ? html`<p>${t('quote.fromItems', { n: priced.length })}</p>
        <${TextField} label=${t('quote.discount')} ...${field('discount_percent')} inputmode="decimal" optional />`
      : html`<${TextField} label=${t('field.amount')} ...${field('amount', 'currency')} inputmode="decimal" hint=${t('form.amountHint')} />`}
    <${TextField} label=${t('field.valid_until')} type="date" ...${field('valid_until')} optional />
    <${TextArea} label=${t('field.note')} ...${field('note')} optional />
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
  const field = binder(form, set, send.error);
  return html`<${FormDialog} title=${t('job.edit')} onClose=${onClose} send=${send} submitLabel=${t('action.save')}
      sub=${t('common.zone', { zone: yardZone() })}>
    <${TextField} label=${t('field.title')} ...${field('title')} />
    <${TextArea} label=${t('job.specification')} ...${field('description')} />
    <${SelectField} label=${t('field.priority')} ...${field('priority')}
      options=${['low', 'normal', 'high', 'urgent'].map((p) => [p, t(`priority.${p}`)])} />
    <${WhenField} legend=${t('field.planned_start')} value=${form.starts} onValue=${set('starts')}
      dateLabel=${t('field.plannedStartDate')} timeLabel=${t('field.plannedStartTime')} error=${fieldError(send.error, 'planned_start')} />
    <${WhenField} legend=${t('field.planned_end')} value=${form.ends} onValue=${set('ends')}
      dateLabel=${t('field.plannedEndDate')} timeLabel=${t('field.plannedEndTime')} error=${fieldError(send.error, 'planned_end')} />
  <//>`;
}

const DUES = ['on_award', 'on_redelivery', 'after_redelivery'];

/** The contract's terms (REPAIRCON's boxes), put while the job is requested or quoted. */
function TermsDialog({ job, onClose, onDone }) {
  const current = useAsync(() => api.get(`/jobs/${job.id}/contract-terms`).catch((e) => (e.status === 404 ? null : Promise.reject(e))), [job.id]);
  return html`<${Loaded} state=${current}>${(terms) => html`<${TermsForm} job=${job} terms=${terms} onClose=${onClose} onDone=${onDone} />`}<//>`;
}

function TermsForm({ job, terms, onClose, onDone }) {
  const [form, set] = useForm({
    redelivery_date: terms?.redelivery_date || (job.planned_end ? wallClock(job.planned_end).date : ''),
    guarantee_months: String(terms?.guarantee_months ?? 3),
    response_hours: String(terms?.response_hours ?? 48),
    per_day: terms?.delay_damages_per_day?.amount || '',
    max: terms?.delay_damages_max?.amount || '',
  });
  const [payments, setPayments] = useState(terms?.payment_terms || [{ percent: '100', due: 'after_redelivery', days: 30 }]);
  const send = useSubmit(async () => {
    const damages = form.per_day.trim() || form.max.trim();
    await api.put(`/jobs/${job.id}/contract-terms`, {
      redelivery_date: form.redelivery_date || undefined,
      guarantee_months: Number(form.guarantee_months),
      response_hours: Number(form.response_hours),
      payment_terms: payments.map((p) => ({ percent: String(p.percent).trim(), due: p.due, days: p.due === 'after_redelivery' ? Number(p.days) : undefined })),
      delay_damages_per_day: damages ? { amount: form.per_day.trim(), currency: job.currency } : undefined,
      delay_damages_max: damages ? { amount: form.max.trim(), currency: job.currency } : undefined,
    });
    onDone(t('terms.saved'));
  });
  const field = binder(form, set, send.error);
  const setPayment = (i, name) => (v) => setPayments(payments.map((p, n) => (n === i ? { ...p, [name]: v } : p)));
  return html`<${FormDialog} title=${t('terms.edit')} onClose=${onClose} send=${send} submitLabel=${t('action.save')} wide
      sub=${t('terms.sub', { currency: job.currency })}>
    <div class="pair">
      <${TextField} label=${t('terms.redelivery')} type="date" ...${field('redelivery_date')} />
      <${TextField} label=${t('terms.guarantee')} type="number" min="0" max="36" ...${field('guarantee_months')} />
    </div>
    <fieldset class="payments"><legend>${t('terms.payments')}</legend>
      ${fieldError(send.error, 'payment_terms') ? html`<p class="field-error">${fieldError(send.error, 'payment_terms')}</p>` : null}
      ${payments.map((p, i) => html`<div class="pair payment" key=${i}>
        <${TextField} label=${t('terms.percent', { n: i + 1 })} value=${p.percent} onValue=${setPayment(i, 'percent')} inputmode="decimal"
          error=${fieldError(send.error, `payment_terms[${i}].percent`)} />
        <${SelectField} label=${t('terms.due', { n: i + 1 })} value=${p.due} onValue=${setPayment(i, 'due')}
          options=${DUES.map((d) => [d, t(`due.${d}`)])} />
        ${p.due === 'after_redelivery' ? html`<${TextField} label=${t('terms.days', { n: i + 1 })} type="number" min="1" max="365"
          value=${p.days ?? ''} onValue=${setPayment(i, 'days')} error=${fieldError(send.error, `payment_terms[${i}].days`)} />` : null}
        ${payments.length > 1 ? html`<button type="button" class="small" onClick=${() => setPayments(payments.filter((_, n) => n !== i))}>${t('terms.removePayment', { n: i + 1 })}</button>` : null}
      </div>`)}
      <button type="button" class="small" onClick=${() => setPayments([...payments, { percent: '', due: 'on_redelivery' }])}>${t('terms.addPayment')}</button>
    </fieldset>
    <div class="pair">
      <${TextField} label=${t('terms.perDay', { currency: job.currency })} ...${field('per_day', 'delay_damages_per_day', 'delay_damages_per_day.amount')} inputmode="decimal" optional />
      <${TextField} label=${t('terms.max', { currency: job.currency })} ...${field('max', 'delay_damages_max', 'delay_damages_max.amount')} inputmode="decimal" optional />
    </div>
    <${TextField} label=${t('terms.response')} type="number" min="1" max="720" ...${field('response_hours')} hint=${t('terms.responseHint')} />
  <//>`;
}
