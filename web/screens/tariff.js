// The tariff (/app/tariff): the yard's price list and its surcharges, which spec items
// and variations are priced from. Everyone signed in reads it; the manager adds items,
// changes prices (lines priced before keep theirs) and adds surcharges.
import { html, useState } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { amount, date } from '../format.js';
import {
  FormDialog, Loaded, Money, MoreButton, Notice, PageHead, SelectField, TextField, binder, useAsync, useForm, usePaged,
  useSubmit, useTitle,
} from '../ui.js';
import { UNITS } from './job/pricing.js';

const GROUPS = ['1', '2', '3', '4', '5', '6', '7', '8'];

export function Tariff({ user }) {
  useTitle(t('nav.tariff'));
  const manager = user.role === 'manager';
  const [q, setQ] = useState('');
  const [group, setGroup] = useState('');
  const [search, setSearch] = useState({ q: '', group: '' });
  const items = usePaged((cursor) => api.get('/tariff-items', { q: search.q || undefined, sfi_group: search.group || undefined, limit: 50, cursor }), [search.q, search.group]);
  const surcharges = useAsync(() => api.get('/tariff-modifiers', { limit: 200 }), []);
  const [editing, setEditing] = useState(null);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');
  return html`<section>
    <${PageHead} title=${t('nav.tariff')} sub=${t('tariff.sub')}>
      ${manager ? html`<button type="button" class="primary" onClick=${() => setEditing({})}>${t('tariff.add')}</button>` : null}
    <//>
    <${Notice}>${notice}<//>
    <form class="filters" role="search" aria-label=${t('tariff.filters')} onSubmit=${(e) => { e.preventDefault(); setSearch({ q: q.trim(), group }); }}>
      <${TextField} label=${t('tariff.search')} type="search" value=${q} onValue=${setQ} />
      <${SelectField} label=${t('tariff.group')} value=${group} onValue=${(g) => { setGroup(g); setSearch({ q: q.trim(), group: g }); }}
        placeholder=${t('tariff.anyGroup')} options=${GROUPS.map((g) => [g, `${g} · ${t(`sfi.${g}`)}`])} />
      <div class="buttons"><button type="submit">${t('action.search')}</button></div>
    </form>
    <${Loaded} state=${{ data: items.loading && !items.items.length ? undefined : items.items, error: items.error }}>${(rows) => (rows.length
      ? html`<div class="table-wrap"><table class="list">
        <caption class="visually-hidden">${t('nav.tariff')}</caption>
        <thead><tr><th scope="col">${t('tariff.code')}</th><th scope="col">${t('field.description')}</th><th scope="col">SFI</th>
          <th scope="col">${t('price.unit')}</th><th scope="col" class="num">${t('tariff.unitPrice')}</th>
          <th scope="col">${t('tariff.changed')}</th>${manager ? html`<th scope="col"><span class="visually-hidden">${t('field.actions')}</span></th>` : null}</tr></thead>
        <tbody>${rows.map((x) => html`<tr key=${x.id}>
          <td><strong>${x.code}</strong></td><td><bdi>${x.description}</bdi></td><td>${x.sfi_code || '—'}</td><td>${t(`unit.${x.unit}`)}</td>
          <td class="num"><${Money} value=${x.unit_price} /></td><td>${date(x.updated_at)}</td>
          ${manager ? html`<td class="row-actions"><button type="button" class="small" onClick=${() => setEditing(x)}
            aria-label=${t('tariff.editNamed', { code: x.code })}>${t('action.edit')}</button></td>` : null}
        </tr>`)}</tbody>
      </table></div>`
      : html`<p class="empty">${t('tariff.none')}</p>`)}<//>
    <${MoreButton} cursor=${items.cursor} onMore=${items.loadMore} busy=${items.busy} />
    <section class="card" aria-labelledby="surcharges-h">
      <h2 id="surcharges-h">${t('tariff.surcharges')}</h2>
      <${Loaded} state=${surcharges}>${(page) => html`<ul class="plain">${page.items.map((m) => html`<li key=${m.id}>
        <strong>${m.code}</strong> · <bdi>${m.description}</bdi> · ${Number(m.percent) > 0 ? '+' : ''}${amount(m.percent)} %</li>`)}</ul>`}<//>
      ${manager ? html`<button type="button" onClick=${() => setAdding(true)}>${t('tariff.addSurcharge')}</button>` : null}
    </section>
    ${editing ? html`<${ItemDialog} item=${editing} onClose=${() => setEditing(null)}
      onDone=${(x) => { setEditing(null); setNotice(t('state.savedNamed', { name: x.code })); items.reload(); }} />` : null}
    ${adding ? html`<${SurchargeDialog} onClose=${() => setAdding(false)}
      onDone=${(m) => { setAdding(false); setNotice(t('state.savedNamed', { name: m.code })); surcharges.reload(); }} />` : null}
  </section>`;
}

function ItemDialog({ item, onClose, onDone }) {
  const isNew = !item.id;
  const [form, set] = useForm({
    code: item.code || '', description: item.description || '', unit: item.unit || 't',
    amount: item.unit_price?.amount || '', currency: item.unit_price?.currency || 'USD', sfi_code: item.sfi_code || '',
  });
  const send = useSubmit(async () => {
    const unit_price = { amount: form.amount.trim(), currency: form.currency.trim().toUpperCase() };
    const body = { description: form.description, unit: form.unit, unit_price, sfi_code: form.sfi_code.trim() || null };
    onDone(isNew ? await api.post('/tariff-items', { code: form.code.trim(), ...body }) : await api.patch(`/tariff-items/${item.id}`, body));
  });
  const field = binder(form, set, send.error);
  return html`<${FormDialog} title=${isNew ? t('tariff.add') : t('tariff.editNamed', { code: item.code })} onClose=${onClose}
      send=${send} submitLabel=${t('action.save')} sub=${isNew ? null : t('tariff.priceNote')}>
    ${isNew ? html`<${TextField} label=${t('tariff.code')} ...${field('code')} hint=${t('tariff.codeHint')} />` : null}
    <${TextField} label=${t('field.description')} ...${field('description')} />
    <div class="pair">
      <${SelectField} label=${t('price.unit')} ...${field('unit')} options=${UNITS.map((u) => [u, t(`unit.${u}`)])} />
      <${TextField} label=${t('spec.sfiCode')} ...${field('sfi_code')} optional inputmode="numeric" />
    </div>
    <div class="pair">
      <${TextField} label=${t('tariff.unitPrice')} ...${field('amount', 'unit_price.amount')} inputmode="decimal" />
      <${TextField} label=${t('field.currency')} ...${field('currency', 'unit_price.currency')} maxlength="3" />
    </div>
  <//>`;
}

function SurchargeDialog({ onClose, onDone }) {
  const [form, set] = useForm({ code: '', description: '', percent: '' });
  const send = useSubmit(async () => onDone(await api.post('/tariff-modifiers', {
    code: form.code.trim(), description: form.description, percent: form.percent.trim(),
  })));
  const field = binder(form, set, send.error);
  return html`<${FormDialog} title=${t('tariff.addSurcharge')} onClose=${onClose} send=${send} submitLabel=${t('action.save')}>
    <${TextField} label=${t('tariff.code')} ...${field('code')} hint=${t('tariff.codeHint')} />
    <${TextField} label=${t('field.description')} ...${field('description')} />
    <${TextField} label=${t('tariff.percent')} ...${field('percent')} inputmode="decimal" hint=${t('tariff.percentHint')} />
  <//>`;
}
