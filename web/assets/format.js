// Vietnamese formatting shared by the stall screen and the dashboard. Pure functions.

const NBSP = '\u00a0';
const VN_OFFSET_MS = 7 * 3600 * 1000; // Vietnam has no daylight saving: always UTC+7.

// 60000 → "60.000 ₫" ('.' groups thousands, a no-break space before the đồng sign).
export function formatVnd(amount) {
  const n = Math.trunc(Number(amount) || 0);
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${digits}${NBSP}₫`;
}

// What a person types into the amount box: "60000", "60.000", "60 000", "60k", "1,5tr".
// Returns whole đồng, or null when the text is not an amount.
export function parseAmountInput(text) {
  const t = String(text ?? '').trim().toLowerCase().replace(/\s+/g, '').replace(/đ|₫|vnd$/g, '');
  if (t === '') return null;
  const unit = t.match(/^([0-9]+(?:[.,][0-9]+)?)(k|n|nghìn|ngàn|tr|triệu)$/);
  if (unit) {
    const base = Number(unit[1].replace(',', '.'));
    const mult = ['k', 'n', 'nghìn', 'ngàn'].includes(unit[2]) ? 1000 : 1000000;
    const v = Math.round(base * mult);
    return Number.isSafeInteger(v) && v > 0 ? v : null;
  }
  if (!/^[0-9]{1,3}([.,][0-9]{3})*$|^[0-9]+$/.test(t)) return null;
  const v = Number(t.replace(/[.,]/g, ''));
  return Number.isSafeInteger(v) && v > 0 ? v : null;
}

// Today's date in Vietnam, "YYYY-MM-DD", for the ?date= of totals and history.
export function vnToday(nowMs = Date.now()) {
  return new Date(nowMs + VN_OFFSET_MS).toISOString().slice(0, 10);
}

// RFC 3339 → "14:05" in Vietnam's time.
export function vnTime(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(11, 16);
}

// RFC 3339 → "29/11 14:05".
export function vnDateTime(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const s = new Date(ms + VN_OFFSET_MS).toISOString();
  return `${s.slice(8, 10)}/${s.slice(5, 7)} ${s.slice(11, 16)}`;
}

// Outcome names of the ledger (docs/api.md) → short Vietnamese labels and a colour class.
const OUTCOMES = {
  paid: ['Đã nhận đủ', 'ok'],
  static: ['Đã nhận', 'ok'],
  static_qr: ['Đã nhận', 'ok'],
  underpaid: ['THIẾU TIỀN', 'bad'],
  overpaid: ['Trả thừa', 'warn'],
  paid_again: ['Trả lại lần nữa', 'warn'],
  late: ['Trả muộn', 'warn'],
  suspense: ['Chờ xử lý', 'warn'],
  outgoing: ['Đã chuyển ra', 'neutral'],
  duplicate: ['Trùng lặp', 'neutral'],
  conflict: ['Xung đột', 'bad'],
  probable_duplicate: ['Có thể trùng', 'warn'],
};

export function outcomeLabel(outcome) {
  return (OUTCOMES[outcome] ?? [String(outcome ?? ''), 'neutral'])[0];
}

export function outcomeClass(outcome) {
  return (OUTCOMES[outcome] ?? ['', 'neutral'])[1];
}

const FLAGS = {
  late: 'muộn',
  below_minimum: 'số tiền nhỏ bất thường',
  date_only: 'ngân hàng chỉ báo ngày',
};

export function flagLabels(flags) {
  return (flags ?? []).map((f) => FLAGS[f] ?? f);
}

// Builds an element: el('div', {class: 'x', text: 'y'}, child, …). Text is always set as text,
// never parsed as HTML, so nothing the server or a payer wrote can inject markup.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
