// Clients (/app/clients): the shipowners and ship managers the yard works for, each with
// its users; the manager adds and edits organisations and their users.
import { html, useState } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import {
  Dialog, ErrorSummary, Failure, Loading, MoreButton, Notice, PageHead, TextField, fieldError, useForm, usePaged,
  useSubmit, useTitle,
} from '../ui.js';
import { UserDialog, UserTable } from './users.js';

export function Clients() {
  useTitle(t('nav.clients'));
  const list = usePaged((cursor) => api.get('/organizations', { limit: 50, cursor }), []);
  const [editing, setEditing] = useState(null);
  const [open, setOpen] = useState(null);
  const [notice, setNotice] = useState('');
  return html`<section>
    <${PageHead} title=${t('nav.clients')}><button type="button" class="primary" onClick=${() => setEditing({})}>${t('clients.add')}</button><//>
    <${Notice}>${notice}<//>
    ${list.error ? html`<${Failure} error=${list.error} />` : null}
    ${list.loading && !list.items.length ? html`<${Loading} />` : null}
    ${list.items.length ? html`<div class="table-wrap"><table class="list">
      <caption class="visually-hidden">${t('nav.clients')}</caption>
      <thead><tr><th scope="col">${t('field.name')}</th><th scope="col">${t('field.country')}</th>
        <th scope="col"><span class="visually-hidden">${t('field.actions')}</span></th></tr></thead>
      <tbody>${list.items.map((o) => html`<tr key=${o.id}>
        <td><strong>${o.name}</strong></td><td>${o.country}</td>
        <td class="row-actions">
          <a href=${`/app/jobs?organization_id=${o.id}`}>${t('clients.jobs')}</a>
          <button type="button" class="small" onClick=${() => setOpen(o)} aria-label=${t('clients.usersOf', { name: o.name })}>${t('clients.users')}</button>
          <button type="button" class="small" onClick=${() => setEditing(o)} aria-label=${t('clients.editNamed', { name: o.name })}>${t('action.edit')}</button>
        </td>
      </tr>`)}</tbody>
    </table></div>` : null}
    <${MoreButton} cursor=${list.cursor} onMore=${list.loadMore} busy=${list.busy} />
    ${editing ? html`<${OrgDialog} org=${editing} onClose=${() => setEditing(null)}
      onDone=${(o) => { setEditing(null); setNotice(t('state.savedNamed', { name: o.name })); list.reload(); }} />` : null}
    ${open ? html`<${OrgUsers} org=${open} onClose=${() => setOpen(null)} />` : null}
  </section>`;
}

function OrgDialog({ org, onClose, onDone }) {
  const isNew = !org.id;
  const [f, set] = useForm({ name: org.name || '', country: org.country || '' });
  const send = useSubmit(async () => {
    const body = { name: f.name, country: f.country.trim().toUpperCase() };
    onDone(isNew ? await api.post('/organizations', body) : await api.patch(`/organizations/${org.id}`, body));
  });
  return html`<${Dialog} title=${isNew ? t('clients.add') : t('clients.editNamed', { name: org.name })} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${TextField} label=${t('field.name')} value=${f.name} onValue=${set('name')} error=${fieldError(send.error, 'name')} />
      <${TextField} label=${t('field.country')} value=${f.country} onValue=${set('country')} maxlength="2" hint=${t('form.countryHint')} error=${fieldError(send.error, 'country')} />
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function OrgUsers({ org, onClose }) {
  const list = usePaged((cursor) => api.get('/users', { organization_id: org.id, limit: 50, cursor }), [org.id]);
  const [editing, setEditing] = useState(null);
  return html`<${Dialog} title=${t('clients.usersOf', { name: org.name })} onClose=${onClose} wide>
    <div class="buttons"><button type="button" class="primary" onClick=${() => setEditing({})}>${t('clients.addUser')}</button></div>
    <${UserTable} list=${list} orgs=${[org]} onEdit=${setEditing} />
    ${editing ? html`<${UserDialog} user=${editing} orgs=${[org]} fixedOrg=${org.id} onClose=${() => setEditing(null)}
      onDone=${() => { setEditing(null); list.reload(); }} />` : null}
  <//>`;
}
