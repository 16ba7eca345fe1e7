// Photos and documents (SPEC section 8) in the app: thumbnails fetched with the caller's
// token (an <img src> could not send it) and shown from a blob: URL, opening a file the
// same way, and the form that attaches one.
import { html, useEffect, useRef, useState } from './lib.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { ErrorSummary, SelectField, TextField, fieldError, useSubmit } from './ui.js';

/** An image the API serves, loaded with the caller's token. */
export function AuthImage({ src, alt }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    let live = true;
    let made = null;
    api.blob(src).then((blob) => {
      if (!live) return;
      made = URL.createObjectURL(blob);
      setUrl(made);
    }, () => {});
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [src]);
  return url
    ? html`<img src=${url} alt=${alt} />`
    : html`<span class="thumb-wait" role="img" aria-label=${alt || t('files.loading')}></span>`;
}

/**
 * Opens a photo of the API in a new tab; a document (PDF) is downloaded instead, never
 * shown in the app's origin (the server takes scripts out of PDFs too).
 */
export async function openFile(file) {
  const blob = await api.blob(file.content_url);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  if (file.thumbnail_url) {
    link.target = '_blank';
    link.rel = 'noopener';
  } else {
    link.download = file.file_name || 'document.pdf';
  }
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Thumbnails of files, each opening its file. */
export function Thumbs({ files, label }) {
  if (!files?.length) return null;
  return html`<ul class="thumbs" aria-label=${label || t('files.title')}>
    ${files.map((f) => {
      const name = f.caption || f.file_name || t('files.photo');
      return html`<li key=${f.id}>
        <button type="button" class="thumb" onClick=${() => openFile(f)} aria-label=${t('files.open', { name })}>
          ${f.thumbnail_url ? html`<${AuthImage} src=${f.thumbnail_url} alt="" />` : html`<span class="doc" aria-hidden="true">PDF</span>`}
        </button>
        ${f.caption ? html`<span class="caption">${f.caption}</span>` : null}
      </li>`;
    })}
  </ul>`;
}

/** Sends one file to a job, with a caption and what it shows. */
export function uploadFile(jobId, file, fields) {
  const form = new FormData();
  form.append('file', file, file.name);
  for (const [name, value] of Object.entries(fields)) {
    if (value) form.append(name, value);
  }
  return api.upload(`/jobs/${jobId}/attachments`, form);
}

/** The form that attaches a photo or document to a job, or to one of its tasks or findings. */
export function AttachForm({ job, tasks = [], extras = [], onDone }) {
  const input = useRef(null);
  const [caption, setCaption] = useState('');
  const [target, setTarget] = useState('');
  const send = useSubmit(async () => {
    const file = input.current?.files?.[0];
    const [kind, id] = target ? target.split(':') : [];
    const fields = { caption: caption.trim(), task_id: kind === 'task' ? id : '', additional_work_id: kind === 'extra' ? id : '' };
    const stored = file ? await uploadFile(job.id, file, fields) : await api.upload(`/jobs/${job.id}/attachments`, new FormData());
    if (input.current) input.current.value = '';
    setCaption('');
    onDone(t('files.attached', { name: stored.file_name }));
  });
  const options = [
    ...tasks.map((x) => [`task:${x.id}`, t('files.forTask', { title: x.title })]),
    ...extras.map((x) => [`extra:${x.id}`, t('files.forExtra', { what: x.description })]),
  ];
  return html`<form class="attach" onSubmit=${(e) => { e.preventDefault(); send.run(); }}>
    <${ErrorSummary} error=${send.error} />
    <div class=${`field ${fieldError(send.error, 'file') ? 'has-error' : ''}`}>
      <label for="attach-file">${t('files.choose')}</label>
      <p class="hint" id="attach-hint">${t('files.hint')}</p>
      ${fieldError(send.error, 'file') ? html`<p class="field-error" id="attach-error">${fieldError(send.error, 'file')}</p>` : null}
      <input id="attach-file" type="file" ref=${input} accept="image/jpeg,image/png,image/webp,application/pdf"
        aria-describedby=${fieldError(send.error, 'file') ? 'attach-hint attach-error' : 'attach-hint'} />
    </div>
    <${TextField} label=${t('files.caption')} value=${caption} onValue=${setCaption} optional maxlength="500" error=${fieldError(send.error, 'caption')} />
    ${options.length ? html`<${SelectField} label=${t('files.shows')} value=${target} onValue=${setTarget} placeholder=${t('files.wholeJob')}
      options=${options} error=${fieldError(send.error, 'task_id', 'additional_work_id')} />` : null}
    <div class="buttons"><button type="submit" disabled=${send.busy}>${send.busy ? t('state.saving') : t('files.attach')}</button></div>
  </form>`;
}
