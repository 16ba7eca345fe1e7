// The job page (/app/jobs/<id>), one page for the three roles, showing what the API lets
// the caller see. A client's opens on the decisions waiting for them (the quote,
// variations) with their amounts, then the cost position and the redelivery ledger,
// progress and the daily report;
// a manager's adds every action the API allows (actions.js): status moves (from
// GET /jobs/{id}/transitions, so the status machine lives in the server only), the quote
// and the contract's terms, spec items priced from the tariff, variations, assignments.
import { html, useState } from '../../lib.js';
import { api, everything } from '../../api.js';
import { t } from '../../i18n.js';
import { date, percent, yardZone } from '../../format.js';
import { Failure, Loading, Notice, Progress, StatusBadge, useAsync, useTitle } from '../../ui.js';
import { Decisions } from './decisions.js';
import { ManagerActions } from './actions.js';
import { Tasks } from './spec.js';
import { CostCard, TermsCard, Variations } from './money.js';
import { RedeliveryCard } from './redelivery.js';
import { DailyReport, Files, Timeline, WorkLogs } from './record.js';

export function JobPage({ params, user }) {
  const id = params.id;
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const changed = (words) => {
    setNotice(words || '');
    setVersion((v) => v + 1);
  };
  const job = useAsync(() => api.get(`/jobs/${id}`), [id, version]);
  // Read once for the page: the findings and tasks several sections show, and the files
  // shown beside them.
  const extras = useAsync(() => everything(`/jobs/${id}/additional-work`), [id, version]);
  const tasks = useAsync(() => everything(`/jobs/${id}/tasks`), [id, version]);
  const files = useAsync(() => everything(`/jobs/${id}/attachments`), [id, version]);
  useTitle(job.data ? `${job.data.number} · ${job.data.vessel.name}` : t('job.title'));
  if (job.error) return html`<${Failure} error=${job.error} />`;
  if (!job.data) return html`<${Loading} />`;
  const j = job.data;
  const staff = user.role !== 'client';
  const shared = { extras: extras.data || [], tasks: tasks.data || [], files: files.data || [] };
  return html`<article class=${`job-page ${user.role}`}>
    <header class="job-head">
      <h1>${j.number} · <bdi>${j.vessel.name}</bdi> <${StatusBadge} status=${j.status} /></h1>
      <p class="sub"><bdi>${j.title}</bdi>${j.vessel.imo_number ? ` · IMO ${j.vessel.imo_number}` : ''}
        · ${j.planned_start ? t('job.plannedRange', { from: date(j.planned_start), to: date(j.planned_end), zone: yardZone() }) : t('job.notPlanned')}</p>
    </header>
    <${Notice}>${notice}<//>
    ${user.role === 'client' ? html`<${Decisions} job=${j} version=${version} onChanged=${changed} ...${shared} />` : null}
    ${user.role === 'manager' ? html`<${ManagerActions} job=${j} version=${version} onChanged=${changed} />` : null}
    ${user.role !== 'technician' && !['requested', 'quoted'].includes(j.status) ? html`
      <${CostCard} job=${j} version=${version} />
      <${RedeliveryCard} job=${j} user=${user} version=${version} onChanged=${changed} />` : null}
    <div class="columns">
      <div class="main-col">
        <section class="card" aria-labelledby="progress-h">
          <h2 id="progress-h">${t('job.progress')}</h2>
          <${Progress} value=${j.progress_percent} />
          <p>${t('job.overall', { percent: percent(j.progress_percent) })}</p>
        </section>
        <${DailyReport} job=${j} version=${version} />
        <${Tasks} job=${j} user=${user} version=${version} onChanged=${changed} tasks=${tasks} />
        <${Files} job=${j} onChanged=${changed} ...${shared} />
        ${staff ? html`<${WorkLogs} job=${j} version=${version} />` : null}
      </div>
      <div class="side-col">
        ${user.role !== 'technician' ? html`<${TermsCard} job=${j} version=${version} />` : null}
        <${Variations} job=${j} user=${user} onChanged=${changed} ...${shared} />
        <${Timeline} job=${j} user=${user} version=${version} />
        <section class="card" aria-labelledby="spec-h">
          <h2 id="spec-h">${t('job.specification')}</h2>
          <p class="pre">${j.description || t('job.noDescription')}</p>
          <p class="muted">${t('field.priority')}: ${t(`priority.${j.priority}`)}</p>
        </section>
      </div>
    </div>
  </article>`;
}
