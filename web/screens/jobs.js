// Jobs (/app/jobs): the manager's list of every job, a client's home ("My jobs"), with
// filters kept in the address (status, vessel, client organisation, text). A client
// requests a repair from here.
import { html, useState } from '../lib.js';
import { api, everything } from '../api.js';
import { t } from '../i18n.js';
import { atYard, date, iso, percent, yardZone } from '../format.js';
import { navigate, setQuery, useLocation } from '../router.js';
import {
  Dialog, ErrorSummary, Failure, Loading, Money, MoreButton, PageHead, SelectField, TextArea, TextField,
  StatusBadge, fieldError, useAsync, useForm, usePaged, useSubmit, useTitle,
} from '../ui.js';

/** Every job status, in the order of a job's life. */
export const STATUSES = ['requested', 'quoted', 'approved', 'scheduled', 'in_progress', 'on_hold', 'completed', 'closed', 'cancelled'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

export function Jobs({ user }) {
  const client = user.role === 'client';
  useTitle(client ? t('nav.myJobs') : t('nav.jobs'));
  const { query } = useLocation();
  const filters = {
    status: query.get('status') || '',
    vessel_id: query.get('vessel_id') || '',
    organization_id: query.get('organization_id') || '',
    q: query.get('q') || '',
  };
  const [text, setText] = useState(filters.q);
  const vessels = useAsync(() => (user.role === 'technician' ? Promise.resolve([]) : everything('/vessels')), []);
  const orgs = useAsync(() => (user.role === 'manager' ? everything('/organizations') : Promise.resolve([])), []);
  const list = usePaged(
    (cursor) => api.get('/jobs', { ...filters, limit: 50, cursor }),
    [filters.status, filters.vessel_id, filters.organization_id, filters.q],
  );
  const [requesting, setRequesting] = useState(false);

  return html`<section>
    <${PageHead} title=${client ? t('nav.myJobs') : t('nav.jobs')}>
      ${client ? html`<button type="button" class="primary" onClick=${() => setRequesting(true)}>${t('jobs.request')}</button>` : null}
    <//>
    <form class="filters" role="search" aria-label=${t('jobs.filters')} onSubmit=${(e) => { e.preventDefault(); setQuery({ q: text.trim() }); }}>
      <${SelectField} label=${t('field.status')} value=${filters.status} onValue=${(v) => setQuery({ status: v })}
        placeholder=${t('jobs.anyStatus')} options=${STATUSES.map((s) => [s, t(`job.${s}`)])} />
      ${user.role !== 'technician' ? html`<${SelectField} label=${t('field.vessel')} value=${filters.vessel_id} onValue=${(v) => setQuery({ vessel_id: v })}
        placeholder=${t('jobs.anyVessel')} options=${(vessels.data || []).slice().sort((a, b) => a.name.localeCompare(b.name)).map((v) => [v.id, v.name])} />` : null}
      ${user.role === 'manager' ? html`<${SelectField} label=${t('field.organization')} value=${filters.organization_id}
        onValue=${(v) => setQuery({ organization_id: v })} placeholder=${t('jobs.anyClient')}
        options=${(orgs.data || []).map((o) => [o.id, `${o.name} (${o.country})`])} />` : null}
      <${TextField} label=${t('jobs.search')} type="search" value=${text} onValue=${setText} hint=${t('jobs.searchHint')} />
      <div class="buttons"><button type="submit">${t('action.search')}</button></div>
    </form>
    ${list.loading && !list.items.length ? html`<${Loading} />` : null}
    ${list.error ? html`<${Failure} error=${list.error} />` : null}
    ${!list.loading && !list.error && !list.items.length ? html`<p class="empty">${t('jobs.none')}</p>` : null}
    ${list.items.length ? html`<div class="table-wrap"><table class="list">
      <caption class="visually-hidden">${t('nav.jobs')}</caption>
      <thead><tr>
        <th scope="col">${t('field.number')}</th><th scope="col">${t('field.vessel')}</th><th scope="col">${t('field.title')}</th>
        <th scope="col">${t('field.status')}</th><th scope="col">${t('jobs.planned', { zone: yardZone() })}</th>
        <th scope="col" class="num">${t('job.progress')}</th><th scope="col" class="num">${t('job.quote')}</th>
      </tr></thead>
      <tbody>${list.items.map((j) => html`<tr key=${j.id}>
        <td><a href=${`/app/jobs/${j.id}`}>${j.number}</a></td>
        <td>${j.vessel.name}</td>
        <td>${j.title}</td>
        <td><${StatusBadge} status=${j.status} /></td>
        <td>${j.planned_start ? `${date(j.planned_start)} – ${date(j.planned_end)}` : html`<span class="muted">—</span>`}</td>
        <td class="num">${percent(j.progress_percent)}</td>
        <td class="num">${j.quote ? html`<${Money} amount=${j.quote.amount} currency=${j.quote.currency} />` : html`<span class="muted">—</span>`}</td>
      </tr>`)}</tbody>
    </table></div>` : null}
    <${MoreButton} cursor=${list.cursor} onMore=${list.loadMore} busy=${list.busy} />
    ${requesting ? html`<${RequestRepair} vessels=${vessels.data || []} onClose=${() => setRequesting(false)} />` : null}
  </section>`;
}

/** "Request a repair": a client asks the yard for a job on one of its vessels. */
function RequestRepair({ vessels, onClose }) {
  const [form, set] = useForm({ vessel_id: vessels.length === 1 ? vessels[0].id : '', title: '', description: '', priority: 'normal', requested_start: '' });
  const send = useSubmit(async () => {
    const job = await api.post('/jobs', {
      vessel_id: form.vessel_id || undefined,
      title: form.title,
      description: form.description,
      priority: form.priority,
      requested_start: form.requested_start ? iso(atYard(form.requested_start, '08:00')) : null,
    });
    navigate(`/app/jobs/${job.id}`);
  });
  return html`<${Dialog} title=${t('jobs.request')} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${SelectField} label=${t('field.vessel')} value=${form.vessel_id} onValue=${set('vessel_id')} placeholder=${t('form.choose')}
        options=${vessels.map((v) => [v.id, v.name])} error=${fieldError(send.error, 'vessel_id')} />
      <${TextField} label=${t('field.title')} value=${form.title} onValue=${set('title')} error=${fieldError(send.error, 'title')} />
      <${TextArea} label=${t('jobs.specification')} value=${form.description} onValue=${set('description')} rows="5"
        hint=${t('jobs.specificationHint')} error=${fieldError(send.error, 'description')} />
      <${SelectField} label=${t('field.priority')} value=${form.priority} onValue=${set('priority')}
        options=${PRIORITIES.map((p) => [p, t(`priority.${p}`)])} error=${fieldError(send.error, 'priority')} />
      <${TextField} label=${t('field.requested_start')} type="date" value=${form.requested_start} onValue=${set('requested_start')}
        optional error=${fieldError(send.error, 'requested_start')} />
      <div class="buttons">
        <button type="submit" class="primary" disabled=${send.busy}>${send.busy ? t('state.saving') : t('jobs.sendRequest')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button>
      </div>
    </form>
  <//>`;
}
