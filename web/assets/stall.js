// The stall screen (/stall/{id}): signs in with the stall's device token, listens to the stall's
// payment events, announces each new credit once, keeps today's total and history, and runs
// dynamic-QR sales. All state lives in this module; the server is the source of truth and the
// screen re-reads it after every reconnect.

import { ApiClient, ApiError, errorText } from './api.js';
import { StallEventStream } from './event_stream.js';
import { Announcer, SpokenSet } from './voice.js';
import {
  el, flagLabels, formatVnd, outcomeClass, outcomeLabel, parseAmountInput, vnTime, vnToday,
} from './format.js';

const $ = (id) => document.getElementById(id);

// Replayed events arriving this close together belong to one reconnect burst: one summary.
const MISSED_SETTLE_MS = 600;
// While a sale is open the order is also polled, in case the event link is down.
const ORDER_POLL_MS = 5000;
const HISTORY_LIMIT = 200;
const QUICK_AMOUNTS = [10000, 20000, 50000, 100000, 200000, 500000];

const stallId = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop() || '');
const tokenKey = `cho4.device.${stallId}`;
const cursorKey = `cho4.cursor.${stallId}`;

const state = {
  api: null,
  stream: null,
  stall: null,
  spoken: new SpokenSet(`cho4.spoken.${stallId}`),
  announcer: new Announcer(),
  historyIds: new Set(),
  missed: [],
  missedTimer: null,
  hadCursorAtConnect: false,
  order: null,
  orderPoll: null,
  qrUrl: null,
  day: vnToday(),
};

// ---- Sign-in -----------------------------------------------------------------------------------

function tokenFromUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const t = params.get('token') || new URLSearchParams(location.search).get('token');
  if (t) {
    // The token must not stay in the address bar, history or a shared screenshot.
    history.replaceState(null, '', location.pathname);
  }
  return t;
}

function showSignIn(message = '') {
  state.stream?.stop();
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message;
  setConn('offline', 'Chưa đăng nhập');
}

async function signIn(token) {
  const api = new ApiClient(token);
  try {
    state.stall = await api.get(`/v1/stalls/${encodeURIComponent(stallId)}`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) {
      localStorage.removeItem(tokenKey);
      showSignIn(e.status === 404 ? 'Không tìm thấy quầy này.' : errorText(e));
      return;
    }
    // Server unreachable: keep the token, show the screen and let the stream retry.
    $('signin-error').textContent = '';
  }
  localStorage.setItem(tokenKey, token);
  state.api = api;
  $('signin').hidden = true;
  $('app').hidden = false;
  renderStallTitle();
  await Promise.all([loadHistory(), loadTotals()]);
  startStream(token);
}

function renderStallTitle() {
  const s = state.stall;
  $('stall-title').textContent = s ? `${s.number ? `Quầy ${s.number} · ` : ''}${s.name || ''}` : `Quầy ${stallId}`;
  document.title = `cho4 · ${$('stall-title').textContent}`;
}

// ---- Connection --------------------------------------------------------------------------------

const CONN_TEXT = {
  online: '● Đã kết nối',
  connecting: '● Đang kết nối…',
  offline: '● Mất kết nối – đang thử lại',
};

function setConn(kind, text) {
  const c = $('conn');
  c.className = `conn ${kind}`;
  c.textContent = text || CONN_TEXT[kind];
  document.body.dataset.conn = kind;
}

function startStream(token) {
  state.stream?.stop();
  const stored = localStorage.getItem(cursorKey);
  state.stream = new StallEventStream({
    stallId,
    token,
    cursor: stored,
    callbacks: {
      onState: (s, why) => {
        if (s === 'connecting') state.hadCursorAtConnect = state.stream?.cursor !== null;
        if (s === 'offline' && why === 'auth') return;
        setConn(s);
        if (s === 'online') {
          // Whatever happened while away (orders, totals) is re-read; events replay on their own.
          loadTotals();
          if (state.order) pollOrder();
        }
      },
      onEvent: onEvent,
      onCursor: (c) => localStorage.setItem(cursorKey, c),
      onTruncated: () => {
        // The server no longer holds the events after our cursor: re-read the day instead.
        loadHistory();
        loadTotals();
      },
      onAuthFailed: () => {
        localStorage.removeItem(tokenKey);
        showSignIn('Mã thiết bị đã bị thu hồi hoặc không hợp lệ. Xin mã mới từ ban quản lý.');
      },
    },
  });
  state.stream.start();
}

window.addEventListener('online', () => state.stream?.reconnectNow());

// ---- Events ------------------------------------------------------------------------------------

function creditKey(evt) {
  return String(evt.credit_id ?? evt.id ?? `seq:${evt.seq}`);
}

function onEvent(evt, meta) {
  if (vnToday() !== state.day) {
    state.day = vnToday();
    loadHistory();
  }
  const key = creditKey(evt);
  addToHistory(normaliseEvent(evt), true);
  scheduleTotals();
  if (state.order && (evt.order_id === state.order.id ||
      (evt.order_reference && evt.order_reference === state.order.reference))) {
    applyOrderEvent(evt);
  }
  if (state.spoken.has(key)) return; // announced before (redelivery, reload, second replay)
  if (meta.replayed) {
    state.spoken.add(key); // never announced one by one: summarised below
    if (state.hadCursorAtConnect) {
      state.missed.push(evt);
      clearTimeout(state.missedTimer);
      state.missedTimer = setTimeout(flushMissed, MISSED_SETTLE_MS);
    }
    return;
  }
  if (state.missed.length) flushMissed();
  state.spoken.add(key);
  showLatest(evt);
  const alarm = evt.outcome === 'underpaid' || (evt.flags ?? []).includes('below_minimum');
  state.announcer.say(evt.speech || evt.display, { alarm });
}

function flushMissed() {
  clearTimeout(state.missedTimer);
  const list = state.missed;
  state.missed = [];
  if (!list.length) return;
  const incoming = list.filter((e) => e.direction !== 'outgoing' && e.direction !== 'out');
  const total = incoming.reduce((s, e) => s + (Number(e.amount_vnd) || 0), 0);
  const short = list.filter((e) => e.outcome === 'underpaid').length;
  const text = `Trong lúc mất kết nối: ${list.length} giao dịch, tổng ${formatVnd(total)}` +
    (short ? ` (${short} khoản THIẾU tiền – xem lịch sử)` : '');
  $('missed-text').textContent = text;
  $('missed').hidden = false;
  $('missed').dataset.count = String(list.length);
  const spoken = `Trong lúc mất kết nối có ${list.length} giao dịch. Xem lịch sử.` +
    (short ? ` Có ${short} khoản thiếu tiền.` : '');
  state.announcer.say(spoken, { alarm: short > 0 });
}

// Credit JSON (history) and event JSON (stream) name a few fields differently.
function normaliseEvent(e) {
  return {
    id: String(e.credit_id ?? e.id),
    outcome: e.outcome,
    direction: e.direction,
    amount_vnd: e.amount_vnd,
    order_reference: e.order_reference,
    shortfall_vnd: e.shortfall_vnd,
    excess_vnd: e.excess_vnd,
    flags: e.flags ?? [],
    at: e.received_at ?? e.occurred_at,
    display: e.display,
    description: e.description,
  };
}

function showLatest(evt) {
  const card = $('latest');
  const cls = (evt.flags ?? []).includes('below_minimum') ? 'warn' : outcomeClass(evt.outcome);
  card.className = `latest ${cls} flash`;
  card.dataset.outcome = evt.outcome ?? '';
  card.dataset.creditId = creditKey(evt);
  $('latest-outcome').textContent = outcomeLabel(evt.outcome);
  const out = evt.direction === 'outgoing' || evt.direction === 'out';
  $('latest-amount').textContent = `${out ? '−' : '+'}${formatVnd(evt.amount_vnd)}`;
  const shortfall = Number(evt.shortfall_vnd) || 0;
  $('latest-shortfall').hidden = !(evt.outcome === 'underpaid' && shortfall > 0);
  $('latest-shortfall').textContent = shortfall > 0
    ? `THIẾU ${formatVnd(shortfall)}${evt.order_amount_vnd ? ` (đơn ${formatVnd(evt.order_amount_vnd)})` : ''}`
    : '';
  const alarms = [];
  if ((Number(evt.excess_vnd) || 0) > 0) alarms.push(`Khách trả thừa ${formatVnd(evt.excess_vnd)} – cần trả lại`);
  if ((evt.flags ?? []).includes('below_minimum')) alarms.push('Số tiền nhỏ bất thường – kiểm tra kỹ trước khi giao hàng');
  if (evt.outcome === 'paid_again') alarms.push('Đơn này đã được trả trước đó');
  $('latest-alarm').hidden = alarms.length === 0;
  $('latest-alarm').textContent = alarms.join(' · ');
  $('latest-reference').textContent = evt.order_reference ? `Đơn ${evt.order_reference}` : 'Chuyển khoản vào mã QR cố định';
  $('latest-display').textContent = evt.display ?? '';
  $('latest-speech').textContent = evt.speech ? `Đọc: “${evt.speech}”` : '';
  $('latest-time').textContent = vnTime(evt.received_at ?? evt.occurred_at);
  // Restart the flash animation for back-to-back payments.
  void card.offsetWidth;
}

// ---- History and totals ------------------------------------------------------------------------

function historyItem(c) {
  const cls = (c.flags ?? []).includes('below_minimum') ? 'warn' : outcomeClass(c.outcome);
  const out = c.direction === 'outgoing' || c.direction === 'out';
  const notes = [];
  if ((Number(c.shortfall_vnd) || 0) > 0) notes.push(`thiếu ${formatVnd(c.shortfall_vnd)}`);
  if ((Number(c.excess_vnd) || 0) > 0) notes.push(`thừa ${formatVnd(c.excess_vnd)}`);
  notes.push(...flagLabels(c.flags));
  return el('li', { class: `h-item ${cls}`, 'data-credit-id': c.id, 'data-outcome': c.outcome },
    el('span', { class: 'h-time', text: vnTime(c.at) }),
    el('span', { class: 'h-amount', text: `${out ? '−' : '+'}${formatVnd(c.amount_vnd)}` }),
    el('span', { class: 'h-outcome', text: outcomeLabel(c.outcome) }),
    el('span', { class: 'h-ref', text: c.order_reference ? `Đơn ${c.order_reference}` : (c.description ?? '') }),
    notes.length ? el('span', { class: 'h-notes', text: notes.join(' · ') }) : null);
}

function addToHistory(c, atTop) {
  const list = $('history');
  const existing = list.querySelector(`[data-credit-id="${CSS.escape(c.id)}"]`);
  const item = historyItem(c);
  if (existing) existing.replaceWith(item);
  else if (atTop) list.prepend(item);
  else list.append(item);
  state.historyIds.add(c.id);
  $('history-empty').hidden = true;
}

async function loadHistory() {
  if (!state.api) return;
  try {
    const r = await state.api.get(
      `/v1/stalls/${encodeURIComponent(stallId)}/credits?date=${state.day}&limit=${HISTORY_LIMIT}`);
    const credits = r?.credits ?? [];
    $('history').replaceChildren();
    state.historyIds.clear();
    // Newest first, whatever order the server pages in.
    credits.map((c) => ({ ...normaliseEvent(c), description: c.description }))
      .sort((a, b) => String(b.at).localeCompare(String(a.at)))
      .forEach((c) => addToHistory(c, false));
    // History is not marked as announced: credits this device missed while closed come back
    // through the stream as replays after its stored cursor and are summarised, never spoken
    // one by one; a device without a cursor starts at the server's latest event.
    $('history-empty').hidden = credits.length > 0;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) showSignIn(errorText(e));
  }
}

let totalsTimer = null;
function scheduleTotals() {
  clearTimeout(totalsTimer);
  totalsTimer = setTimeout(loadTotals, 200);
}

async function loadTotals() {
  if (!state.api) return;
  try {
    const t = await state.api.get(`/v1/stalls/${encodeURIComponent(stallId)}/totals?date=${state.day}`);
    $('today-total').textContent = formatVnd(t.total_in_vnd ?? 0);
    $('today-count').textContent = `${t.count ?? 0} giao dịch` +
      ((t.total_out_vnd ?? 0) > 0 ? ` · đã chuyển ra ${formatVnd(t.total_out_vnd)}` : '');
  } catch {
    // Totals come back with the next event or reconnect.
  }
}

// ---- Sales (dynamic QR) ------------------------------------------------------------------------

function openSaleForm() {
  $('sale-error').textContent = '';
  $('sale-amount').value = '';
  $('sale-note').value = '';
  $('sale-form').showModal();
  $('sale-amount').focus();
}

async function createSale(ev) {
  ev.preventDefault();
  const amount = parseAmountInput($('sale-amount').value);
  if (amount === null) {
    $('sale-error').textContent = 'Nhập số tiền, ví dụ 60.000';
    return;
  }
  const note = $('sale-note').value.trim();
  $('sale-create').disabled = true;
  try {
    const order = await state.api.post(`/v1/stalls/${encodeURIComponent(stallId)}/orders`,
      note ? { amount_vnd: amount, note } : { amount_vnd: amount });
    $('sale-form').close();
    await showSale(order);
  } catch (e) {
    $('sale-error').textContent = errorText(e);
  } finally {
    $('sale-create').disabled = false;
  }
}

async function showSale(order) {
  state.order = order;
  $('sale-screen-amount').textContent = formatVnd(order.amount_vnd);
  $('sale-reference').textContent = `Mã đơn ${order.reference}`;
  $('sale-note-text').textContent = order.note ? `· ${order.note}` : '';
  $('sale-expires').textContent = order.expires_at ? `Hết hạn lúc ${vnTime(order.expires_at)}` : '';
  $('sale-screen-error').textContent = '';
  $('sale-shortfall').hidden = true;
  $('sale-cancel').hidden = false;
  $('sale-close').hidden = true;
  setSaleState('open', 'Quét mã để thanh toán');
  $('sale-screen').hidden = false;
  document.body.classList.add('covered');
  try {
    const png = await state.api.get(order.qr_png || `/v1/orders/${encodeURIComponent(order.id)}/qr.png`, { accept: 'blob' });
    if (state.qrUrl) URL.revokeObjectURL(state.qrUrl);
    state.qrUrl = URL.createObjectURL(png);
    const img = $('sale-qr');
    img.hidden = false;
    img.src = state.qrUrl;
    await img.decode().catch(() => {});
    img.dataset.orderId = order.id;
  } catch (e) {
    $('sale-screen-error').textContent = `Không tải được mã QR: ${errorText(e)}`;
  }
  clearInterval(state.orderPoll);
  state.orderPoll = setInterval(pollOrder, ORDER_POLL_MS);
}

function setSaleState(status, text) {
  const s = $('sale-state');
  s.dataset.status = status;
  s.textContent = text;
  $('sale-screen').dataset.status = status;
}

function applyOrderStatus(order) {
  if (!state.order || order.id !== state.order.id) return;
  state.order = { ...state.order, ...order };
  const paid = Number(order.paid_vnd) || 0;
  const amount = Number(order.amount_vnd) || 0;
  switch (order.status) {
    case 'paid':
      finishSale('paid', 'Đã nhận');
      break;
    case 'overpaid':
      finishSale('overpaid', `Đã nhận – khách trả thừa ${formatVnd(paid - amount)}`);
      break;
    case 'underpaid':
      setSaleState('underpaid', 'THIẾU TIỀN – chưa giao hàng');
      $('sale-shortfall').hidden = false;
      $('sale-shortfall').textContent = `Còn thiếu ${formatVnd(amount - paid)} (đã nhận ${formatVnd(paid)})`;
      break;
    case 'expired':
      finishSale('expired', 'Đơn đã hết hạn');
      break;
    case 'cancelled':
      finishSale('cancelled', 'Đơn đã huỷ');
      break;
    default:
      break;
  }
}

function applyOrderEvent(evt) {
  const amount = Number(evt.order_amount_vnd ?? state.order.amount_vnd) || 0;
  const paid = Number(evt.paid_vnd) || 0;
  const status = {
    paid: 'paid', overpaid: 'overpaid', underpaid: 'underpaid', paid_again: 'overpaid', late: null,
  }[evt.outcome];
  if (status) applyOrderStatus({ id: state.order.id, status, amount_vnd: amount, paid_vnd: paid });
  else pollOrder();
}

function finishSale(status, text) {
  clearInterval(state.orderPoll);
  setSaleState(status, text);
  $('sale-cancel').hidden = true;
  $('sale-close').hidden = false;
  if (status === 'paid' || status === 'overpaid') $('sale-shortfall').hidden = true;
}

async function pollOrder() {
  if (!state.order || !state.api) return;
  try {
    applyOrderStatus(await state.api.get(`/v1/orders/${encodeURIComponent(state.order.id)}`));
  } catch {
    // The next poll or event will tell.
  }
}

async function cancelSale() {
  if (!state.order) return;
  $('sale-cancel').disabled = true;
  try {
    const r = await state.api.post(`/v1/orders/${encodeURIComponent(state.order.id)}/cancel`, {});
    applyOrderStatus(r && r.id ? r : { id: state.order.id, status: 'cancelled' });
    closeSale();
  } catch (e) {
    // Paid in the meantime: the server refuses, and the screen shows what happened.
    $('sale-screen-error').textContent = errorText(e);
    pollOrder();
  } finally {
    $('sale-cancel').disabled = false;
  }
}

function closeSale() {
  clearInterval(state.orderPoll);
  state.order = null;
  $('sale-screen').hidden = true;
  $('sale-qr').removeAttribute('src');
  document.body.classList.remove('covered');
}

// ---- Static QR ---------------------------------------------------------------------------------

function showStatic() {
  const s = state.stall;
  $('static-qr').src = `/v1/stalls/${encodeURIComponent(stallId)}/qr.png?size=8`;
  $('static-info').textContent = s
    ? `${s.holder_name ?? ''} · ${s.bank_name || s.bank_code || s.bank_bin || ''} · ${s.account ?? ''}`
    : '';
  $('static-screen').hidden = false;
  document.body.classList.add('covered');
}

// ---- Wiring ------------------------------------------------------------------------------------

function init() {
  if (!stallId || stallId === 'stall') {
    showSignIn('Địa chỉ không có mã quầy (dạng /stall/<mã quầy>).');
    return;
  }
  const chips = $('sale-chips');
  for (const a of QUICK_AMOUNTS) {
    chips.append(el('button', {
      type: 'button', class: 'chip', text: formatVnd(a),
      onclick: () => { $('sale-amount').value = String(a); },
    }));
  }
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('signin-token').value.trim();
    if (t) signIn(t);
  });
  $('sound').addEventListener('click', () => {
    state.announcer.unlock();
    $('sound').hidden = true;
    state.announcer.say('Đã bật âm thanh báo tiền');
  });
  $('missed-close').addEventListener('click', () => { $('missed').hidden = true; });
  $('new-sale').addEventListener('click', openSaleForm);
  $('sale-form-inner').addEventListener('submit', (e) => {
    if (e.submitter?.value === 'cancel') return;
    createSale(e);
  });
  $('sale-cancel').addEventListener('click', cancelSale);
  $('sale-close').addEventListener('click', closeSale);
  $('show-static').addEventListener('click', showStatic);
  $('static-close').addEventListener('click', () => {
    $('static-screen').hidden = true;
    document.body.classList.remove('covered');
  });
  $('signout').addEventListener('click', () => {
    localStorage.removeItem(tokenKey);
    showSignIn('');
  });
  // A sign-in link opened while this page is already showing only changes the hash.
  window.addEventListener('hashchange', () => {
    const t = tokenFromUrl();
    if (t) signIn(t);
  });
  const token = tokenFromUrl() || localStorage.getItem(tokenKey);
  if (token) signIn(token);
  else showSignIn('');
}

init();
