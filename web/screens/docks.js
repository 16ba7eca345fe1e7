// Docks (/app/docks): the yard's docks with their limits (what fits is the API's rule);
// the manager adds and edits them.
import { html, useState } from '../lib.js';
import { api, everything } from '../api.js';
import { t } from '../i18n.js';
import { number } from '../format.js';
import {
  Dialog, ErrorSummary, Failure, Loading, Notice, PageHead, SelectField, TextField, fieldError, useAsync, useForm,
  useSubmit, useTitle,
} from '../ui.js';

const KINDS = ['graving_dock', 'floating_dock', 'slipway', 'repair_berth'];

export function Docks() {
  useTitle(t('nav.docks'));
  const docks = useAsync(() => everything('/docks'), []);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState('');
  return html`<section>
    <${PageHead} title=${t('nav.docks')}><button type="button" class="primary" onClick=${() => setEditing({})}>${t('docks.add')}</button><//>
    <${Notice}>${notice}<//>
    ${docks.error ? html`<${Failure} error=${docks.error} />` : null}
    ${!docks.data ? (docks.error ? null : html`<${Loading} />`) : html`<div class="table-wrap"><table class="list">
      <caption class="visually-hidden">${t('nav.docks')}</caption>
      <thead><tr><th scope="col">${t('field.name')}</th><th scope="col">${t('field.kind')}</th>
        <th scope="col" class="num">${t('field.max_length_m')}</th><th scope="col" class="num">${t('field.max_beam_m')}</th>
        <th scope="col" class="num">${t('field.max_draft_m')}</th><th scope="col" class="num">${t('field.lifting_capacity_t')}</th>
        <th scope="col"><span class="visually-hidden">${t('field.actions')}</span></th></tr></thead>
      <tbody>${docks.data.map((d) => html`<tr key=${d.id}>
        <td><strong>${d.name}</strong></td><td>${t(`dockKind.${d.kind}`)}</td>
        <td class="num">${number(d.max_length_m)} m</td><td class="num">${number(d.max_beam_m)} m</td><td class="num">${number(d.max_draft_m)} m</td>
        <td class="num">${d.lifting_capacity_t ? `${number(d.lifting_capacity_t, 0)} t` : html`<span class="muted">—</span>`}</td>
        <td class="row-actions"><button type="button" class="small" onClick=${() => setEditing(d)} aria-label=${t('docks.editNamed', { name: d.name })}>${t('action.edit')}</button></td>
      </tr>`)}</tbody>
    </table></div>`}
    ${editing ? html`<${DockDialog} dock=${editing} onClose=${() => setEditing(null)}
      onDone=${(d) => { setEditing(null); setNotice(t('state.savedNamed', { name: d.name })); docks.reload(); }} />` : null}
  </section>`;
}

const num = (v) => (v === '' ? null : Number(v));
const str = (v) => (v === null || v === undefined ? '' : String(v));

function DockDialog({ dock, onClose, onDone }) {
  const isNew = !dock.id;
  const [f, set] = useForm({
    name: str(dock.name), kind: dock.kind || 'graving_dock', max_length_m: str(dock.max_length_m), max_beam_m: str(dock.max_beam_m),
    max_draft_m: str(dock.max_draft_m), lifting_capacity_t: str(dock.lifting_capacity_t),
  });
  const send = useSubmit(async () => {
    const body = {
      name: f.name, kind: f.kind, max_length_m: num(f.max_length_m) ?? undefined, max_beam_m: num(f.max_beam_m) ?? undefined,
      max_draft_m: num(f.max_draft_m) ?? undefined, lifting_capacity_t: num(f.lifting_capacity_t),
    };
    onDone(isNew ? await api.post('/docks', body) : await api.patch(`/docks/${dock.id}`, body));
  });
  const e = send.error;
  return html`<${Dialog} title=${isNew ? t('docks.add') : t('docks.editNamed', { name: dock.name })} onClose=${onClose}>
    <${ErrorSummary} error=${e} />
    <form onSubmit=${(ev) => { ev.preventDefault(); send.run(); }}>
      <${TextField} label=${t('field.name')} value=${f.name} onValue=${set('name')} error=${fieldError(e, 'name')} />
      <${SelectField} label=${t('field.kind')} value=${f.kind} onValue=${set('kind')} options=${KINDS.map((k) => [k, t(`dockKind.${k}`)])} />
      <div class="pair">
        <${TextField} label=${t('field.max_length_m')} type="number" step="any" min="0" value=${f.max_length_m} onValue=${set('max_length_m')} error=${fieldError(e, 'max_length_m')} />
        <${TextField} label=${t('field.max_beam_m')} type="number" step="any" min="0" value=${f.max_beam_m} onValue=${set('max_beam_m')} error=${fieldError(e, 'max_beam_m')} />
      </div>
      <div class="pair">
        <${TextField} label=${t('field.max_draft_m')} type="number" step="any" min="0" value=${f.max_draft_m} onValue=${set('max_draft_m')} error=${fieldError(e, 'max_draft_m')} />
        <${TextField} label=${t('field.lifting_capacity_t')} type="number" step="any" min="0" value=${f.lifting_capacity_t} onValue=${set('lifting_capacity_t')} optional error=${fieldError(e, 'lifting_capacity_t')} />
      </div>
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}
