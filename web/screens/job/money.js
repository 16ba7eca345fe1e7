// A job's money: the cost position (contract, variations, forecast and growth, in the
// contract's currency and the owner's, by SFI group), the contract's terms, and the
// variations with their number, origin, price, time impact and deadline.
import { html, useState } from '../../lib.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { amount, calendarDate, date, dateTime, money } from '../../format.js';
import {
  CheckField, ErrorSummary, FormDialog, Loaded, Money, SelectField, StatusBadge, TextArea, TextField, binder, fieldError,
  useAsync, useForm, useSubmit,
} from '../../ui.js';
import { Thumbs } from '../../files.js';
import { PriceEditor, lineInWords, noPrice, priceRequest } from './pricing.js';

const ORIGINS = ['finding', 'owner_request', 'class_requirement'];

/** Whether a variation's answer is overdue. */
function late(item) {
  return item.status === 'pending' && Date.parse(item.respond_by) < Date.now();
}

/** What a variation asks beyond its amount: its price, time, blocking, deadline. */
export function VariationFacts({ item }) {
  return html`<span class="facts-line">
    ${item.price ? html`<span class="muted">${lineInWords(item.price)}</span>` : null}
    ${item.time_impact_days ? html`<span class="tag">${t('variation.days', { n: item.time_impact_days })}</span>` : null}
    ${item.blocking ? html`<span class="tag warn">${t('variation.blocking')}</span>` : null}
    ${item.status === 'pending' ? html`<span class=${late(item) ? 'tag late' : 'muted'}>
      ${late(item) ? t('variation.overdue', { when: dateTime(item.respond_by) }) : t('variation.respondBy', { when: dateTime(item.respond_by) })}</span>` : null}
  </span>`;
}

/** Rows of amounts: a label and money, right-aligned. */
function Amounts({ rows, currency }) {
  return html`<dl class="facts money-facts">${rows.map(([label, value, strong]) => html`
    <dt>${label}</dt><dd class=${strong ? 'strong' : ''}><${Money} amount=${value} currency=${currency} /></dd>`)}</dl>`;
}

/** The cost position: what the repair costs now and will cost, against the contract. */
export function CostCard({ job, version }) {
  const cost = useAsync(() => api.get(`/jobs/${job.id}/cost`), [job.id, version]);
  return html`<section class="card cost" aria-labelledby="cost-h">
    <h2 id="cost-h">${t('cost.title')}</h2>
    <${Loaded} state=${cost}>${(c) => html`
      <${Amounts} currency=${c.currency} rows=${[
        [t('cost.contract'), c.contract], [t('cost.approved'), c.approved], [t('cost.pending'), c.pending],
        [t('cost.forecast'), c.forecast, true],
      ]} />
      <p class=${Number(c.growth_percent) > 0 ? 'growth up' : 'growth'}>${c.growth_percent === null
        ? t('cost.noContract') : t('cost.growth', { percent: `${amount(c.growth_percent)} %` })}</p>
      ${c.owner_currency !== c.currency ? html`<h3>${t('cost.inOwnerCurrency', { currency: c.owner_currency })}</h3>
        ${c.in_owner_currency ? html`<${Amounts} currency=${c.owner_currency} rows=${[
          [t('cost.contract'), c.in_owner_currency.contract], [t('cost.approved'), c.in_owner_currency.approved],
          [t('cost.pending'), c.in_owner_currency.pending], [t('cost.forecast'), c.in_owner_currency.forecast, true],
        ]} />` : html`<p class="muted">${t('cost.noRate', { currency: c.currency })}</p>`}
        ${c.unconverted.length ? html`<p class="muted">${t('cost.unconverted', { items: c.unconverted.map((u) => u.number).join(', ') })}</p>` : null}` : null}
      ${c.by_sfi_group.length ? html`<div class="table-wrap"><table class="list compact">
        <caption>${t('cost.bySfi')}</caption>
        <thead><tr><th scope="col">${t('cost.group')}</th><th scope="col" class="num">${t('cost.contract')}</th>
          <th scope="col" class="num">${t('cost.approved')}</th><th scope="col" class="num">${t('cost.pending')}</th></tr></thead>
        <tbody>${c.by_sfi_group.map((g) => html`<tr key=${g.group}><th scope="row">${g.group} · ${t(`sfi.${g.group}`)}</th>
          <td class="num"><${Money} amount=${g.contract} currency=${c.currency} /></td>
          <td class="num"><${Money} amount=${g.approved} currency=${c.currency} /></td>
          <td class="num"><${Money} amount=${g.pending} currency=${c.currency} /></td></tr>`)}</tbody>
      </table></div>` : null}
    `}<//>
  </section>`;
}

/** The contract's terms, once put: redelivery, guarantee, payment, damages, response. */
export function TermsCard({ job, version }) {
  const terms = useAsync(
    () => api.get(`/jobs/${job.id}/contract-terms`).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
    [job.id, version],
  );
  if (terms.data === null) return null;
  return html`<section class="card" aria-labelledby="terms-h">
    <h2 id="terms-h">${t('terms.title')}</h2>
    <${Loaded} state=${terms}>${(x) => html`<dl class="facts stacked">
      <dt>${t('terms.redelivery')}</dt><dd>${x.redelivery_date ? calendarDate(x.redelivery_date) : '—'}</dd>
      ${job.contract_redelivery && job.contract_redelivery !== x.redelivery_date ? html`<dt>${t('terms.redeliveryNow')}</dt>
        <dd>${calendarDate(job.contract_redelivery)}</dd>` : null}
      <dt>${t('terms.guarantee')}</dt><dd>${t('terms.months', { n: x.guarantee_months })}</dd>
      <dt>${t('terms.payments')}</dt><dd><ul class="plain">${x.payment_terms.map((p) => html`<li>${amount(p.percent)} % ${p.due === 'after_redelivery'
        ? t('due.after', { n: p.days }) : t(`due.${p.due}`)}</li>`)}</ul></dd>
      ${x.delay_damages_per_day ? html`<dt>${t('terms.damages')}</dt><dd>${t('terms.damagesAre', {
        perDay: money(x.delay_damages_per_day), max: money(x.delay_damages_max) })}</dd>` : null}
      <dt>${t('terms.response')}</dt><dd>${t('terms.hours', { n: x.response_hours })}</dd>
    </dl>
    <p class="muted">${x.frozen ? t('terms.frozen') : t('terms.proposed')}</p>`}<//>
  </section>`;
}

/** Every variation of the job, with its facts; a manager may decide for the owner. */
export function Variations({ user, onChanged, extras, files }) {
  const decide = useSubmit(async (item, decision) => {
    await api.post(`/additional-work/${item.id}/decision`, { decision });
    onChanged(t(decision === 'approved' ? 'job.extraApproved' : 'job.extraRejected', { what: item.description }));
  });
  if (!extras.length) return null;
  return html`<section class="card" aria-labelledby="extras-h">
    <h2 id="extras-h">${t('job.extras')}</h2>
    <${ErrorSummary} error=${decide.error} />
    <ul class="extras">${extras.map((x) => html`<li key=${x.id}>
      <div><strong>${x.number} · <bdi>${x.description}</bdi></strong>
        <span class="muted">${date(x.created_at)} · ${t(`origin.${x.origin}`)}${x.decision_note ? html` · <bdi>${x.decision_note}</bdi>` : ''}</span>
        <${VariationFacts} item=${x} />
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

/** Proposes a variation: what was found, its price, origin, spec item, time, blocking. */
export function VariationDialog({ job, onClose, onDone }) {
  const tasks = useAsync(() => api.get(`/jobs/${job.id}/tasks`, { limit: 200 }), [job.id]);
  const [form, set] = useForm({ description: '', origin: 'finding', task_id: '', time_impact_days: '0', blocking: false });
  const [price, setPrice] = useState(noPrice('lump_sum'));
  const send = useSubmit(async () => {
    const item = await api.post(`/jobs/${job.id}/additional-work`, {
      description: form.description, price: priceRequest(price), origin: form.origin,
      task_id: form.task_id || null, time_impact_days: Number(form.time_impact_days || 0), blocking: form.blocking,
    });
    onDone(t('job.extraAdded', { what: `${item.number} ${form.description}` }));
  });
  const field = binder(form, set, send.error);
  return html`<${FormDialog} title=${t('job.addExtra')} onClose=${onClose} send=${send} submitLabel=${t('job.proposeExtra')} wide>
    <${TextArea} label=${t('field.description')} ...${field('description')} />
    <div class="pair">
      <${SelectField} label=${t('variation.origin')} ...${field('origin')} options=${ORIGINS.map((o) => [o, t(`origin.${o}`)])} />
      <${SelectField} label=${t('variation.task')} ...${field('task_id')} optional placeholder=${t('variation.noTask')}
        options=${(tasks.data?.items || []).map((x) => [x.id, `${x.item_number ? `${x.item_number} ` : ''}${x.title}`])} />
    </div>
    <div class="pair">
      <${TextField} label=${t('variation.timeImpact')} type="number" min="0" max="365" ...${field('time_impact_days')} hint=${t('variation.timeHint')} />
      <${CheckField} label=${t('variation.blockingLabel')} checked=${form.blocking} onValue=${set('blocking')} hint=${t('variation.blockingHint')} />
    </div>
    <${PriceEditor} job=${job} value=${price} onValue=${setPrice} error=${send.error} allowNone=${false} />
  <//>`;
}
