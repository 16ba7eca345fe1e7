// Pricing a spec item or a variation: a lump sum, a unit rate, or the yard's tariff with
// its surcharges. The line is priced by the API (POST /jobs/{id}/priced-lines) as it is
// typed, so the amount shown before saving is the one the server will store: the rule
// lives in the server only.
import { html, useEffect, useState } from '../../lib.js';
import { api, everything } from '../../api.js';
import { t } from '../../i18n.js';
import { amount, money } from '../../format.js';
import { CheckField, SelectField, TextField, fieldError, useAsync } from '../../ui.js';

export const UNITS = ['t', 'kg', 'm', 'm2', 'm3', 'pcs', 'h', 'day', 'lot', 'set'];

/** An empty price (none, or `basis` when given). */
export function noPrice(basis = '') {
  return { basis, amount: '', quantity: '', unit: 't', unit_price: '', discount_percent: '', tariff_code: '', modifiers: [] };
}

/** The price as the API takes it, or null for none. */
export function priceRequest(p) {
  const text = (v) => String(v ?? '').trim();
  const discount = text(p.discount_percent) || undefined;
  switch (p.basis) {
    case 'lump_sum':
      return { basis: 'lump_sum', amount: text(p.amount) };
    case 'unit_rate':
      return { basis: 'unit_rate', quantity: text(p.quantity), unit: p.unit, unit_price: text(p.unit_price), discount_percent: discount };
    case 'tariff':
      return { basis: 'tariff', tariff_code: p.tariff_code, quantity: text(p.quantity), modifiers: p.modifiers, discount_percent: discount };
    default:
      return null;
  }
}

/** A priced line in words: `4.200 t x USD 4,940.00 - 5 % = USD 19,710.60`. */
export function lineInWords(line) {
  if (!line) return '';
  const total = money(line.amount, line.currency);
  if (line.basis === 'lump_sum') return t('price.lumpSumIs', { amount: total });
  // 4.200 t, 48 pcs: the quantity as a person writes it.
  const quantity = line.quantity.includes('.') ? line.quantity.replace(/\.?0+$/, '') : line.quantity;
  const parts = [`${quantity} ${t(`unit.${line.unit}`)} × ${money(line.unit_price, line.currency)}`];
  if (Number(line.discount_percent) > 0) parts.push(`− ${amount(line.discount_percent)} %`);
  return `${parts.join(' ')} = ${total}`;
}

/** Where a tariff line's unit price came from: the tariff's, its surcharges, the rate. */
export function tariffInWords(line) {
  if (line?.basis !== 'tariff') return '';
  const surcharges = line.modifiers.map((m) => `${m.code} ${Number(m.percent) > 0 ? '+' : ''}${amount(m.percent)} %`).join(', ');
  return t('price.fromTariff', {
    code: line.tariff_code,
    price: money(line.tariff_unit_price),
    surcharges: surcharges || t('price.noSurcharge'),
  }) + (line.fx_rate ? ` · ${t('price.rate', { rate: line.fx_rate, from: line.tariff_unit_price.currency, to: line.currency })}` : '');
}

/**
 * The price fields of a line, and the line priced by the API as it is typed. `value`
 * and `onValue` carry the fields; `error` is the refusal of the save (fields `price.*`).
 */
export function PriceEditor({ job, value, onValue, error, allowNone = true }) {
  const tariff = useAsync(() => (value.basis === 'tariff' ? everything('/tariff-items') : Promise.resolve(null)), [value.basis === 'tariff']);
  const surcharges = useAsync(() => (value.basis === 'tariff' ? everything('/tariff-modifiers') : Promise.resolve(null)), [value.basis === 'tariff']);
  const [preview, setPreview] = useState({ line: null, error: null });
  const set = (name) => (v) => onValue({ ...value, [name]: v });
  const request = priceRequest(value);
  const key = JSON.stringify(request);
  useEffect(() => {
    setPreview({ line: null, error: null });
    if (!request) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      api.post(`/jobs/${job.id}/priced-lines`, { price: request }).then(
        (line) => live && setPreview({ line, error: null }),
        (e) => live && setPreview({ line: null, error: e }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  const shown = error || preview.error;
  const err = (name) => fieldError(shown, `price.${name}`);
  const bases = [
    ...(allowNone ? [['', t('price.none')]] : []),
    ['tariff', t('price.basis.tariff')], ['unit_rate', t('price.basis.unit_rate')], ['lump_sum', t('price.basis.lump_sum')],
  ];
  const item = tariff.data?.find((x) => x.code === value.tariff_code);
  return html`<fieldset class="price">
    <legend>${t('price.legend', { currency: job.currency })}</legend>
    <${SelectField} label=${t('price.basis')} value=${value.basis} onValue=${(b) => onValue({ ...noPrice(b), basis: b })}
      options=${bases} error=${fieldError(error, 'price')} />
    ${value.basis === 'lump_sum' ? html`<${TextField} label=${t('field.amount')} value=${value.amount} onValue=${set('amount')}
      inputmode="decimal" error=${err('amount')} hint=${t('form.amountHint')} />` : null}
    ${value.basis === 'unit_rate' ? html`<div class="pair">
        <${TextField} label=${t('price.quantity')} value=${value.quantity} onValue=${set('quantity')} inputmode="decimal" error=${err('quantity')} />
        <${SelectField} label=${t('price.unit')} value=${value.unit} onValue=${set('unit')} options=${UNITS.map((u) => [u, t(`unit.${u}`)])} error=${err('unit')} />
      </div>
      <${TextField} label=${t('price.unitPrice', { currency: job.currency })} value=${value.unit_price} onValue=${set('unit_price')}
        inputmode="decimal" error=${err('unit_price')} />` : null}
    ${value.basis === 'tariff' ? html`
      <${SelectField} label=${t('price.tariffItem')} value=${value.tariff_code} onValue=${set('tariff_code')}
        placeholder=${tariff.loading ? t('state.loading') : t('form.choose')} error=${err('tariff_code')}
        options=${(tariff.data || []).map((x) => [x.code, `${x.code} · ${x.description} (${money(x.unit_price)} / ${t(`unit.${x.unit}`)})`])} />
      <${TextField} label=${item ? t('price.quantityIn', { unit: t(`unit.${item.unit}`) }) : t('price.quantity')} value=${value.quantity}
        onValue=${set('quantity')} inputmode="decimal" error=${err('quantity')} />
      ${surcharges.data?.length ? html`<fieldset class="checks"><legend>${t('price.surcharges')}</legend>
        ${err('modifiers') ? html`<p class="field-error">${err('modifiers')}</p>` : null}
        ${surcharges.data.slice().sort((a, b) => a.code.localeCompare(b.code)).map((m) => html`<${CheckField} key=${m.code}
          label=${`${m.code} · ${m.description} (${Number(m.percent) > 0 ? '+' : ''}${amount(m.percent)} %)`}
          checked=${value.modifiers.includes(m.code)}
          onValue=${(on) => onValue({ ...value, modifiers: on ? [...value.modifiers, m.code] : value.modifiers.filter((c) => c !== m.code) })} />`)}
      </fieldset>` : null}` : null}
    ${value.basis === 'unit_rate' || value.basis === 'tariff' ? html`<${TextField} label=${t('price.discount')} value=${value.discount_percent}
      onValue=${set('discount_percent')} inputmode="decimal" optional error=${err('discount_percent')} />` : null}
    ${request ? html`<output class="priced" aria-live="polite">
      ${preview.line ? html`<span>${lineInWords(preview.line)}</span>
        ${preview.line.basis === 'tariff' ? html`<span class="muted">${tariffInWords(preview.line)}</span>` : null}`
        : html`<span class="muted">${preview.error ? preview.error.message : t('price.pricing')}</span>`}
    </output>` : null}
  </fieldset>`;
}
