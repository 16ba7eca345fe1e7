// The cost overview (/app/cost): every awarded job's money at a glance, for the yard all
// of them, for an owner its own: contract, approved and pending variations, forecast,
// growth and days late against the contractual redelivery.
import { html } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { amount } from '../format.js';
import { Loaded, Money, MoreButton, PageHead, StatusBadge, usePaged, useTitle } from '../ui.js';

export function CostOverview() {
  useTitle(t('nav.cost'));
  const rows = usePaged((cursor) => api.get('/reports/cost-overview', { limit: 50, cursor }), []);
  return html`<section>
    <${PageHead} title=${t('nav.cost')} sub=${t('costOverview.sub')} />
    <${Loaded} state=${{ data: rows.loading && !rows.items.length ? undefined : rows.items, error: rows.error }}>${(items) => (items.length
      ? html`<div class="table-wrap"><table class="list">
        <caption class="visually-hidden">${t('nav.cost')}</caption>
        <thead><tr><th scope="col">${t('field.number')}</th><th scope="col">${t('field.vessel')}</th><th scope="col">${t('field.status')}</th>
          <th scope="col" class="num">${t('cost.contract')}</th><th scope="col" class="num">${t('cost.approved')}</th>
          <th scope="col" class="num">${t('cost.pending')}</th><th scope="col" class="num">${t('cost.forecast')}</th>
          <th scope="col" class="num">${t('costOverview.growth')}</th><th scope="col" class="num">${t('costOverview.daysLate')}</th></tr></thead>
        <tbody>${items.map((r) => html`<tr key=${r.job_id}>
          <td><a href=${`/app/jobs/${r.job_id}`}>${r.number}</a></td><td><bdi>${r.vessel_name}</bdi></td>
          <td><${StatusBadge} status=${r.status} /></td>
          <td class="num"><${Money} amount=${r.contract} currency=${r.currency} /></td>
          <td class="num"><${Money} amount=${r.approved} currency=${r.currency} /></td>
          <td class="num"><${Money} amount=${r.pending} currency=${r.currency} /></td>
          <td class="num strong"><${Money} amount=${r.forecast} currency=${r.currency} /></td>
          <td class="num">${r.growth_percent === null ? '—' : `${amount(r.growth_percent)} %`}</td>
          <td class=${r.days_late > 0 ? 'num late' : 'num'}>${r.days_late}</td>
        </tr>`)}</tbody>
      </table></div>`
      : html`<p class="empty">${t('costOverview.none')}</p>`)}<//>
    <${MoreButton} cursor=${rows.cursor} onMore=${rows.loadMore} busy=${rows.busy} />
  </section>`;
}
