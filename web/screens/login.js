// Sign in (/app/login): email and password; the API's refusal (wrong login, throttling)
// in its own words. After sign-in main.js takes each role to its home screen.
import { html } from '../lib.js';
import { signIn } from '../api.js';
import { t } from '../i18n.js';
import { ErrorSummary, TextField, useForm, useSubmit, useTitle } from '../ui.js';

export function Login() {
  useTitle(t('login.title'));
  const [form, set] = useForm({ email: '', password: '' });
  const { run, busy, error } = useSubmit(() => signIn(form.email.trim(), form.password));
  const submit = (e) => {
    e.preventDefault();
    run();
  };
  return html`<section class="login">
    <h1>${t('login.title')}</h1>
    <p class="sub">${t('login.intro')}</p>
    <${ErrorSummary} error=${error} title=${error?.status === 429 ? t('login.throttled') : t('login.refused')} />
    <form onSubmit=${submit} novalidate>
      <${TextField} label=${t('field.email')} type="email" value=${form.email} onValue=${set('email')} autocomplete="username" required />
      <${TextField} label=${t('field.password')} type="password" value=${form.password} onValue=${set('password')} autocomplete="current-password" required />
      <button type="submit" class="primary wide" disabled=${busy}>${busy ? t('login.signingIn') : t('login.submit')}</button>
    </form>
  </section>`;
}
