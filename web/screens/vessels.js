// Vessels (/app/vessels): the manager's register of every vessel (create, edit), and a
// client's fleet ("My fleet"), each vessel leading to its jobs.
import { html, useState } from '../lib.js';
import { api, everything } from '../api.js';
import { t } from '../i18n.js';
import { number } from '../format.js';
import { setQuery, useLocation } from '../router.js';
import {
  Dialog, ErrorSummary, Failure, Loading, MoreButton, Notice, PageHead, SelectField, TextField, fieldError, useAsync,
  useForm, usePaged, useSubmit, useTitle,
} from '../ui.js';

export const VESSEL_TYPES = ['bulk_carrier', 'tanker', 'container_ship', 'general_cargo', 'ro_ro', 'passenger', 'fishing', 'research', 'offshore', 'tug', 'other'];

export function Vessels({ user }) {
  const manager = user.role === 'manager';
  useTitle(manager ? t('nav.vessels') : t('nav.myFleet'));
  const { query } = useLocation();
  const filters = { q: query.get('q') || '', vessel_type: query.get('vessel_type') || '' };
  const [text, setText] = useState(filters.q);
  const list = usePaged((cursor) => api.get('/vessels', { ...filters, limit: 50, cursor }), [filters.q, filters.vessel_type]);
  const orgs = useAsync(() => (manager ? everything('/organizations') : Promise.resolve([])), []);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState('');
  const owner = (id) => orgs.data?.find((o) => o.id === id)?.name || '';
  return html`<section>
    <${PageHead} title=${manager ? t('nav.vessels') : t('nav.myFleet')}>
      ${manager ? html`<button type="button" class="primary" onClick=${() => setEditing({})}>${t('vessels.add')}</button>` : null}
    <//>
    <${Notice}>${notice}<//>
    <form class="filters" role="search" aria-label=${t('vessels.filters')} onSubmit=${(e) => { e.preventDefault(); setQuery({ q: text.trim() }); }}>
      <${TextField} label=${t('vessels.search')} type="search" value=${text} onValue=${setText} />
      <${SelectField} label=${t('field.vessel_type')} value=${filters.vessel_type} onValue=${(v) => setQuery({ vessel_type: v })}
        placeholder=${t('vessels.anyType')} options=${VESSEL_TYPES.map((v) => [v, t(`vesselType.${v}`)])} />
      <div class="buttons"><button type="submit">${t('action.search')}</button></div>
    </form>
    ${list.loading && !list.items.length ? html`<${Loading} />` : null}
    ${list.error ? html`<${Failure} error=${list.error} />` : null}
    ${!list.loading && !list.items.length && !list.error ? html`<p class="empty">${t('vessels.none')}</p>` : null}
    ${list.items.length ? html`<div class="table-wrap"><table class="list">
      <caption class="visually-hidden">${t('nav.vessels')}</caption>
      <thead><tr><th scope="col">${t('field.name')}</th><th scope="col">IMO</th><th scope="col">${t('field.vessel_type')}</th>
        <th scope="col">${t('field.flag')}</th>${manager ? html`<th scope="col">${t('field.owner')}</th>` : null}
        <th scope="col" class="num">${t('vessels.dimensions')}</th><th scope="col" class="num">${t('field.gross_tonnage')}</th>
        <th scope="col"><span class="visually-hidden">${t('field.actions')}</span></th></tr></thead>
      <tbody>${list.items.map((v) => html`<tr key=${v.id}>
        <td><strong>${v.name}</strong></td><td>${v.imo_number || html`<span class="muted">—</span>`}</td>
        <td>${t(`vesselType.${v.vessel_type}`)}</td><td>${v.flag}</td>
        ${manager ? html`<td>${owner(v.owner_organization_id)}</td>` : null}
        <td class="num">${number(v.length_overall_m)} × ${number(v.beam_m)} × ${number(v.draft_m)} m</td>
        <td class="num">${number(v.gross_tonnage, 0)} t</td>
        <td class="row-actions"><a href=${`/app/jobs?vessel_id=${v.id}`}>${t('vessels.jobs')}</a>
          ${manager ? html`<button type="button" class="small" onClick=${() => setEditing(v)} aria-label=${t('vessels.editNamed', { name: v.name })}>${t('action.edit')}</button>` : null}</td>
      </tr>`)}</tbody>
    </table></div>` : null}
    <${MoreButton} cursor=${list.cursor} onMore=${list.loadMore} busy=${list.busy} />
    ${editing ? html`<${VesselDialog} vessel=${editing} orgs=${orgs.data || []} onClose=${() => setEditing(null)}
      onDone=${(v) => { setEditing(null); setNotice(t('state.savedNamed', { name: v.name })); list.reload(); }} />` : null}
  </section>`;
}

const num = (v) => (v === '' || v === null || v === undefined ? null : Number(v));
const text = (v) => (v === null || v === undefined ? '' : String(v));

function VesselDialog({ vessel, orgs, onClose, onDone }) {
  const isNew = !vessel.id;
  const [f, set] = useForm({
    imo_number: text(vessel.imo_number), name: text(vessel.name), vessel_type: vessel.vessel_type || 'bulk_carrier', flag: text(vessel.flag),
    owner_organization_id: vessel.owner_organization_id || '', gross_tonnage: text(vessel.gross_tonnage), length_overall_m: text(vessel.length_overall_m),
    beam_m: text(vessel.beam_m), draft_m: text(vessel.draft_m), lightweight_t: text(vessel.lightweight_t), year_built: text(vessel.year_built),
    class_society: text(vessel.class_society),
  });
  const send = useSubmit(async () => {
    const body = {
      imo_number: f.imo_number.trim() || null, name: f.name, vessel_type: f.vessel_type, flag: f.flag.trim().toUpperCase(),
      owner_organization_id: f.owner_organization_id || undefined, gross_tonnage: num(f.gross_tonnage) ?? undefined,
      length_overall_m: num(f.length_overall_m) ?? undefined, beam_m: num(f.beam_m) ?? undefined, draft_m: num(f.draft_m) ?? undefined,
      lightweight_t: num(f.lightweight_t), year_built: num(f.year_built), class_society: f.class_society.trim() || null,
    };
    const saved = isNew ? await api.post('/vessels', body) : await api.patch(`/vessels/${vessel.id}`, body);
    onDone(saved);
  });
  const e = send.error;
  return html`<${Dialog} title=${isNew ? t('vessels.add') : t('vessels.editNamed', { name: vessel.name })} onClose=${onClose} wide>
    <${ErrorSummary} error=${e} />
    <form onSubmit=${(ev) => { ev.preventDefault(); send.run(); }} class="grid-form">
      <${TextField} label=${t('field.name')} value=${f.name} onValue=${set('name')} error=${fieldError(e, 'name')} />
      <${TextField} label=${t('field.imo_number')} value=${f.imo_number} onValue=${set('imo_number')} optional hint=${t('vessels.imoHint')} error=${fieldError(e, 'imo_number')} />
      <${SelectField} label=${t('field.vessel_type')} value=${f.vessel_type} onValue=${set('vessel_type')} options=${VESSEL_TYPES.map((v) => [v, t(`vesselType.${v}`)])} />
      <${TextField} label=${t('field.flag')} value=${f.flag} onValue=${set('flag')} hint=${t('form.countryHint')} maxlength="2" error=${fieldError(e, 'flag')} />
      <${SelectField} label=${t('field.owner')} value=${f.owner_organization_id} onValue=${set('owner_organization_id')} placeholder=${t('form.choose')}
        options=${orgs.map((o) => [o.id, `${o.name} (${o.country})`])} error=${fieldError(e, 'owner_organization_id')} />
      <${TextField} label=${t('field.gross_tonnage')} type="number" min="0" step="any" value=${f.gross_tonnage} onValue=${set('gross_tonnage')} error=${fieldError(e, 'gross_tonnage')} />
      <${TextField} label=${t('field.length_overall_m')} type="number" min="0" step="any" value=${f.length_overall_m} onValue=${set('length_overall_m')} error=${fieldError(e, 'length_overall_m')} />
      <${TextField} label=${t('field.beam_m')} type="number" min="0" step="any" value=${f.beam_m} onValue=${set('beam_m')} error=${fieldError(e, 'beam_m')} />
      <${TextField} label=${t('field.draft_m')} type="number" min="0" step="any" value=${f.draft_m} onValue=${set('draft_m')} error=${fieldError(e, 'draft_m')} />
      <${TextField} label=${t('field.lightweight_t')} type="number" min="0" step="any" value=${f.lightweight_t} onValue=${set('lightweight_t')} optional error=${fieldError(e, 'lightweight_t')} />
      <${TextField} label=${t('field.year_built')} type="number" min="1800" step="1" value=${f.year_built} onValue=${set('year_built')} optional error=${fieldError(e, 'year_built')} />
      <${TextField} label=${t('field.class_society')} value=${f.class_society} onValue=${set('class_society')} optional error=${fieldError(e, 'class_society')} />
      <div class="buttons span"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}
