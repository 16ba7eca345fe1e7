// "Calendar" in the header: the address of the user's calendar feed (SPEC section 15), to
// subscribe to in Outlook, Google or Apple Calendar, and a new address if it leaked.
import { html, useState } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { Dialog, ErrorSummary, Loaded, Notice, TextField, useAsync, useSubmit } from '../ui.js';

export function CalendarButton({ user }) {
  const [open, setOpen] = useState(false);
  return html`<button type="button" class="secondary" onClick=${() => setOpen(true)}>${t('calendar.button')}</button>
    ${open ? html`<${CalendarDialog} user=${user} onClose=${() => setOpen(false)} />` : null}`;
}

function CalendarDialog({ user, onClose }) {
  const feed = useAsync(() => api.get('/me/calendar-feed'), []);
  const [url, setUrl] = useState(null);
  const [notice, setNotice] = useState('');
  const rotate = useSubmit(async () => {
    const fresh = await api.post('/me/calendar-feed/rotate', {});
    setUrl(fresh.url);
    setNotice(t('calendar.rotated'));
  });
  const copy = async (address) => {
    await navigator.clipboard?.writeText(address).catch(() => {});
    setNotice(t('calendar.copied'));
  };
  return html`<${Dialog} title=${t('calendar.title')} onClose=${onClose}>
    <p>${t(`calendar.holds.${user.role}`)}</p>
    <${Notice}>${notice}<//>
    <${ErrorSummary} error=${rotate.error} />
    <${Loaded} state=${feed}>${(f) => {
      const address = url || f.url;
      return html`<${TextField} label=${t('calendar.address')} value=${address} onValue=${() => {}} readonly
          hint=${t('calendar.secret')} onFocus=${(e) => e.currentTarget.select()} />
        <div class="buttons">
          <button type="button" class="primary" onClick=${() => copy(address)}>${t('calendar.copy')}</button>
          <a class="button" href=${address.replace(/^https?:/, 'webcal:')}>${t('calendar.open')}</a>
          <button type="button" class="danger-quiet" onClick=${() => rotate.run()} disabled=${rotate.busy}>${t('calendar.rotate')}</button>
        </div>`;
    }}<//>
  <//>`;
}
