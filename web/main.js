// The app's frame: the session (restored through the cookie on every load), the yard,
// the header with the role's screens, and the route table. Each screen is one module in
// screens/.
import { html, render, useEffect, useState } from './lib.js';
import { api, currentUser, onSession, renew, signOut } from './api.js';
import { languages, language, onLanguage, setLanguage, t } from './i18n.js';
import { setZone } from './format.js';
import { interceptLinks, match, navigate, useLocation } from './router.js';
import { Loading, NotFound } from './ui.js';
import { Login } from './screens/login.js';
import { Board } from './screens/board.js';
import { Jobs } from './screens/jobs.js';
import { JobPage } from './screens/job/page.js';
import { Vessels } from './screens/vessels.js';
import { Docks } from './screens/docks.js';
import { Clients } from './screens/clients.js';
import { Users } from './screens/users.js';
import { Technicians, TechnicianPage } from './screens/technicians.js';
import { Reports } from './screens/reports.js';
import { MyWork } from './screens/my-work.js';
import { Notifications, useUnreadCount } from './screens/notifications.js';
import { Tariff } from './screens/tariff.js';
import { CostOverview } from './screens/cost.js';
import { CalendarButton } from './screens/calendar.js';

const MANAGER = ['manager'];
const ANYONE = ['manager', 'client', 'technician'];

/** [pattern, screen, roles allowed] */
const ROUTES = [
  ['/app/board', Board, MANAGER],
  ['/app/jobs', Jobs, ANYONE],
  ['/app/jobs/:id', JobPage, ANYONE],
  ['/app/vessels', Vessels, ['manager', 'client']],
  ['/app/docks', Docks, MANAGER],
  ['/app/technicians', Technicians, MANAGER],
  ['/app/technicians/:id', TechnicianPage, MANAGER],
  ['/app/clients', Clients, MANAGER],
  ['/app/users', Users, MANAGER],
  ['/app/reports', Reports, MANAGER],
  ['/app/tariff', Tariff, ['manager', 'client']],
  ['/app/cost', CostOverview, ['manager', 'client']],
  ['/app/my-work', MyWork, ['technician']],
  // Technicians hear of nothing: their day is the assignment in front of them.
  ['/app/notifications', Notifications, ['manager', 'client']],
];

/** Each role's screens in the header, its home first. */
const NAV = {
  manager: [
    ['/app/board', 'nav.board'], ['/app/jobs', 'nav.jobs'], ['/app/vessels', 'nav.vessels'],
    ['/app/docks', 'nav.docks'], ['/app/technicians', 'nav.technicians'], ['/app/clients', 'nav.clients'],
    ['/app/users', 'nav.users'], ['/app/tariff', 'nav.tariff'], ['/app/reports', 'nav.reports'],
  ],
  client: [['/app/jobs', 'nav.myJobs'], ['/app/vessels', 'nav.myFleet'], ['/app/cost', 'nav.cost']],
  technician: [['/app/my-work', 'nav.myWork']],
};

function home(user) {
  return NAV[user.role][0][0];
}

function Header({ user, yard, path }) {
  const [org, setOrg] = useState(null);
  const hears = user.role !== 'technician';
  const unread = useUnreadCount(path, hears);
  useEffect(() => {
    if (user.organization_id) api.get(`/organizations/${user.organization_id}`).then(setOrg, () => {});
  }, [user.organization_id]);
  const leave = async () => {
    await signOut().catch(() => {});
    navigate('/app/login', { replace: true });
  };
  return html`<header class="top">
    <a class="skip" href="#main">${t('nav.skip')}</a>
    <a class="brand" href=${home(user)}>Slipway${yard ? html` · <span>${yard.name}</span>` : null}</a>
    <nav aria-label=${t('nav.label')}>
      <ul>${NAV[user.role].map(([href, key]) => html`<li><a href=${href}
        aria-current=${path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>${t(key)}</a></li>`)}</ul>
    </nav>
    <div class="who">
      ${hears ? html`<a class="bell" href="/app/notifications" aria-current=${path === '/app/notifications' ? 'page' : undefined}>
        ${t('nav.notifications')}${unread ? html`<span class="visually-hidden">, </span><span class="count">${unread > 99 ? '99+' : unread}<span class="visually-hidden"> ${t('nav.unread')}</span></span>` : null}
      </a>` : null}
      <span class="user"><bdi>${user.full_name}</bdi><span class="muted"> · ${org ? html`<bdi>${org.name}</bdi>` : t(`role.${user.role}`)}</span></span>
      <label class="language"><span class="visually-hidden">${t('nav.language')}</span>
        <select value=${language()} onChange=${(e) => setLanguage(e.currentTarget.value)}>
          ${languages.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
        </select>
      </label>
      <${CalendarButton} user=${user} />
      <button type="button" class="secondary" onClick=${leave}>${t('nav.signOut')}</button>
    </div>
  </header>`;
}

function Screen({ user, yard, path }) {
  for (const [pattern, Component, roles] of ROUTES) {
    const params = match(pattern, path);
    if (params) {
      if (!roles.includes(user.role)) return html`<${NotFound} />`;
      return html`<${Component} key=${pattern} params=${params} user=${user} yard=${yard} />`;
    }
  }
  return html`<${NotFound} />`;
}

function App() {
  const [ready, setReady] = useState(false);
  const [user, setUser] = useState(currentUser());
  const [yard, setYard] = useState(null);
  const [, setTick] = useState(0);
  const { path, query } = useLocation();

  useEffect(() => {
    const stop = onSession(setUser);
    const quiet = onLanguage(() => setTick((n) => n + 1));
    renew().finally(() => setReady(true));
    return () => {
      stop();
      quiet();
    };
  }, []);
  useEffect(() => {
    if (!user) return;
    api.get('/yard').then((y) => {
      setZone(y.time_zone);
      setYard(y);
    }, () => setYard({ name: '', time_zone: 'UTC', currency: 'USD' }));
  }, [user?.id]);
  useEffect(() => {
    if (!ready) return;
    if (!user && path !== '/app/login') {
      const next = path.startsWith('/app/') && path !== '/app/' ? `?next=${encodeURIComponent(path + window.location.search)}` : '';
      navigate(`/app/login${next}`, { replace: true });
    } else if (user && (path === '/app/login' || path === '/app/' || path === '/app')) {
      const next = query.get('next');
      navigate(next && next.startsWith('/app/') ? next : home(user), { replace: true });
    }
  }, [ready, user?.id, path]);

  if (!ready || (user && !yard)) return html`<main id="main" class="boot"><${Loading} /></main>`;
  if (!user) return html`<main id="main" class="login-main"><${Login} /></main>`;
  return html`<${Header} user=${user} yard=${yard} path=${path} />
    <main id="main" tabindex="-1" class=${`role-${user.role}`}><${Screen} user=${user} yard=${yard} path=${path} /></main>`;
}

interceptLinks(document.body);
render(html`<${App} />`, document.getElementById('app'));
