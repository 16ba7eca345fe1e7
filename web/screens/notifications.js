// Notifications (/app/notifications): what the yard or the owner must hear of, newest
// first, each linking to its job; the unread count sits in the header. Below the list,
// which kinds the user is also mailed.
import { html, useEffect, useState } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { calendarDate, dateTime, money } from '../format.js';
import { navigate } from '../router.js';
import { KINDS, Webhooks, toggled } from './webhooks.js';
import { CheckField, ErrorSummary, Failure, Loading, MoreButton, Notice, PageHead, usePaged, useSubmit, useTitle } from '../ui.js';

const listeners = new Set();

/** Tells the header that the unread count may have changed. */
export function unreadChanged() {
  listeners.forEach((f) => f());
}

/** The caller's unread count, fetched now, every minute, and after a change. */
export function useUnreadCount(path, wanted = true) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!wanted) return undefined;
    let live = true;
    const load = () => api.get('/me/notifications', { limit: 1, unread: true })
      .then((p) => live && setCount(p.unread_count), () => {});
    load();
    listeners.add(load);
    const timer = setInterval(load, 60000);
    return () => {
      live = false;
      listeners.delete(load);
      clearInterval(timer);
    };
  }, [path, wanted]);
  return count;
}

/** One line that says what happened. */
export function describe(event) {
  const d = event.data || {};
  const job = event.job || {};
  const on = { number: job.number, vessel: job.vessel_name };
  switch (event.kind) {
    case 'job.quoted':
      return t('notice.job.quoted', { ...on, amount: d.amount ? money(d.amount, d.currency) : '' });
    case 'job.status_changed':
      return t('notice.job.status_changed', { ...on, from: t(`job.${d.from}`), to: t(`job.${d.to}`) });
    case 'additional_work.proposed':
      return t('notice.additional_work.proposed', { ...on, description: d.description, amount: money(d.amount, d.currency) });
    case 'additional_work.decided':
      return t(`notice.additional_work.${d.decision}`, { ...on, description: d.description });
    case 'job.redelivery_changed':
      return t('notice.job.redelivery_changed', {
        ...on, from: d.from ? calendarDate(d.from) : '—', to: d.to ? calendarDate(d.to) : '—', cause: t(`cause.${d.cause}`) });
    case 'job.redelivery_at_risk':
      return t('notice.job.redelivery_at_risk', { ...on, n: d.days_late, current: d.current ? calendarDate(d.current) : '—' });
    case 'daily_report.ready':
      return t('notice.daily_report.ready', { ...on, date: d.date });
    case 'webhook.disabled':
      return t('notice.webhook.disabled', { url: d.url });
    default:
      return t(`notice.${event.kind}`, on);
  }
}

/** Where a notification leads: its job (whose page opens on what waits for the owner). */
function target(event) {
  return event.job ? `/app/jobs/${event.job.id}` : null;
}

export function Notifications({ user }) {
  useTitle(t('nav.notifications'));
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = usePaged((cursor) => api.get('/me/notifications', { limit: 30, cursor, unread: unreadOnly || undefined }), [unreadOnly]);
  const [notice, setNotice] = useState('');
  const readAll = useSubmit(async () => {
    const done = await api.post('/me/notifications/read-all', {});
    setNotice(t('notice.markedRead', { n: done.marked }));
    unreadChanged();
    list.reload();
  });
  const open = async (n) => {
    if (!n.read_at) {
      await api.post(`/me/notifications/${n.id}/read`, {}).catch(() => {});
      unreadChanged();
    }
    const to = target(n.event);
    if (to) navigate(to);
    else list.reload();
  };
  return html`<section class="notifications">
    <${PageHead} title=${t('nav.notifications')}>
      <label class="inline-check"><input type="checkbox" checked=${unreadOnly}
        onChange=${(e) => setUnreadOnly(e.currentTarget.checked)} /> ${t('notice.unreadOnly')}</label>
      <button type="button" onClick=${() => readAll.run()} disabled=${readAll.busy}>${t('notice.readAll')}</button>
    <//>
    <${Notice}>${notice}<//>
    <${ErrorSummary} error=${readAll.error} />
    ${list.error ? html`<${Failure} error=${list.error} />` : null}
    ${list.loading && !list.items.length ? html`<${Loading} />` : null}
    ${!list.loading && !list.items.length && !list.error ? html`<p class="empty">${t('notice.none')}</p>` : null}
    ${list.items.length ? html`<ul class="notice-list">${list.items.map((n) => html`<li key=${n.id} class=${n.read_at ? 'read' : 'unread'}>
      <button type="button" class="notice-item" onClick=${() => open(n)}>
        ${n.read_at ? null : html`<span class="visually-hidden">${t('notice.unread')}: </span>`}
        <span class="what">${describe(n.event)}</span>
        <span class="when muted">${dateTime(n.event.occurred_at)}</span>
      </button>
    </li>`)}</ul>` : null}
    <${MoreButton} cursor=${list.cursor} onMore=${list.loadMore} busy=${list.busy} />
    <${MailSettings} user=${user} />
    <${Webhooks} />
  </section>`;
}

function MailSettings() {
  const [settings, setSettings] = useState(null);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    api.get('/me/notification-settings').then(setSettings, () => {});
  }, []);
  const save = useSubmit(async () => {
    setSettings(await api.put('/me/notification-settings', settings));
    setSaved(t('state.saved'));
  });
  if (!settings) return null;
  const toggle = (kind) => (on) => setSettings((s) => ({ ...s, kinds: toggled(s.kinds, kind, on) }));
  return html`<form class="mail-settings card" onSubmit=${(e) => { e.preventDefault(); save.run(); }}>
    <h2>${t('notice.mail')}</h2>
    <${ErrorSummary} error=${save.error} />
    <${CheckField} label=${t('notice.mailMe')} checked=${settings.email}
      onValue=${(on) => setSettings((s) => ({ ...s, email: on }))} />
    <fieldset disabled=${!settings.email}>
      <legend>${t('notice.mailKinds')}</legend>
      ${KINDS.map((k) => html`<${CheckField} key=${k} label=${t(`notice.kind.${k}`)}
        checked=${settings.kinds.includes(k)} onValue=${toggle(k)} />`)}
    </fieldset>
    <div class="buttons"><button type="submit" class="primary" disabled=${save.busy}>${t('action.save')}</button></div>
    <${Notice}>${saved}<//>
  </form>`;
}
