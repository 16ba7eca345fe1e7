// Webhooks, on the notifications screen: the owner's (or the yard's) own systems hear
// the same events as signed POSTs. Add one (its secret is shown once), send a test, turn
// it off or on, read what was delivered, delete it.
import { html, useState } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { dateTime } from '../format.js';
import { CheckField, Dialog, ErrorSummary, Failure, Notice, TextField, fieldError, useAsync, useSubmit } from '../ui.js';

/** The kinds of events one subscribes to (mail and webhooks), in the API's order. */
export const KINDS = ['job.requested', 'job.quoted', 'job.status_changed', 'job.schedule_changed',
  'job.redelivery_changed', 'job.redelivery_at_risk', 'additional_work.proposed', 'additional_work.decided',
  'daily_report.ready'];

/** `kinds` with `kind` ticked (`on`) or not, kept in the order of KINDS. */
export function toggled(kinds, kind, on) {
  return on ? KINDS.filter((k) => k === kind || kinds.includes(k)) : kinds.filter((k) => k !== kind);
}

export function Webhooks() {
  const list = useAsync(() => api.get('/webhooks', { limit: 50 }), []);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState(null);
  const [notice, setNotice] = useState('');
  const [log, setLog] = useState(null);
  const act = useSubmit(async (what, hook) => {
    if (what === 'test') {
      await api.post(`/webhooks/${hook.id}/test`, {});
      setNotice(t('hooks.testQueued', { url: hook.url }));
    } else if (what === 'toggle') {
      await api.patch(`/webhooks/${hook.id}`, { active: !hook.active });
      setNotice(hook.active ? t('hooks.turnedOff', { url: hook.url }) : t('hooks.turnedOn', { url: hook.url }));
    } else if (what === 'delete') {
      await api.del(`/webhooks/${hook.id}`);
      setNotice(t('hooks.deleted', { url: hook.url }));
    }
    list.reload();
  });
  const hooks = list.data?.items || [];
  return html`<section class="card webhooks" aria-labelledby="hooks-h">
    <div class="card-head"><h2 id="hooks-h">${t('hooks.title')}</h2>
      <button type="button" onClick=${() => setAdding(true)}>${t('hooks.add')}</button></div>
    <p class="muted">${t('hooks.intro')}</p>
    <${Notice}>${notice}<//>
    ${secret ? html`<div class="notice success" role="status"><p>${t('hooks.secretOnce')}</p>
      <p><code class="secret">${secret}</code></p></div>` : null}
    <${ErrorSummary} error=${act.error} />
    ${list.error ? html`<${Failure} error=${list.error} />` : null}
    ${hooks.length ? html`<ul class="hook-list">${hooks.map((h) => html`<li key=${h.id}>
      <div><strong class="url">${h.url}</strong>
        <span class="muted"> · ${h.kinds.length ? h.kinds.map((k) => t(`notice.kind.${k}`)).join(', ') : t('hooks.allKinds')}</span></div>
      <div class="muted">${h.active ? (h.failing_since ? t('hooks.failingSince', { when: dateTime(h.failing_since) }) : t('hooks.active'))
        : (h.disabled_at ? t('hooks.disabledAt', { when: dateTime(h.disabled_at) }) : t('hooks.off'))}</div>
      <div class="row-actions">
        <button type="button" class="small" disabled=${!h.active || act.busy} onClick=${() => act.run('test', h)}>${t('hooks.test')}</button>
        <button type="button" class="small" onClick=${() => setLog(h)}>${t('hooks.deliveries')}</button>
        <button type="button" class="small" disabled=${act.busy} onClick=${() => act.run('toggle', h)}>${h.active ? t('hooks.turnOff') : t('hooks.turnOn')}</button>
        <button type="button" class="small danger-quiet" disabled=${act.busy} onClick=${() => act.run('delete', h)}>${t('hooks.delete')}</button>
      </div>
    </li>`)}</ul>` : (list.data ? html`<p class="empty">${t('hooks.none')}</p>` : null)}
    ${adding ? html`<${AddWebhook} onClose=${() => setAdding(false)}
      onDone=${(created) => { setAdding(false); setSecret(created.secret); setNotice(''); list.reload(); }} />` : null}
    ${log ? html`<${Deliveries} hook=${log} onClose=${() => setLog(null)} />` : null}
  </section>`;
}

function AddWebhook({ onClose, onDone }) {
  const [url, setUrl] = useState('https://');
  const [kinds, setKinds] = useState([]);
  const send = useSubmit(async () => onDone(await api.post('/webhooks', { url, kinds })));
  return html`<${Dialog} title=${t('hooks.add')} onClose=${onClose}>
    <${ErrorSummary} error=${send.error} />
    <form onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
      <${TextField} label=${t('hooks.url')} type="url" value=${url} onValue=${setUrl} hint=${t('hooks.urlHint')} error=${fieldError(send.error, 'url')} />
      <fieldset><legend>${t('hooks.kinds')}</legend>
        ${KINDS.map((k) => html`<${CheckField} key=${k} label=${t(`notice.kind.${k}`)} checked=${kinds.includes(k)}
          onValue=${(on) => setKinds((ks) => toggled(ks, k, on))} />`)}
      </fieldset>
      <div class="buttons"><button type="submit" class="primary" disabled=${send.busy}>${t('hooks.create')}</button>
        <button type="button" onClick=${onClose}>${t('action.cancel')}</button></div>
    </form>
  <//>`;
}

function Deliveries({ hook, onClose }) {
  const log = useAsync(() => api.get(`/webhooks/${hook.id}/deliveries`, { limit: 20 }), [hook.id]);
  const items = log.data?.items || [];
  return html`<${Dialog} title=${t('hooks.deliveriesOf', { url: hook.url })} onClose=${onClose} wide=${true}>
    ${log.error ? html`<${Failure} error=${log.error} />` : null}
    ${log.data && !items.length ? html`<p class="empty">${t('hooks.noDeliveries')}</p>` : null}
    ${items.length ? html`<div class="table-wrap"><table class="list">
      <thead><tr><th scope="col">${t('hooks.when')}</th><th scope="col">${t('hooks.event')}</th>
        <th scope="col">${t('hooks.status')}</th><th scope="col">${t('hooks.lastAttempt')}</th></tr></thead>
      <tbody>${items.map((d) => {
        const last = d.attempts[d.attempts.length - 1];
        return html`<tr key=${d.id}><td>${dateTime(d.created_at)}</td><td>${d.kind}</td>
          <td>${t(`hooks.delivery.${d.status}`)} (${t('hooks.attempts', { n: d.attempts.length })})</td>
          <td>${last ? (last.error || `HTTP ${last.status_code}`) : '—'}</td></tr>`;
      })}</tbody>
    </table></div>` : null}
  <//>`;
}
