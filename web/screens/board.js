// The yard board (/app/board), the manager's home: every dock (rows) over the coming
// weeks (columns), each booking a bar with its vessel and job. A bar is dragged to another
// time or dock, or edited in a dialog (the keyboard path); both call
// PATCH /dock-bookings/{id}, and a refusal is shown beside the bar in the API's words
// while the bar goes back. "Find a slot" asks the API where a vessel fits and books it.
import { html, useEffect, useMemo, useRef, useState } from '../lib.js';
import { api, everything } from '../api.js';
import { t } from '../i18n.js';
import {
  addDays, atYard, dateTime, iso, shortDate, wallClock, yardToday, yardZone, calendarDate, number,
} from '../format.js';
import { setQuery, useLocation } from '../router.js';
import {
  Dialog, ErrorSummary, Failure, Loading, Notice, PageHead, SelectField, TextArea, TextField, WhenField,
  fieldError, useAsync, useForm, useSubmit, useTitle,
} from '../ui.js';

const DAY = 86_400_000;
/** Days shown and the width of a day, per zoom. */
const ZOOMS = {
  days: { days: 46, before: 3, step: 7, dayPx: 34 },
  weeks: { days: 126, before: 7, step: 28, dayPx: 10 },
};

/** The jobs of the bookings shown, by id: a bar shows its job's number and status. Read
 * again with every load of the board, so a status is never older than the bars. */
const jobs = new Map();

async function jobsOf(bookings) {
  jobs.clear();
  const ids = [...new Set(bookings.map((b) => b.job_id).filter(Boolean))];
  await Promise.all(ids.map((id) => api.get(`/jobs/${id}`).then((j) => jobs.set(id, j), () => {})));
}

function state(booking) {
  const job = booking.job_id && jobs.get(booking.job_id);
  return job ? job.status : 'held';
}

function label(booking) {
  const job = booking.job_id && jobs.get(booking.job_id);
  if (!job) return t('board.held');
  const late = job.days_late > 0 ? ` · ${t('board.late', { n: job.days_late })}` : '';
  return `${job.number} · ${t(`job.${job.status}`)}${late}`;
}

/** Whether the booking's job runs late against its contractual redelivery (the API's
 * `days_late`). */
function runningLate(booking) {
  const job = booking.job_id && jobs.get(booking.job_id);
  return Boolean(job && job.days_late > 0);
}

/** The sentence of a refused move, in the API's words. */
function refusal(error) {
  const fields = Object.values(error.fields || {});
  return fields.length ? fields.join('; ') : error.message;
}

export function Board() {
  useTitle(t('nav.board'));
  const { query } = useLocation();
  const zoom = query.get('zoom') === 'weeks' ? 'weeks' : 'days';
  const z = ZOOMS[zoom];
  const first = query.get('from') || addDays(yardToday(), -z.before);
  const last = addDays(first, z.days);
  const from = atYard(first);
  const to = atYard(last);
  const span = to - from;

  const docks = useAsync(async () => (await everything('/docks')).sort((a, b) => a.name.localeCompare(b.name)), []);
  const bookings = useAsync(async () => {
    const items = await everything('/dock-bookings', { from: iso(from), to: iso(to) });
    await jobsOf(items);
    return items;
  }, [first, last]);
  const [pending, setPending] = useState(null); // {id, days, dockId} while a move is saved
  const [refused, setRefused] = useState(null); // {id, error}
  const [editing, setEditing] = useState(null);
  const [finding, setFinding] = useState(false);
  const [notice, setNotice] = useState('');

  const move = async (booking, days, dockId) => {
    setRefused(null);
    setNotice('');
    setPending({ id: booking.id, days, dockId });
    const body = {};
    if (days) {
      body.starts_at = iso(Date.parse(booking.starts_at) + days * DAY);
      body.ends_at = iso(Date.parse(booking.ends_at) + days * DAY);
    }
    if (dockId !== booking.dock_id) body.dock_id = dockId;
    try {
      const moved = await api.patch(`/dock-bookings/${booking.id}`, body);
      bookings.setData((items) => items.map((b) => (b.id === moved.id ? moved : b)));
      setNotice(t('board.moved', { vessel: moved.vessel_name, dock: moved.dock_name, start: dateTime(moved.starts_at) }));
    } catch (error) {
      setRefused({ id: booking.id, error });
    } finally {
      setPending(null);
    }
  };

  const shift = (n) => setQuery({ from: addDays(first, n), zoom: zoom === 'days' ? undefined : zoom });
  const today = () => setQuery({ from: undefined, zoom: zoom === 'days' ? undefined : zoom });
  const setZoom = (next) => setQuery({ zoom: next === 'days' ? undefined : next, from: undefined });

  if (docks.error) return html`<${Failure} error=${docks.error} />`;
  return html`<section class="board-screen">
    <${PageHead} title=${t('nav.board')}
      sub=${t('board.range', { from: calendarDate(first, { day: 'numeric', month: 'short' }), to: calendarDate(addDays(last, -1), { day: 'numeric', month: 'short', year: 'numeric' }), zone: yardZone() })}>
      <div class="toolbar" role="group" aria-label=${t('board.period')}>
        <button type="button" onClick=${() => shift(-z.step)} aria-label=${t('board.earlier')}>◀</button>
        <button type="button" onClick=${today}>${t('board.today')}</button>
        <button type="button" onClick=${() => shift(z.step)} aria-label=${t('board.later')}>▶</button>
      </div>
      <div class="toolbar" role="group" aria-label=${t('board.zoom')}>
        <button type="button" aria-pressed=${zoom === 'days'} onClick=${() => setZoom('days')}>${t('board.days')}</button>
        <button type="button" aria-pressed=${zoom === 'weeks'} onClick=${() => setZoom('weeks')}>${t('board.weeks')}</button>
      </div>
      <button type="button" class="primary" onClick=${() => setFinding(true)}>${t('board.findSlot')}</button>
    <//>
    <${Notice}>${notice}<//>
    ${docks.loading && !docks.data ? html`<${Loading} />` : html`<${Timeline}
      docks=${docks.data} bookings=${bookings.data || []} first=${first} days=${z.days} zoom=${zoom} dayPx=${z.dayPx}
      from=${from} span=${span} pending=${pending} refused=${refused} onDismiss=${() => setRefused(null)}
      onMove=${move} onEdit=${setEditing} />`}
    ${bookings.error ? html`<${Failure} error=${bookings.error} />` : null}
    <${Legend} />
    ${editing ? html`<${BookingDialog} booking=${editing} docks=${docks.data} all=${bookings.data || []}
      onClose=${() => setEditing(null)}
      onSaved=${(saved, words) => {
        setEditing(null);
        bookings.reload();
        setNotice(words);
      }} />` : null}
    ${finding ? html`<${SlotFinder} onClose=${() => setFinding(false)}
      onBooked=${(booking) => {
        setFinding(false);
        bookings.reload();
        setNotice(t('board.booked', { vessel: booking.vessel_name, dock: booking.dock_name, start: dateTime(booking.starts_at) }));
      }} />` : null}
  </section>`;
}

function Legend() {
  return html`<div class="legend">
    ${['scheduled', 'in_progress', 'on_hold', 'approved', 'completed'].map((s) => html`<span class=${`key job-${s}`}><span class="dot" aria-hidden="true"></span>${t(`job.${s}`)}</span>`)}
    <span class="key job-held"><span class="dot" aria-hidden="true"></span>${t('board.held')}</span>
    <span class="key running-late-key"><span class="late-line" aria-hidden="true"></span>${t('board.lateKey')}</span>
    <span class="muted">${t('board.help')}</span>
  </div>`;
}

function Timeline({ docks, bookings, first, days, zoom, dayPx, from, span, pending, refused, onDismiss, onMove, onEdit }) {
  const lanes = useRef([]);
  const [drag, setDrag] = useState(null);
  const width = days * dayPx;
  const columns = useMemo(() => {
    const list = [];
    const step = zoom === 'weeks' ? 7 : 1;
    for (let i = 0; i < days; i += step) {
      const day = addDays(first, i);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      list.push({ day, weekend: step === 1 && (weekday === 0 || weekday === 6), width: step * dayPx });
    }
    return list;
  }, [first, days, zoom, dayPx]);
  const todayAt = ((Date.now() - from) / span) * 100;
  const place = (b, shiftDays = 0) => {
    const s = Date.parse(b.starts_at) + shiftDays * DAY;
    const e = Date.parse(b.ends_at) + shiftDays * DAY;
    const left = Math.max(0, (s - from) / span);
    const right = Math.min(1, (e - from) / span);
    return { left: `${left * 100}%`, width: `${Math.max(right - left, 0.004) * 100}%` };
  };

  const start = (event, booking, row) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const perDay = (lanes.current[row]?.getBoundingClientRect().width || days * dayPx) / days;
    setDrag({ booking, row, perDay, x0: event.clientX, y0: event.clientY, days: 0, target: row, moved: false });
  };
  const follow = (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x0;
    const dy = event.clientY - drag.y0;
    const moved = drag.moved || Math.abs(dx) > 4 || Math.abs(dy) > 4;
    const target = lanes.current.findIndex((lane) => {
      const r = lane?.getBoundingClientRect();
      return r && event.clientY >= r.top && event.clientY < r.bottom;
    });
    setDrag({ ...drag, moved, days: Math.round(dx / drag.perDay), target: target < 0 ? drag.target : target });
  };
  const finish = () => {
    if (!drag) return;
    const { booking, days: shiftDays, target, moved } = drag;
    setDrag(null);
    if (!moved) {
      onEdit(booking);
      return;
    }
    const dock = docks[target];
    if (shiftDays !== 0 || dock.id !== booking.dock_id) onMove(booking, shiftDays, dock.id);
  };
  const key = (event, booking) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onEdit(booking);
    }
  };

  return html`<div class="board-scroll">
    <div class="board" style=${{ minWidth: `${width + 220}px` }}>
      <div class="board-head">
        <div class="dock-cell head">${t('board.dock')}</div>
        <div class="lane head">
          ${columns.map((c) => html`<div class=${`col ${c.weekend ? 'weekend' : ''}`} style=${{ width: `${c.width}px` }}>
            ${zoom === 'weeks' ? calendarDate(c.day, { day: 'numeric', month: 'short' }) : calendarDate(c.day, { day: 'numeric' })}
            ${zoom === 'days' && c.day.endsWith('-01') ? html`<span class="month">${calendarDate(c.day, { month: 'short' })}</span>` : null}
          </div>`)}
        </div>
      </div>
      ${docks.map((dock, row) => {
        const mine = bookings.filter((b) => b.dock_id === dock.id);
        return html`<div class="board-row" key=${dock.id}>
          <div class="dock-cell">
            <strong>${dock.name}</strong>
            <span class="muted">${number(dock.max_length_m)} × ${number(dock.max_beam_m)} m · ${t('board.draft')} ${number(dock.max_draft_m)} m${dock.lifting_capacity_t ? ` · ${t('board.lift')} ${number(dock.lifting_capacity_t, 0)} t` : ''}</span>
          </div>
          <div class="lane" ref=${(el) => { lanes.current[row] = el; }}>
            ${columns.map((c) => html`<div class=${`col ${c.weekend ? 'weekend' : ''}`} style=${{ width: `${c.width}px` }}></div>`)}
            ${todayAt >= 0 && todayAt <= 100 ? html`<div class="today" style=${{ left: `${todayAt}%` }} aria-hidden="true"></div>` : null}
            ${mine.map((b) => {
              const isDragged = drag && drag.moved && drag.booking.id === b.id;
              const isPending = pending && pending.id === b.id;
              if (isPending && pending.dockId !== dock.id) return null;
              const offset = isPending ? pending.days : 0;
              const s = place(b, offset);
              if (isDragged) {
                // The bar stays in its own row (it holds the pointer) and is drawn where
                // it would land: whole days along, and over the row under the pointer.
                const lane = lanes.current[row]?.getBoundingClientRect();
                const target = lanes.current[drag.target]?.getBoundingClientRect();
                const dy = lane && target ? target.top - lane.top : 0;
                s.transform = `translate(${drag.days * drag.perDay}px, ${dy}px)`;
              }
              const where = t('board.barWhere', { dock: dock.name, start: dateTime(b.starts_at), end: dateTime(b.ends_at) });
              return html`<button type="button" key=${b.id} data-booking=${b.id}
                class=${`bar job-${state(b)} ${runningLate(b) ? 'running-late' : ''} ${isDragged ? 'dragging' : ''} ${isPending ? 'saving' : ''} ${refused?.id === b.id ? 'refused' : ''}`}
                style=${s} title=${`${b.vessel_name}, ${label(b)}, ${where}`}
                onPointerDown=${(e) => start(e, b, row)} onPointerMove=${follow} onPointerUp=${finish}
                onPointerCancel=${() => setDrag(null)} onKeyDown=${(e) => key(e, b)}>
                <span class="bar-name">${b.vessel_name}</span>
                <span class="bar-sub">${label(b)}</span><span class="visually-hidden">${where}</span>
              </button>`;
            })}
            ${pending && pending.dockId === dock.id && !mine.some((b) => b.id === pending.id)
              ? (() => {
                const b = bookings.find((x) => x.id === pending.id);
                return b ? html`<div class=${`bar job-${state(b)} saving`} style=${place(b, pending.days)} aria-hidden="true">
                  <span class="bar-name">${b.vessel_name}</span><span class="bar-sub">${t('state.saving')}</span></div>` : null;
              })()
              : null}
            ${refused && mine.some((b) => b.id === refused.id)
              ? html`<${Refusal} booking=${mine.find((b) => b.id === refused.id)} error=${refused.error} all=${bookings}
                  at=${place(mine.find((b) => b.id === refused.id))} onDismiss=${onDismiss} />`
              : null}
          </div>
        </div>`;
      })}
    </div>
  </div>`;
}

/** The reason a move was refused, beside the bar that went back. */
function Refusal({ booking, error, all, at, onDismiss }) {
  const other = error.conflictingId && all.find((b) => b.id === error.conflictingId);
  const otherJob = other?.job_id && jobs.get(other.job_id);
  const left = `min(calc(${at.left} + ${at.width} + 8px), calc(100% - 340px))`;
  return html`<div class="refusal" role="alert" style=${{ left }}>
    <p><strong>${t('board.notMoved', { vessel: booking.vessel_name })}</strong> ${refusal(error)}</p>
    ${other ? html`<p>${t('board.inTheWay')} ${otherJob
      ? html`<a href=${`/app/jobs/${otherJob.id}`}><bdi>${other.vessel_name}</bdi> (${otherJob.number})</a>`
      : html`<strong><bdi>${other.vessel_name}</bdi></strong>`}, ${shortDate(other.starts_at)}–${shortDate(other.ends_at)}.</p>` : null}
    <button type="button" class="link" onClick=${onDismiss}>${t('action.dismiss')}</button>
  </div>`;
}

/** Edit a booking's dock, dates and notes, or cancel it: the board's keyboard path. */
function BookingDialog({ booking, docks, all, onClose, onSaved }) {
  const [form, set] = useForm({
    dock_id: booking.dock_id,
    starts: wallClock(booking.starts_at),
    ends: wallClock(booking.ends_at),
    notes: booking.notes || '',
  });
  const job = booking.job_id && jobs.get(booking.job_id);
  const save = useSubmit(async () => {
    const body = {
      dock_id: form.dock_id,
      starts_at: form.starts.date && form.starts.time ? iso(atYard(form.starts.date, form.starts.time)) : undefined,
      ends_at: form.ends.date && form.ends.time ? iso(atYard(form.ends.date, form.ends.time)) : undefined,
      notes: form.notes.trim() ? form.notes : null,
    };
    const saved = await api.patch(`/dock-bookings/${booking.id}`, body);
    onSaved(saved, t('board.moved', { vessel: saved.vessel_name, dock: saved.dock_name, start: dateTime(saved.starts_at) }));
  });
  const cancel = useSubmit(async () => {
    await api.post(`/dock-bookings/${booking.id}/cancel`);
    onSaved(booking, t('board.cancelled', { vessel: booking.vessel_name }));
  });
  const [confirming, setConfirming] = useState(false);
  const other = save.error?.conflictingId && all.find((b) => b.id === save.error.conflictingId);
  return html`<${Dialog} title=${t('board.editTitle', { vessel: booking.vessel_name })} onClose=${onClose}>
    <p class="sub">${job ? html`<a href=${`/app/jobs/${job.id}`}>${job.number}</a> · ${t(`job.${job.status}`)}` : t('board.held')} · ${t('common.zone', { zone: yardZone() })}</p>
    <${ErrorSummary} error=${save.error || cancel.error} />
    ${other ? html`<p class="field-error">${t('board.inTheWay')} ${other.vessel_name}, ${dateTime(other.starts_at)} – ${dateTime(other.ends_at)}.</p>` : null}
    <form onSubmit=${(e) => { e.preventDefault(); save.run(); }}>
      <${SelectField} label=${t('field.dock')} value=${form.dock_id} onValue=${set('dock_id')}
        options=${docks.map((d) => [d.id, d.name])} error=${fieldError(save.error, 'dock_id', 'vessel_id')} />
      <${WhenField} legend=${t('field.starts_at')} value=${form.starts} onValue=${set('starts')}
        dateLabel=${t('field.startDate')} timeLabel=${t('field.startTime')} error=${fieldError(save.error, 'starts_at')} />
      <${WhenField} legend=${t('field.ends_at')} value=${form.ends} onValue=${set('ends')}
        dateLabel=${t('field.endDate')} timeLabel=${t('field.endTime')} error=${fieldError(save.error, 'ends_at')} />
      <${TextArea} label=${t('field.notes')} value=${form.notes} onValue=${set('notes')} optional error=${fieldError(save.error, 'notes')} />
      <div class="buttons">
        <button type="submit" class="primary" disabled=${save.busy}>${save.busy ? t('state.saving') : t('action.save')}</button>
        <button type="button" onClick=${onClose}>${t('action.close')}</button>
        ${confirming
          ? html`<button type="button" class="danger" onClick=${() => cancel.run()} disabled=${cancel.busy}>${t('board.confirmCancel')}</button>`
          : html`<button type="button" class="danger-quiet" onClick=${() => setConfirming(true)}>${t('board.cancelBooking')}</button>`}
      </div>
    </form>
  <//>`;
}

/** "Find a slot": a vessel and a duration -> the free windows per dock -> book one. */
function SlotFinder({ onClose, onBooked }) {
  const vessels = useAsync(() => everything('/vessels'), []);
  const today = yardToday();
  const [form, set] = useForm({ vessel_id: '', days: '10', from: today, to: addDays(today, 90) });
  const [chosen, setChosen] = useState(null); // {dock, window}
  const search = useSubmit(async () => {
    setChosen(null);
    return api.get('/docks/availability', {
      vessel_id: form.vessel_id,
      duration_hours: Number(form.days) * 24,
      from: form.from ? iso(atYard(form.from)) : undefined,
      to: form.to ? iso(atYard(form.to)) : undefined,
    });
  });
  const [found, setFound] = useState(null);
  const find = async (e) => {
    e.preventDefault();
    const answer = await search.run();
    setFound(answer || null);
  };
  const vessel = vessels.data?.find((v) => v.id === form.vessel_id);
  return html`<${Dialog} title=${t('board.findSlot')} onClose=${onClose} wide>
    <p class="sub">${t('common.zone', { zone: yardZone() })}</p>
    <form onSubmit=${find} class="slot-form">
      <${SelectField} label=${t('field.vessel')} value=${form.vessel_id} onValue=${set('vessel_id')} placeholder=${t('form.choose')}
        options=${(vessels.data || []).slice().sort((a, b) => a.name.localeCompare(b.name)).map((v) => [v.id, `${v.name}${v.imo_number ? ` (IMO ${v.imo_number})` : ''} · ${number(v.length_overall_m)} m`])}
        error=${fieldError(search.error, 'vessel_id')} />
      <${TextField} label=${t('board.durationDays')} type="number" min="1" step="1" value=${form.days} onValue=${set('days')}
        error=${fieldError(search.error, 'duration_hours')} inputmode="numeric" />
      <div class="pair">
        <${TextField} label=${t('board.searchFrom')} type="date" value=${form.from} onValue=${set('from')} error=${fieldError(search.error, 'from')} />
        <${TextField} label=${t('board.searchTo')} type="date" value=${form.to} onValue=${set('to')} error=${fieldError(search.error, 'to')} />
      </div>
      <div class="buttons"><button type="submit" class="primary" disabled=${search.busy}>${search.busy ? t('state.loading') : t('board.search')}</button></div>
    </form>
    <${ErrorSummary} error=${search.error} />
    ${found ? html`<section class="slots" aria-label=${t('board.freeWindows')}>
      <h3>${t('board.freeWindows')}</h3>
      ${found.items.length === 0 ? html`<p>${t('board.noDockFits', { vessel: vessel?.name || '' })}</p>` : null}
      ${found.items.map((dock) => html`<div class="slot-dock">
        <h4>${dock.dock_name}</h4>
        ${dock.windows.length === 0 ? html`<p class="muted">${t('board.noWindow')}</p>` : html`<ul>
          ${dock.windows.map((w) => html`<li>
            <span>${dateTime(w.starts_at)} – ${dateTime(w.ends_at)}</span>
            <button type="button" onClick=${() => setChosen({ dock, window: w })}
              aria-label=${t('board.bookWindow', { dock: dock.dock_name, start: dateTime(w.starts_at) })}>${t('board.book')}</button>
          </li>`)}
        </ul>`}
      </div>`)}
    </section>` : null}
    ${chosen && vessel ? html`<${NewBooking} vessel=${vessel} dock=${chosen.dock} window=${chosen.window} days=${Number(form.days)}
      onBooked=${onBooked} key=${chosen.dock.dock_id + chosen.window.starts_at} />` : null}
  <//>`;
}

/** Books a window found by the slot finder, optionally for one of the vessel's jobs. */
function NewBooking({ vessel, dock, window: w, days, onBooked }) {
  const vesselJobs = useAsync(() => everything('/jobs', { vessel_id: vessel.id }), [vessel.id]);
  const start = Date.parse(w.starts_at);
  const end = Math.min(start + days * DAY, Date.parse(w.ends_at));
  const [form, set] = useForm({ job_id: '', starts: wallClock(start), ends: wallClock(end), notes: '' });
  const book = useSubmit(async () => {
    const booking = await api.post('/dock-bookings', {
      dock_id: dock.dock_id,
      vessel_id: vessel.id,
      job_id: form.job_id || null,
      starts_at: iso(atYard(form.starts.date, form.starts.time)),
      ends_at: iso(atYard(form.ends.date, form.ends.time)),
      notes: form.notes.trim() ? form.notes : null,
    });
    onBooked(booking);
  });
  const open = (vesselJobs.data || []).filter((j) => !['closed', 'cancelled', 'completed'].includes(j.status));
  return html`<form class="new-booking" onSubmit=${(e) => { e.preventDefault(); book.run(); }}>
    <h3>${t('board.bookTitle', { vessel: vessel.name, dock: dock.dock_name })}</h3>
    <${ErrorSummary} error=${book.error} />
    <${SelectField} label=${t('field.job')} value=${form.job_id} onValue=${set('job_id')} placeholder=${t('board.noJob')} optional
      options=${open.map((j) => [j.id, `${j.number} · ${j.title} (${t(`job.${j.status}`)})`])} error=${fieldError(book.error, 'job_id')} />
    <${WhenField} legend=${t('field.starts_at')} value=${form.starts} onValue=${set('starts')}
      dateLabel=${t('field.startDate')} timeLabel=${t('field.startTime')} error=${fieldError(book.error, 'starts_at')} />
    <${WhenField} legend=${t('field.ends_at')} value=${form.ends} onValue=${set('ends')}
      dateLabel=${t('field.endDate')} timeLabel=${t('field.endTime')} error=${fieldError(book.error, 'ends_at')} />
    <${TextArea} label=${t('field.notes')} value=${form.notes} onValue=${set('notes')} optional rows="2" />
    <div class="buttons"><button type="submit" class="primary" disabled=${book.busy}>${book.busy ? t('state.saving') : t('board.confirmBook')}</button></div>
  </form>`;
}

