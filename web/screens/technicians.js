// Technicians (/app/technicians): the yard's certified workforce, their trades and
// certificates, and the certification types; a technician's page (/app/technicians/<id>)
// lists and adds their certificates.
import { html, useState } from '../lib.js';
import { api, everything } from '../api.js';
import { t } from '../i18n.js';
import { calendarDate } from '../format.js';
import { setQuery, useLocation } from '../router.js';
import {
  Dialog, ErrorSummary, Failure, Loading, MoreButton, Notice, PageHead, SelectField, TextField, fieldError, useAsync,
  useForm, usePaged, useSubmit, useTitle,
} from '../ui.js';

export const TRADES = ['welder', 'fitter', 'pipefitter', 'electrician', 'machinist', 'painter', 'ndt_inspector', 'rigger', 'other'];

export function Technicians() {
  useTitle(t('nav.technicians'));
  const { query } = useLocation();
  const filters = { trade: query.get('trade') || '', certified_for: query.get('certified_for') || '' };
  const list = usePaged((cursor) => api.get('/technicians', { ...filters, limit: 50, cursor }), [filters.trade, filters.certified_for]);
  const types = useAsync(() => everything('/certification-types'), []);
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState('');
  return html`<section>
    <${PageHead} title=${t('nav.technicians')}>
      <button type="button" class="primary" onClick=${() => setDialog('technician')}>${t('techs.add')}</button>
      <button type="button" onClick=${() => setDialog('type')}>${t('techs.addType')}</button>
    <//>
    <${Notice}>${notice}<//>
    <div class="filters">
      <${SelectField} label=${t('field.trade')} value=${filters.trade} onValue=${(v) => setQuery({ trade: v })} placeholder=${t('techs.anyTrade')}
        options=${TRADES.map((x) => [x, t(`trade.${x}`)])} />
      <${SelectField} label=${t('techs.certifiedFor')} value=${filters.certified_for} onValue=${(v) => setQuery({ certified_for: v })}
        placeholder=${t('techs.anyCertificate')} options=${(types.data || []).map((c) => [c.code, `${c.code} · ${c.name}`])} />
    </div>
    ${list.error ? html`<${Failure} error=${list.error} />` : null}
    ${list.loading && !list.items.length ? html`<${Loading} />` : null}
    ${!list.loading && !list.items.length && !list.error ? html`<p class="empty">${t('techs.none')}</p>` : null}
    ${list.items.length ? html`<div class="table-wrap"><table class="list">
      <caption class="visually-hidden">${t('nav.technicians')}</caption>
      <thead><tr><th scope="col">${t('field.full_name')}</th><th scope="col">${t('field.trade')}</th><th scope="col">${t('field.employee_number')}</th>
        <th scope="col">${t('field.email')}</th><th scope="col">${t('users.state')}</th></tr></thead>
      <tbody>${list.items.map((x) => html`<tr key=${x.id}>
        <td><a href=${`/app/technicians/${x.id}`}>${x.full_name}</a></td><td>${t(`trade.${x.trade}`)}</td>
        <td>${x.employee_number || html`<span class="muted">—</span>`}</td><td>${x.email}</td>
        <td>${x.active ? t('users.active') : t('users.inactive')}</td>
      </tr>`)}</tbody>
    </table></div>` : null}
    <${MoreButton} cursor=${list.cursor} onMore=${list.loadMore} busy=${list.busy} />
    ${types.data?.length ? html`<section class="card" aria-labelledby="types-h"><h2 id="types-h">${t('techs.types')}</h2>
      <ul class="plain">${types.data.map((c) => html`<li><strong>${c.code}</strong> · ${c.name}${c.description ? html` <span class="muted">· ${c.description}</span>` : null}</li>`)}</ul>
    </section>` : null}
    ${dialog === 'technician' ? html`<${NewTechnician} onClose=${() => setDialog(null)}
      onDone=${(x) => { setDialog(null); setNotice(t('state.savedNamed', { name: x.full_name })); list.reload(); }} />` : null}
    ${dialog === 'type' ? html`<${NewType} onClose=${() => setDialog(null)}
      onDone=${(c) => { setDialog(null); setNotice(t('state.savedNamed', { name: c.code })); types.reload(); }} />` : null}
  </section>`;
}

function NewTechnician({ onClose, onDone }) {
  const users = useAsync(() => everything('/users', { role: 'technician' }), []);
  const existing = useAsync(() => everything('/technicians'), []);
  const [f, set] = useForm({ user_id: '', trade: 'welder', employee_number: '' });
  const send = useSubmit(async () => onDone(await api.post('/technicians', {
    user_id: f.user_id || undefined, trade: f.trade, employee_number: f.employee_number.trim() || null,
  })));
  const taken = new Set((existing.data || []).map((x) => x.user_id));
  const free = (users.data || []).filter((u) => !taken.has(u.id) && u.active);
  return html`<${Dialog} title=${t('techs.add')} onClose=${onClose}>
    <p class="sub">${t('techs.addHint')}</p>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${SelectField} label=${t('techs.account')} value=${f.user_id} onValue=${set('user_id')} placeholder=${free.length ? t('form.choose') : t('techs.noAccount')}
        options=${free.map((u) => [u.id, `${u.full_name} <${u.email}>`])} error=${fieldError(send.error, 'user_id')} />
      <${SelectField} label=${t('field.trade')} value=${f.trade} onValue=${set('trade')} options=${TRADES.map((x) => [x, t(`trade.${x}`)])} />
      <${TextField} label=${t('field.employee_number')} value=${f.employee_number} onValue=${set('employee_number')} optional error=${fieldError(send.error, 'employee_number')} />
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function NewType({ onClose, onDone }) {
  const [f, set] = useForm({ code: '', name: '', description: '' });
  const send = useSubmit(async () => onDone(await api.post('/certification-types', {
    code: f.code.trim(), name: f.name, description: f.description.trim() || null,
  })));
  return html`<${Dialog} title=${t('techs.addType')} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${TextField} label=${t('field.code')} value=${f.code} onValue=${set('code')} hint=${t('techs.codeHint')} error=${fieldError(send.error, 'code')} />
      <${TextField} label=${t('field.name')} value=${f.name} onValue=${set('name')} error=${fieldError(send.error, 'name')} />
      <${TextField} label=${t('field.description')} value=${f.description} onValue=${set('description')} optional error=${fieldError(send.error, 'description')} />
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

export function TechnicianPage({ params }) {
  const tech = useAsync(() => api.get(`/technicians/${params.id}`), [params.id]);
  const certs = useAsync(() => everything(`/technicians/${params.id}/certifications`), [params.id]);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState('');
  useTitle(tech.data?.full_name || t('nav.technicians'));
  if (tech.error) return html`<${Failure} error=${tech.error} />`;
  if (!tech.data) return html`<${Loading} />`;
  const x = tech.data;
  return html`<section>
    <p><a href="/app/technicians">← ${t('nav.technicians')}</a></p>
    <${PageHead} title=${x.full_name} sub=${`${t(`trade.${x.trade}`)}${x.employee_number ? ` · ${x.employee_number}` : ''} · ${x.email}`}>
      <button type="button" onClick=${() => setEditing(true)}>${t('action.edit')}</button>
      <button type="button" class="primary" onClick=${() => setAdding(true)}>${t('techs.addCertificate')}</button>
    <//>
    <${Notice}>${notice}<//>
    <section class="card" aria-labelledby="certs-h"><h2 id="certs-h">${t('techs.certificates')}</h2>
      ${certs.error ? html`<${Failure} error=${certs.error} />` : null}
      ${certs.data && !certs.data.length ? html`<p class="muted">${t('techs.noCertificates')}</p>` : null}
      ${certs.data?.length ? html`<table class="list compact"><caption class="visually-hidden">${t('techs.certificates')}</caption>
        <thead><tr><th scope="col">${t('field.certification_type')}</th><th scope="col">${t('field.certificate_number')}</th>
          <th scope="col">${t('field.issued_by')}</th><th scope="col">${t('field.issued_on')}</th><th scope="col">${t('field.expires_on')}</th></tr></thead>
        <tbody>${certs.data.map((c) => html`<tr><td><strong>${c.certification_type}</strong></td><td>${c.certificate_number}</td><td>${c.issued_by}</td>
          <td>${calendarDate(c.issued_on)}</td><td>${calendarDate(c.expires_on)}</td></tr>`)}</tbody></table>` : null}
    </section>
    ${adding ? html`<${NewCertificate} technician=${x} onClose=${() => setAdding(false)}
      onDone=${(c) => { setAdding(false); setNotice(t('state.savedNamed', { name: c.certificate_number })); certs.reload(); }} />` : null}
    ${editing ? html`<${EditTechnician} technician=${x} onClose=${() => setEditing(false)}
      onDone=${() => { setEditing(false); setNotice(t('state.saved')); tech.reload(); }} />` : null}
  </section>`;
}

function EditTechnician({ technician, onClose, onDone }) {
  const [f, set] = useForm({ trade: technician.trade, employee_number: technician.employee_number || '' });
  const send = useSubmit(async () => onDone(await api.patch(`/technicians/${technician.id}`, {
    trade: f.trade, employee_number: f.employee_number.trim() || null,
  })));
  return html`<${Dialog} title=${technician.full_name} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${SelectField} label=${t('field.trade')} value=${f.trade} onValue=${set('trade')} options=${TRADES.map((x) => [x, t(`trade.${x}`)])} />
      <${TextField} label=${t('field.employee_number')} value=${f.employee_number} onValue=${set('employee_number')} optional error=${fieldError(send.error, 'employee_number')} />
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function NewCertificate({ technician, onClose, onDone }) {
  const types = useAsync(() => everything('/certification-types'), []);
  const [f, set] = useForm({ certification_type: '', certificate_number: '', issued_by: '', issued_on: '', expires_on: '' });
  const send = useSubmit(async () => onDone(await api.post(`/technicians/${technician.id}/certifications`, {
    certification_type: f.certification_type || undefined, certificate_number: f.certificate_number, issued_by: f.issued_by,
    issued_on: f.issued_on || undefined, expires_on: f.expires_on || undefined,
  })));
  const e = send.error;
  return html`<${Dialog} title=${t('techs.addCertificateFor', { name: technician.full_name })} onClose=${onClose}>
    <${ErrorSummary} error=${e} />
    <form onSubmit=${(ev) => { ev.preventDefault(); send.run(); }}>
      <${SelectField} label=${t('field.certification_type')} value=${f.certification_type} onValue=${set('certification_type')} placeholder=${t('form.choose')}
        options=${(types.data || []).map((c) => [c.code, `${c.code} · ${c.name}`])} error=${fieldError(e, 'certification_type')} />
      <${TextField} label=${t('field.certificate_number')} value=${f.certificate_number} onValue=${set('certificate_number')} error=${fieldError(e, 'certificate_number')} />
      <${TextField} label=${t('field.issued_by')} value=${f.issued_by} onValue=${set('issued_by')} error=${fieldError(e, 'issued_by')} />
      <div class="pair">
        <${TextField} label=${t('field.issued_on')} type="date" value=${f.issued_on} onValue=${set('issued_on')} error=${fieldError(e, 'issued_on')} />
        <${TextField} label=${t('field.expires_on')} type="date" value=${f.expires_on} onValue=${set('expires_on')} error=${fieldError(e, 'expires_on')} />
      </div>
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}
