// Reports (/app/reports): trade volume per year as a bar chart with year-on-year growth
// and the per-country breakdown; dock utilisation; the backlog with overdue jobs;
// certificates expired or expiring. Every figure is the API's; the chart only draws it.
import { Fragment, html, useState } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { addDays, amount, atYard, calendarDate, date, iso, number, percent, yardToday, yardZone } from '../format.js';
import { Failure, Loading, Money, PageHead, StatusBadge, TextField, useAsync, useTitle } from '../ui.js';

export function Reports() {
  useTitle(t('nav.reports'));
  return html`<section class="reports">
    <${PageHead} title=${t('nav.reports')}><a class="button" href="/app/cost">${t('reports.costOverview')}</a><//>
    <${TradeVolume} />
    <div class="columns even">
      <${Utilisation} />
      <${Backlog} />
    </div>
    <${Expiring} />
  </section>`;
}

function TradeVolume() {
  const thisYear = Number(yardToday().slice(0, 4));
  const [range, setRange] = useState({ from: String(thisYear - 7), to: String(thisYear) });
  const report = useAsync(() => api.get('/reports/trade-volume', { from_year: range.from, to_year: range.to }), [range.from, range.to]);
  const r = report.data;
  return html`<section class="card" aria-labelledby="trade-h">
    <div class="card-head">
      <h2 id="trade-h">${t('reports.trade')}</h2>
      <div class="pair">
        <${TextField} label=${t('reports.fromYear')} type="number" value=${range.from} onValue=${(v) => setRange((x) => ({ ...x, from: v }))} class="inline" />
        <${TextField} label=${t('reports.toYear')} type="number" value=${range.to} onValue=${(v) => setRange((x) => ({ ...x, to: v }))} class="inline" />
      </div>
    </div>
    ${report.error ? html`<${Failure} error=${report.error} />` : null}
    ${!r ? (report.error ? null : html`<${Loading} />`) : html`<${Fragment}>
      <${TradeChart} years=${r.years} />
      <table class="list compact"><caption class="visually-hidden">${t('reports.trade')}</caption>
        <thead><tr><th scope="col">${t('reports.year')}</th><th scope="col" class="num">${t('reports.jobsClosed')}</th>
          <th scope="col" class="num">${t('reports.revenue')}</th><th scope="col" class="num">${t('reports.growth')}</th>
          <th scope="col" class="num">${t('reports.countries')}</th><th scope="col">${t('reports.byCountry')}</th></tr></thead>
        <tbody>${r.years.map((y) => html`<tr>
          <td>${y.year}</td><td class="num">${y.jobs_closed}</td><td class="num"><${Money} amount=${y.revenue_usd} currency="USD" /></td>
          <td class="num">${y.yoy_growth_percent === null ? '—' : `${y.yoy_growth_percent > 0 ? '+' : ''}${percent(y.yoy_growth_percent)}`}</td>
          <td class="num">${y.client_countries}</td>
          <td>${y.by_country.map((c) => html`<span class="chip">${c.country}: ${c.jobs_closed} · USD ${amount(c.revenue_usd)}</span>`)}</td>
        </tr>`)}</tbody>
      </table>
      ${r.unconverted.length ? html`<h3>${t('reports.unconverted')}</h3><ul class="plain">
        ${r.unconverted.map((u) => html`<li><a href=${`/app/jobs/${u.job_id}`}>${u.number}</a> · <${Money} amount=${u.amount} currency=${u.currency} /> · ${date(u.closed_at)}</li>`)}</ul>` : null}
    <//>`}
  </section>`;
}

/** Revenue per year as bars (SVG drawn here), each labelled with its growth. */
function TradeChart({ years }) {
  if (!years.length) return html`<p class="muted">${t('reports.noYears')}</p>`;
  const max = Math.max(...years.map((y) => Number(y.revenue_usd)), 1);
  const w = 640;
  const h = 220;
  const barW = Math.min(64, (w - 40) / years.length - 12);
  const step = (w - 40) / years.length;
  const millions = (v) => `${number(Number(v) / 1e6, 1)} M`;
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${w} ${h + 40}`} role="img" aria-labelledby="trade-chart-t">
      <title id="trade-chart-t">${t('reports.chartTitle', { from: years[0].year, to: years[years.length - 1].year })}</title>
      <line x1="30" y1=${h} x2=${w - 10} y2=${h} class="axis" />
      ${years.map((y, i) => {
        const bh = (Number(y.revenue_usd) / max) * (h - 40);
        const x = 40 + i * step;
        return html`<g>
          <rect x=${x} y=${h - bh} width=${barW} height=${bh} class="bar-rect" />
          <text x=${x + barW / 2} y=${h - bh - 18} class="value">${millions(y.revenue_usd)}</text>
          <text x=${x + barW / 2} y=${h - bh - 4} class="growth">${y.yoy_growth_percent === null ? '' : `${y.yoy_growth_percent > 0 ? '+' : ''}${number(y.yoy_growth_percent)} %`}</text>
          <text x=${x + barW / 2} y=${h + 18} class="label">${y.year}</text>
        </g>`;
      })}
    </svg>
    <figcaption>${t('reports.chartCaption')}</figcaption>
  </figure>`;
}

function Utilisation() {
  const today = yardToday();
  const [range, setRange] = useState({ from: addDays(today, -30), to: addDays(today, 30) });
  const report = useAsync(() => api.get('/reports/dock-utilization', { from: iso(atYard(range.from)), to: iso(atYard(range.to)) }), [range.from, range.to]);
  return html`<section class="card" aria-labelledby="util-h">
    <h2 id="util-h">${t('reports.utilisation')}</h2>
    <div class="pair">
      <${TextField} label=${t('reports.from')} type="date" value=${range.from} onValue=${(v) => v && setRange((x) => ({ ...x, from: v }))} />
      <${TextField} label=${t('reports.to')} type="date" value=${range.to} onValue=${(v) => v && setRange((x) => ({ ...x, to: v }))} />
    </div>
    <p class="muted">${t('common.zone', { zone: yardZone() })}</p>
    ${report.error ? html`<${Failure} error=${report.error} />` : null}
    ${report.data ? html`<ul class="meters">${report.data.items.map((d) => html`<li>
      <span class="meter-name">${d.dock_name}</span>
      <span class="meter" aria-hidden="true"><span class="meter-fill" style=${{ width: `${Math.min(100, d.utilization_percent)}%` }}></span></span>
      <span class="num">${percent(d.utilization_percent)} <span class="muted">(${number(d.booked_hours, 0)} / ${number(d.window_hours, 0)} h)</span></span>
    </li>`)}</ul>` : (report.error ? null : html`<${Loading} />`)}
  </section>`;
}

function Backlog() {
  const report = useAsync(() => api.get('/reports/backlog'), []);
  const r = report.data;
  return html`<section class="card" aria-labelledby="backlog-h">
    <h2 id="backlog-h">${t('reports.backlog')}</h2>
    ${report.error ? html`<${Failure} error=${report.error} />` : null}
    ${!r ? (report.error ? null : html`<${Loading} />`) : html`<${Fragment}>
      <ul class="counts">${Object.entries(r.by_status).map(([s, n]) => html`<li><a href=${`/app/jobs?status=${s}`}><${StatusBadge} status=${s} /> <strong>${n}</strong></a></li>`)}</ul>
      <h3>${t('reports.overdue')}</h3>
      ${r.overdue.length ? html`<table class="list compact"><caption class="visually-hidden">${t('reports.overdue')}</caption>
        <thead><tr><th scope="col">${t('field.number')}</th><th scope="col">${t('field.vessel')}</th><th scope="col">${t('field.planned_end')}</th><th scope="col">${t('field.status')}</th></tr></thead>
        <tbody>${r.overdue.map((o) => html`<tr><td><a href=${`/app/jobs/${o.job_id}`}>${o.number}</a></td><td>${o.vessel_name}</td>
          <td>${date(o.planned_end)}</td><td><${StatusBadge} status=${o.status} /></td></tr>`)}</tbody></table>`
        : html`<p class="muted">${t('reports.noOverdue')}</p>`}
    <//>`}
  </section>`;
}

function Expiring() {
  const [days, setDays] = useState('60');
  const report = useAsync(() => api.get('/reports/certifications-expiring', { within_days: days }), [days]);
  return html`<section class="card" aria-labelledby="expiring-h">
    <div class="card-head">
      <h2 id="expiring-h">${t('reports.expiring')}</h2>
      <${TextField} label=${t('reports.withinDays')} type="number" min="0" value=${days} onValue=${(v) => v !== '' && setDays(v)} class="inline" />
    </div>
    ${report.error ? html`<${Failure} error=${report.error} />` : null}
    ${report.data ? (report.data.items.length ? html`<table class="list compact"><caption class="visually-hidden">${t('reports.expiring')}</caption>
      <thead><tr><th scope="col">${t('field.technician')}</th><th scope="col">${t('field.certification_type')}</th><th scope="col">${t('field.certificate_number')}</th>
        <th scope="col">${t('field.expires_on')}</th><th scope="col">${t('field.status')}</th></tr></thead>
      <tbody>${report.data.items.map((c) => html`<tr><td><a href=${`/app/technicians/${c.technician_id}`}>${c.full_name}</a></td>
        <td>${c.certification_type}</td><td>${c.certificate_number}</td><td>${calendarDate(c.expires_on)}</td>
        <td><span class=${`badge ${c.expired ? 'cert-expired' : 'cert-expiring'}`}><span class="dot" aria-hidden="true"></span>${c.expired ? t('reports.expired') : t('reports.expiringSoon')}</span></td></tr>`)}</tbody></table>`
      : html`<p class="muted">${t('reports.noneExpiring')}</p>`) : (report.error ? null : html`<${Loading} />`)}
  </section>`;
}
