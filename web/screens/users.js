// Users (/app/users): every account of the yard and its clients; the manager creates
// accounts, renames them and deactivates them.
import { html, useState } from '../lib.js';
import { api, everything } from '../api.js';
import { t } from '../i18n.js';
import { date } from '../format.js';
import { setQuery, useLocation } from '../router.js';
import {
  CheckField, Dialog, ErrorSummary, Failure, Loading, MoreButton, Notice, PageHead, SelectField, TextField, fieldError,
  useAsync, useForm, usePaged, useSubmit, useTitle,
} from '../ui.js';

const ROLES = ['manager', 'technician', 'client'];

export function Users() {
  useTitle(t('nav.users'));
  const { query } = useLocation();
  const role = query.get('role') || '';
  const list = usePaged((cursor) => api.get('/users', { role, limit: 50, cursor }), [role]);
  const orgs = useAsync(() => everything('/organizations'), []);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState('');
  return html`<section>
    <${PageHead} title=${t('nav.users')}><button type="button" class="primary" onClick=${() => setEditing({})}>${t('users.add')}</button><//>
    <${Notice}>${notice}<//>
    <div class="filters">
      <${SelectField} label=${t('field.role')} value=${role} onValue=${(v) => setQuery({ role: v })} placeholder=${t('users.anyRole')}
        options=${ROLES.map((r) => [r, t(`role.${r}`)])} />
    </div>
    <${UserTable} list=${list} orgs=${orgs.data || []} onEdit=${setEditing} />
    ${editing ? html`<${UserDialog} user=${editing} orgs=${orgs.data || []} onClose=${() => setEditing(null)}
      onDone=${(u) => { setEditing(null); setNotice(t('state.savedNamed', { name: u.full_name })); list.reload(); }} />` : null}
  </section>`;
}

/** A paged table of users. */
export function UserTable({ list, orgs, onEdit }) {
  const orgName = (id) => orgs.find((o) => o.id === id)?.name || '';
  if (list.error) return html`<${Failure} error=${list.error} />`;
  if (list.loading && !list.items.length) return html`<${Loading} />`;
  if (!list.items.length) return html`<p class="empty">${t('users.none')}</p>`;
  return html`<div class="table-wrap"><table class="list">
      <caption class="visually-hidden">${t('nav.users')}</caption>
      <thead><tr><th scope="col">${t('field.full_name')}</th><th scope="col">${t('field.email')}</th><th scope="col">${t('field.role')}</th>
        <th scope="col">${t('field.organization')}</th><th scope="col">${t('users.state')}</th><th scope="col">${t('users.since')}</th>
        <th scope="col"><span class="visually-hidden">${t('field.actions')}</span></th></tr></thead>
      <tbody>${list.items.map((u) => html`<tr key=${u.id} class=${u.active ? '' : 'inactive'}>
        <td><strong>${u.full_name}</strong></td><td>${u.email}</td><td>${t(`role.${u.role}`)}</td>
        <td>${u.organization_id ? orgName(u.organization_id) : html`<span class="muted">—</span>`}</td>
        <td>${u.active ? t('users.active') : t('users.inactive')}</td><td>${date(u.created_at)}</td>
        <td class="row-actions"><button type="button" class="small" onClick=${() => onEdit(u)} aria-label=${t('users.editNamed', { name: u.full_name })}>${t('action.edit')}</button></td>
      </tr>`)}</tbody>
    </table></div>
    <${MoreButton} cursor=${list.cursor} onMore=${list.loadMore} busy=${list.busy} />`;
}

/** Create an account (new) or rename / (de)activate one. */
export function UserDialog({ user, orgs, onClose, onDone, fixedOrg }) {
  const isNew = !user.id;
  const [f, set] = useForm({
    email: user.email || '', full_name: user.full_name || '', password: '', role: user.role || (fixedOrg ? 'client' : 'technician'),
    organization_id: user.organization_id || fixedOrg || '', active: user.active ?? true,
  });
  const send = useSubmit(async () => {
    const saved = isNew
      ? await api.post('/users', {
        email: f.email.trim(), full_name: f.full_name, password: f.password, role: f.role,
        organization_id: f.role === 'client' ? f.organization_id || undefined : undefined,
      })
      : await api.patch(`/users/${user.id}`, { full_name: f.full_name, active: f.active });
    onDone(saved);
  });
  const e = send.error;
  return html`<${Dialog} title=${isNew ? t('users.add') : t('users.editNamed', { name: user.full_name })} onClose=${onClose}>
    <${ErrorSummary} error=${e} />
    <form onSubmit=${(ev) => { ev.preventDefault(); send.run(); }}>
      <${TextField} label=${t('field.full_name')} value=${f.full_name} onValue=${set('full_name')} error=${fieldError(e, 'full_name')} />
      ${isNew ? html`
        <${TextField} label=${t('field.email')} type="email" value=${f.email} onValue=${set('email')} error=${fieldError(e, 'email')} autocomplete="off" />
        <${TextField} label=${t('users.firstPassword')} type="password" value=${f.password} onValue=${set('password')} hint=${t('users.passwordHint')}
          error=${fieldError(e, 'password')} autocomplete="new-password" />
        ${fixedOrg ? null : html`<${SelectField} label=${t('field.role')} value=${f.role} onValue=${set('role')} options=${ROLES.map((r) => [r, t(`role.${r}`)])} error=${fieldError(e, 'role')} />`}
        ${f.role === 'client' && !fixedOrg ? html`<${SelectField} label=${t('field.organization')} value=${f.organization_id} onValue=${set('organization_id')}
          placeholder=${t('form.choose')} options=${orgs.map((o) => [o.id, o.name])} error=${fieldError(e, 'organization_id')} />` : null}
      ` : html`<${CheckField} label=${t('users.mayLogIn')} checked=${f.active} onValue=${set('active')} hint=${t('users.deactivateHint')} />`}
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}
