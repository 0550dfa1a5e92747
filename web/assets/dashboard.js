// The market dashboard (/): a market manager's view of the market's stalls, signage, devices,
// money that needs a person (suspense, held, dead letters), the end-of-day report and statement
// reconciliation. Signs in with the market id and a manager token, both remembered on this device.

import { ApiClient, ApiError, errorText } from './api.js';
import { el, formatVnd, outcomeLabel, parseAmountInput, vnDateTime, vnToday } from './format.js';
import jsQR from './vendor/jsqr.js';
import qrcode from './vendor/qrcode-generator.js';

const $ = (id) => document.getElementById(id);
const SESSION_KEY = 'cho4.manager';

const state = { api: null, market: null, marketId: null, stalls: [], selected: new Set(), editing: null, tokensFor: null };

// ---- Sign-in -----------------------------------------------------------------------------------

function loadSession() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token') && hash.get('market')) {
    history.replaceState(null, '', location.pathname);
    return { market: hash.get('market'), token: hash.get('token') };
  }
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
  } catch {
    return null;
  }
}

function showSignIn(message) {
  $('app').hidden = true;
  $('signout').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
}

async function signIn(marketId, token) {
  const api = new ApiClient(token);
  try {
    state.market = await api.get(`/v1/markets/${encodeURIComponent(marketId)}`);
  } catch (e) {
    showSignIn(e instanceof ApiError && e.status === 404 ? 'Không tìm thấy chợ này.' : errorText(e));
    return;
  }
  localStorage.setItem(SESSION_KEY, JSON.stringify({ market: marketId, token }));
  state.api = api;
  state.marketId = marketId;
  $('market-title').textContent = `cho4 · ${state.market.name ?? 'Chợ'}${state.market.city ? `, ${state.market.city}` : ''}`;
  $('signin').hidden = true;
  $('app').hidden = false;
  $('signout').hidden = false;
  await loadStalls();
}

// ---- Status line -------------------------------------------------------------------------------

function say(kind, text) {
  const s = $('status');
  s.className = `notice ${kind}`;
  s.textContent = text;
  s.hidden = !text;
}

const mkt = () => `/v1/markets/${encodeURIComponent(state.marketId)}`;
const stallPath = (id) => `/v1/stalls/${encodeURIComponent(id)}`;

// ---- Stalls ------------------------------------------------------------------------------------

async function loadStalls() {
  try {
    const r = await state.api.get(`${mkt()}/stalls`);
    state.stalls = (r?.stalls ?? []).slice().sort((a, b) =>
      String(a.number).localeCompare(String(b.number), 'vi', { numeric: true }));
  } catch (e) {
    say('bad', errorText(e));
    return;
  }
  renderStats();
  renderStalls();
  fillStallSelects();
}

function renderStats() {
  const n = state.stalls.length;
  const withQr = state.stalls.filter((s) => s.has_qr !== false && s.static_payload).length;
  const active = state.stalls.filter((s) => (s.today?.count ?? 0) > 0).length;
  const total = state.stalls.reduce((t, s) => t + (Number(s.today?.total_vnd) || 0), 0);
  const count = state.stalls.reduce((t, s) => t + (Number(s.today?.count) || 0), 0);
  const pct = (k) => (n ? `${Math.round((100 * k) / n)}%` : '–');
  $('stats').replaceChildren(
    el('div', { class: 'stat' }, 'Số quầy', el('b', { text: String(n) })),
    el('div', { class: 'stat' }, 'Có mã QR', el('b', { text: pct(withQr), id: 'stat-qr' })),
    el('div', { class: 'stat' }, 'Có giao dịch hôm nay', el('b', { text: pct(active), id: 'stat-active' })),
    el('div', { class: 'stat' }, `Tổng hôm nay (${count} giao dịch)`, el('b', { text: formatVnd(total), id: 'stat-total' })),
  );
}

function stallCard(s) {
  const verified = s.verified === true;
  const active = (s.today?.count ?? 0) > 0;
  const check = el('input', {
    type: 'checkbox', 'aria-label': `Chọn quầy ${s.number} để in`, checked: state.selected.has(String(s.id)),
    onchange: (e) => {
      if (e.target.checked) state.selected.add(String(s.id));
      else state.selected.delete(String(s.id));
    },
  });
  return el('li', { class: 'stall-card', 'data-stall-id': s.id },
    el('div', {}, check),
    el('div', {},
      el('div', { class: 'name', text: `${s.number} · ${s.name}` }),
      el('div', { class: 'bank', text: `${s.holder_name ?? ''}` }),
      el('div', { class: 'bank', text: `${s.bank_name || s.bank_code || s.bank_bin || ''} · ${s.account ?? ''}${s.virtual_account ? ` (TK ảo ${s.virtual_account})` : ''}` }),
      el('div', {},
        el('span', { class: `badge ${verified ? 'ok' : 'warn'}`, text: verified ? 'Đã xác minh' : 'Chưa xác minh' }),
        el('span', { class: `badge ${s.static_payload ? 'ok' : 'bad'}`, text: s.static_payload ? 'Có mã QR' : 'Chưa có QR' }),
        el('span', { class: `badge ${active ? 'ok' : 'warn'}`, text: active ? 'Có giao dịch hôm nay' : 'Chưa có giao dịch hôm nay' })),
      el('div', { class: 'total', text: `${formatVnd(s.today?.total_vnd ?? 0)} · ${s.today?.count ?? 0} giao dịch` })),
    el('img', { class: 'qr-thumb', alt: `Mã QR cố định quầy ${s.number}`, loading: 'lazy', src: `${stallPath(s.id)}/qr.png?size=3` }),
    el('div', { class: 'tools' },
      el('button', { class: 'btn small', type: 'button', text: 'Sửa', onclick: () => openEdit(s) }),
      el('button', { class: 'btn small', type: 'button', text: 'Mã thiết bị', onclick: () => openTokens(s) }),
      el('a', { class: 'btn small', href: `/stall/${encodeURIComponent(s.id)}`, target: '_blank', text: 'Màn hình quầy' })));
}

function renderStalls() {
  $('stalls').replaceChildren(...state.stalls.map(stallCard));
  $('stalls-empty').hidden = state.stalls.length > 0;
}

function fillStallSelects() {
  for (const sel of document.querySelectorAll('.stall-select')) {
    const keep = sel.value;
    sel.replaceChildren(...state.stalls.map((s) =>
      el('option', { value: s.id, text: `${s.number} · ${s.name}` })));
    if (keep) sel.value = keep;
  }
}

// ---- Add a stall -------------------------------------------------------------------------------

// Largest side a photo is scaled to before decoding (a phone photo is 4000 px; QR needs far less).
const DECODE_SIDE_MAX = 1600;

async function decodeImage(file) {
  // On the device first: BarcodeDetector where the browser has it (Chrome on Android), else jsQR.
  // The photo leaves the phone only when neither can read it, for the server's decoder.
  const bitmap = await createImageBitmap(file);
  if ('BarcodeDetector' in window) {
    try {
      const det = new window.BarcodeDetector({ formats: ['qr_code'] });
      const codes = await det.detect(bitmap);
      if (codes.length) return codes[0].rawValue;
    } catch {
      // Fall through to jsQR.
    }
  }
  const scale = Math.min(1, DECODE_SIDE_MAX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const pixels = g.getImageData(0, 0, canvas.width, canvas.height);
  const found = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' });
  if (found?.data) return found.data;
  const r = await state.api.post('/v1/qr/decode', file, { contentType: file.type || 'image/png' });
  return r?.payload ?? null;
}

async function useScannedPayload(payload) {
  const box = $('scan-result');
  box.hidden = false;
  try {
    const d = await state.api.post('/v1/qr/decode', payload, { contentType: 'text/plain; charset=utf-8' });
    const v = d?.vietqr;
    if (!v?.account) throw new Error('không có số tài khoản VietQR trong mã');
    const bank = v.bank_name || v.bank_code || v.bank_bin || '';
    const account = v.account;
    $('add-bank-qr').value = payload;
    box.className = 'notice ok';
    box.textContent = `Đã đọc mã QR: ${bank} · ${account}`;
    box.dataset.account = account;
    $('manual-bank').hidden = true;
  } catch (e) {
    $('add-bank-qr').value = '';
    box.className = 'notice bad';
    box.textContent = `Mã QR không phải mã chuyển khoản ngân hàng hợp lệ: ${errorText(e)}`;
    $('manual-bank').hidden = false;
  }
}

async function onScanFile() {
  const f = $('scan-file').files?.[0];
  if (!f) return;
  $('scan-result').hidden = false;
  $('scan-result').className = 'notice warn';
  $('scan-result').textContent = 'Đang đọc ảnh…';
  try {
    const payload = await decodeImage(f);
    if (!payload) throw new Error('Không tìm thấy mã QR trong ảnh');
    await useScannedPayload(payload);
  } catch (e) {
    $('scan-result').className = 'notice bad';
    $('scan-result').textContent = errorText(e);
  } finally {
    $('scan-file').value = '';
  }
}

async function scanCamera() {
  const video = $('scan-video');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  } catch (e) {
    say('bad', `Không mở được camera: ${errorText(e)}`);
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const det = new window.BarcodeDetector({ formats: ['qr_code'] });
  const stopAll = () => {
    stream.getTracks().forEach((t) => t.stop());
    video.hidden = true;
  };
  const tick = async () => {
    if (video.hidden) return;
    try {
      const codes = await det.detect(video);
      if (codes.length) {
        stopAll();
        await useScannedPayload(codes[0].rawValue);
        return;
      }
    } catch {
      // A frame that cannot be read yet; try the next one.
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function addStall(ev) {
  ev.preventDefault();
  $('add-error').textContent = '';
  const body = {
    number: $('add-number').value.trim(),
    name: $('add-name').value.trim(),
    holder_name: $('add-holder').value.trim(),
  };
  const qr = $('add-bank-qr').value;
  if (qr) body.bank_qr = qr;
  else {
    body.bank = $('add-bank').value.trim();
    body.account = $('add-account').value.trim();
    if (!body.bank || !body.account) {
      $('add-error').textContent = 'Cần quét mã QR ngân hàng hoặc nhập ngân hàng và số tài khoản.';
      return;
    }
  }
  const alarm = $('add-alarm').value.trim();
  if (alarm) {
    const v = parseAmountInput(alarm);
    if (v === null) {
      $('add-error').textContent = 'Mức báo động không phải số tiền.';
      return;
    }
    body.alarm_below_vnd = v;
  }
  $('add-submit').disabled = true;
  try {
    const s = await state.api.post(`${mkt()}/stalls`, body);
    $('add-form').reset();
    $('add-bank-qr').value = '';
    $('scan-result').hidden = true;
    $('manual-bank').hidden = false;
    await loadStalls();
    showTab('stalls');
    say('ok', `Đã thêm quầy ${s.number} · ${s.name} (${s.bank_name || s.bank_code || ''} ${s.account}).`);
  } catch (e) {
    $('add-error').textContent = errorText(e);
  } finally {
    $('add-submit').disabled = false;
  }
}

// ---- Edit --------------------------------------------------------------------------------------

function openEdit(s) {
  state.editing = s;
  $('edit-title').textContent = s.number;
  $('edit-number').value = s.number ?? '';
  $('edit-name').value = s.name ?? '';
  $('edit-holder').value = s.holder_name ?? '';
  $('edit-bank').value = s.bank_code || s.bank_bin || '';
  $('edit-account').value = s.account ?? '';
  $('edit-alarm').value = s.alarm_below_vnd ?? '';
  $('edit-error').textContent = '';
  $('edit-dialog').showModal();
}

async function saveEdit(ev) {
  if (ev.submitter?.value !== 'save') return;
  ev.preventDefault();
  const s = state.editing;
  const patch = {};
  const put = (key, value, old) => { if (value !== String(old ?? '')) patch[key] = value; };
  put('number', $('edit-number').value.trim(), s.number);
  put('name', $('edit-name').value.trim(), s.name);
  put('holder_name', $('edit-holder').value.trim(), s.holder_name);
  const bank = $('edit-bank').value.trim();
  const account = $('edit-account').value.trim();
  if (bank !== String(s.bank_code || s.bank_bin || '') || account !== String(s.account ?? '')) {
    patch.bank = bank;
    patch.account = account;
  }
  const alarmText = $('edit-alarm').value.trim();
  const alarm = alarmText === '' ? null : parseAmountInput(alarmText);
  if (alarmText !== '' && alarm === null) {
    $('edit-error').textContent = 'Mức báo động không phải số tiền.';
    return;
  }
  if (alarm !== (s.alarm_below_vnd ?? null)) patch.alarm_below_vnd = alarm;
  if (!Object.keys(patch).length) {
    $('edit-dialog').close();
    return;
  }
  try {
    await state.api.patch(stallPath(s.id), patch);
    $('edit-dialog').close();
    say('ok', `Đã lưu quầy ${patch.number ?? s.number}.${patch.account ? ' Tài khoản đổi: hãy in lại bảng QR.' : ''}`);
    await loadStalls();
  } catch (e) {
    $('edit-error').textContent = errorText(e);
  }
}

// ---- Device tokens -----------------------------------------------------------------------------

async function openTokens(s) {
  state.tokensFor = s;
  $('tokens-title').textContent = `${s.number} · ${s.name}`;
  $('token-issued').hidden = true;
  $('tokens-error').textContent = '';
  $('tokens-dialog').showModal();
  await loadTokens();
}

async function loadTokens() {
  const s = state.tokensFor;
  try {
    const r = await state.api.get(`${stallPath(s.id)}/device-tokens`);
    const list = r?.tokens ?? [];
    // Active tokens first (they can be revoked), then the revoked and expired ones for the record.
    const ordered = [...list.filter((t) => t.active), ...list.filter((t) => !t.active)];
    $('tokens-list').replaceChildren(...ordered.map((t) => el('li', {
      class: `h-item${t.active ? '' : ' revoked'}`, 'data-token-id': t.id, 'data-active': String(t.active),
    },
    el('span', { class: 'h-amount', text: t.label || '(không tên)' }),
    el('span', { class: 'h-time', text: t.created_at ? `Cấp lúc ${vnDateTime(t.created_at)}` : '' }),
    t.active
      ? el('button', { class: 'btn small danger', type: 'button', text: 'Thu hồi', onclick: () => revokeToken(t) })
      : el('span', { class: 'muted', text: t.revoked_at ? `Đã thu hồi ${vnDateTime(t.revoked_at)}` : 'Đã hết hạn' }))));
    if (!list.length) $('tokens-list').replaceChildren(el('li', { class: 'muted', text: 'Chưa cấp mã thiết bị nào.' }));
  } catch (e) {
    $('tokens-list').replaceChildren(el('li', { class: 'muted', text: errorText(e) }));
  }
}

function qrDataUrl(text) {
  const q = qrcode(0, 'M');
  q.addData(text);
  q.make();
  return q.createDataURL(6, 4);
}

async function issueToken(ev) {
  ev.preventDefault();
  const s = state.tokensFor;
  try {
    const r = await state.api.post(`${stallPath(s.id)}/device-tokens`, { label: $('token-label').value.trim() });
    const link = `${location.origin}/stall/${encodeURIComponent(s.id)}#token=${encodeURIComponent(r.token)}`;
    $('token-qr').src = qrDataUrl(link);
    $('token-link').textContent = link;
    $('token-issued').hidden = false;
    $('token-label').value = '';
    await loadTokens();
  } catch (e) {
    $('tokens-error').textContent = errorText(e);
  }
}

async function revokeToken(t) {
  try {
    await state.api.del(`${stallPath(state.tokensFor.id)}/device-tokens/${encodeURIComponent(t.id)}`);
    $('tokens-error').textContent = '';
    say('ok', `Đã thu hồi mã thiết bị “${t.label || t.id}”: máy đó bị ngắt và không kết nối lại được.`);
    await loadTokens();
  } catch (e) {
    $('tokens-error').textContent = errorText(e);
  }
}

// ---- Signage -----------------------------------------------------------------------------------

function printSelected() {
  const chosen = state.stalls.filter((s) => state.selected.has(String(s.id)));
  if (!chosen.length) {
    say('warn', 'Chọn ít nhất một quầy để in.');
    return;
  }
  const unverified = chosen.filter((s) => s.verified !== true);
  if (unverified.length) {
    $('print-warning-text').textContent =
      `${unverified.length} quầy chưa xác minh (chưa nhận khoản tiền thật nào): ` +
      `${unverified.map((s) => s.number).join(', ')}. Hãy chuyển thử một khoản nhỏ vào mã QR trước khi dán bảng.`;
    $('print-warning').hidden = false;
    return;
  }
  downloadSigns(chosen);
}

async function downloadSigns(chosen) {
  $('print-warning').hidden = true;
  say('warn', 'Đang tạo tệp PDF…');
  try {
    let unverifiedIds = [];
    const pdf = await state.api.post(`${mkt()}/signage`, { stall_ids: chosen.map((s) => s.id) }, {
      accept: 'blob',
      onHeaders: (h) => { unverifiedIds = (h.get('Cho4-Unverified-Stalls') ?? '').split(',').filter(Boolean); },
    });
    const a = el('a', { href: URL.createObjectURL(pdf), download: `cho4-bang-qr-${vnToday()}.pdf` });
    document.body.append(a);
    a.click();
    a.remove();
    // The server names the stalls still unverified when it printed them (its word is the latest).
    const unverified = unverifiedIds.map((id) => state.stalls.find((s) => String(s.id) === id)?.number || id);
    if (unverified.length) {
      say('warn', `Đã tạo PDF bảng QR cho ${chosen.length} quầy. Chưa xác minh: ${unverified.join(', ')} — ` +
        'hãy chuyển thử một khoản nhỏ vào mã QR trước khi dán bảng.');
    } else {
      say('ok', `Đã tạo PDF bảng QR cho ${chosen.length} quầy.`);
    }
  } catch (e) {
    say('bad', `Không tạo được PDF: ${errorText(e)}`);
  }
}

// ---- Sign check --------------------------------------------------------------------------------

async function checkSign() {
  const f = $('check-file').files?.[0];
  const id = $('check-stall').value;
  if (!f || !id) return;
  const box = $('check-result');
  box.hidden = false;
  box.className = 'notice warn';
  box.textContent = 'Đang kiểm tra…';
  try {
    const code = $('check-code').value.trim();
    const query = code ? `?check_code=${encodeURIComponent(code)}` : '';
    const r = await state.api.post(`${stallPath(id)}/sign-check${query}`, f, { contentType: f.type || 'image/jpeg' });
    const codeBad = r.check_code && r.check_code.status !== 'match';
    box.className = `notice ${r.genuine && !codeBad ? 'ok' : 'bad'}`;
    box.textContent = (r.genuine
      ? `ĐÚNG mã của quầy. ${r.message ?? ''}`
      : `KHÔNG PHẢI mã của quầy: tiền sẽ vào tài khoản ${r.account ?? '?'} (${r.bank_bin ?? ''}). ${r.message ?? ''}`) +
      (r.check_code ? ` ${r.check_code.message}` : '');
  } catch (e) {
    box.className = 'notice bad';
    box.textContent = errorText(e);
  } finally {
    $('check-file').value = '';
  }
}

// ---- Suspense, held, dead letters --------------------------------------------------------------

function creditRow(c, withResolve) {
  const stallSel = el('select', { 'aria-label': 'Quầy nhận' },
    ...state.stalls.map((s) => el('option', { value: s.id, text: `${s.number} · ${s.name}` })));
  const order = el('input', { placeholder: 'Mã đơn (nếu có)', 'aria-label': 'Mã đơn' });
  const note = el('input', { placeholder: 'Ghi chú (bắt buộc)', 'aria-label': 'Ghi chú', required: true });
  const err = el('p', { class: 'error' });
  const resolve = async () => {
    if (!note.value.trim()) {
      err.textContent = 'Cần ghi chú lý do.';
      return;
    }
    const body = { stall_id: stallSel.value, note: note.value.trim() };
    if (order.value.trim()) body.order_id = order.value.trim();
    try {
      await state.api.post(`/v1/credits/${encodeURIComponent(c.id)}/resolve`, body);
      say('ok', `Đã chuyển ${formatVnd(c.amount_vnd)} cho quầy.`);
      loadSuspense();
      loadStalls();
    } catch (e) {
      err.textContent = errorText(e);
    }
  };
  return el('div', { class: 'card', 'data-credit-id': c.id },
    el('div', { class: 'h-amount', text: formatVnd(c.amount_vnd) }),
    el('div', { text: `${vnDateTime(c.received_at ?? c.occurred_at)} · ${c.adapter_instance ?? ''} · ${outcomeLabel(c.outcome)}` }),
    el('div', { class: 'muted', text: c.description ?? '' }),
    withResolve ? el('div', { class: 'row' }, stallSel, order, note,
      el('button', { class: 'btn primary', type: 'button', text: 'Chuyển cho quầy', onclick: resolve })) : null,
    err);
}

async function loadSuspense() {
  for (const [kind, box] of [['suspense', 'suspense-list'], ['held', 'held-list']]) {
    try {
      const r = await state.api.get(`${mkt()}/${kind}`);
      const list = r?.credits ?? r?.[kind] ?? [];
      $(box).replaceChildren(...(list.length ? list.map((c) => creditRow(c, true))
        : [el('p', { class: 'muted', text: 'Không có khoản nào.' })]));
    } catch (e) {
      $(box).replaceChildren(el('p', { class: 'error', text: errorText(e) }));
    }
  }
}

async function loadDeadLetters() {
  try {
    const r = await state.api.get('/v1/dead-letters');
    const list = r?.dead_letters ?? r?.items ?? [];
    $('dead-list').replaceChildren(...(list.length ? list.map((d) => el('div', { class: 'card', 'data-dead-id': d.id },
      el('div', { class: 'h-amount', text: `${d.adapter_instance ?? ''} · ${vnDateTime(d.received_at ?? d.created_at)}` }),
      el('div', { class: 'error', text: d.reason ?? d.error ?? '' }),
      el('button', {
        class: 'btn small', type: 'button', text: 'Xử lý lại',
        onclick: async () => {
          try {
            const res = await state.api.post(`/v1/dead-letters/${encodeURIComponent(d.id)}/reprocess`, {});
            say('ok', `Đã xử lý lại: ${res?.outcome ?? res?.status ?? 'xong'}.`);
            loadDeadLetters();
          } catch (e) {
            say('bad', errorText(e));
          }
        },
      })))
      : [el('p', { class: 'muted', text: 'Không có thư lỗi.' })]));
  } catch (e) {
    $('dead-list').replaceChildren(el('p', { class: 'error', text: errorText(e) }));
  }
}

// ---- Report and statement ----------------------------------------------------------------------

async function loadReport() {
  const date = $('report-date').value || vnToday();
  try {
    const r = await state.api.get(`${mkt()}/report?date=${encodeURIComponent(date)}`);
    const rows = r?.stalls ?? r?.per_stall ?? [];
    const parts = [el('h3', { text: `Ngày ${r?.date ?? date}` })];
    if (r?.total_in_vnd !== undefined) parts.push(el('p', { class: 'stat' }, 'Tổng tiền vào', el('b', { text: formatVnd(r.total_in_vnd) })));
    if (rows.length) {
      parts.push(el('div', { class: 'scroll' }, el('table', {},
        el('thead', {}, el('tr', {}, el('th', { text: 'Quầy' }), el('th', { class: 'num', text: 'Tiền vào' }),
          el('th', { class: 'num', text: 'Tiền ra' }), el('th', { class: 'num', text: 'Số giao dịch' }))),
        el('tbody', {}, ...rows.map((s) => el('tr', {},
          el('td', { text: `${s.number ?? ''} ${s.name ?? s.stall_id ?? ''}` }),
          el('td', { class: 'num', text: formatVnd(s.total_in_vnd ?? s.total_vnd ?? 0) }),
          el('td', { class: 'num', text: formatVnd(s.total_out_vnd ?? 0) }),
          el('td', { class: 'num', text: String(s.count ?? 0) })))))));
    }
    const counts = r?.counts_by_outcome ?? r?.outcomes ?? null;
    if (counts && typeof counts === 'object') {
      parts.push(el('h3', { text: 'Theo kết quả' }), el('ul', {}, ...Object.entries(counts).map(([k, v]) =>
        el('li', { text: `${outcomeLabel(k)}: ${v}` }))));
    }
    for (const [key, title] of [['suspense', 'Chưa rõ quầy'], ['held', 'Đang giữ lại']]) {
      const list = r?.[key];
      if (Array.isArray(list)) parts.push(el('p', { text: `${title}: ${list.length} khoản, ${formatVnd(list.reduce((t, c) => t + (Number(c.amount_vnd) || 0), 0))}` }));
    }
    $('report-body').replaceChildren(...parts);
  } catch (e) {
    $('report-body').replaceChildren(el('p', { class: 'error', text: errorText(e) }));
  }
}

async function uploadStatement() {
  const f = $('statement-file').files?.[0];
  const id = $('statement-stall').value;
  if (!f || !id) return;
  const out = $('statement-result');
  try {
    const r = await state.api.post(`${stallPath(id)}/statement`, f, { contentType: 'text/csv' });
    const list = (title, items) => el('div', { class: 'card' }, el('h3', { text: `${title}: ${items.length}` }),
      el('ul', {}, ...items.map((c) => el('li', {
        text: `${formatVnd(c.amount_vnd ?? c.amount ?? 0)} · ${vnDateTime(c.occurred_at ?? c.date ?? '') || (c.date ?? '')} · ${c.description ?? c.bank_reference ?? ''}`,
      }))));
    const a = r?.missing_in_ledger ?? [];
    const b = r?.missing_in_statement ?? [];
    out.replaceChildren(
      el('p', { class: `notice ${a.length || b.length ? 'bad' : 'ok'}`, text: a.length || b.length ? 'Có chênh lệch giữa sao kê và sổ.' : 'Sao kê khớp với sổ.' }),
      list('Ngân hàng có, sổ cho4 không có', a), list('Sổ cho4 có, sao kê không có', b));
  } catch (e) {
    out.replaceChildren(el('p', { class: 'error', text: errorText(e) }));
  } finally {
    $('statement-file').value = '';
  }
}

// ---- Tabs and wiring ---------------------------------------------------------------------------

const TAB_LOADERS = { suspense: loadSuspense, dead: loadDeadLetters, report: loadReport, stalls: loadStalls };

function showTab(name) {
  for (const b of document.querySelectorAll('#tabs [data-tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const p of document.querySelectorAll('[data-panel]')) p.hidden = p.dataset.panel !== name;
  TAB_LOADERS[name]?.();
}

function init() {
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn($('signin-market').value.trim(), $('signin-token').value.trim());
  });
  $('signout').addEventListener('click', () => {
    localStorage.removeItem(SESSION_KEY);
    showSignIn('');
  });
  $('tabs').addEventListener('click', (e) => {
    const t = e.target.closest('[data-tab]');
    if (t) {
      say('ok', '');
      showTab(t.dataset.tab);
    }
  });
  $('refresh').addEventListener('click', loadStalls);
  $('select-all').addEventListener('click', () => {
    const all = state.selected.size !== state.stalls.length;
    state.selected = new Set(all ? state.stalls.map((s) => String(s.id)) : []);
    renderStalls();
  });
  $('print-selected').addEventListener('click', printSelected);
  $('print-anyway').addEventListener('click', () =>
    downloadSigns(state.stalls.filter((s) => state.selected.has(String(s.id)))));
  $('print-cancel').addEventListener('click', () => { $('print-warning').hidden = true; });
  $('add-form').addEventListener('submit', addStall);
  $('scan-file').addEventListener('change', onScanFile);
  if ('BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
    $('scan-camera').hidden = false;
    $('scan-camera').addEventListener('click', scanCamera);
  }
  $('edit-form').addEventListener('submit', saveEdit);
  $('token-form').addEventListener('submit', issueToken);
  $('tokens-close').addEventListener('click', () => $('tokens-dialog').close());
  $('check-file').addEventListener('change', checkSign);
  $('statement-file').addEventListener('change', uploadStatement);
  $('report-date').value = vnToday();
  $('report-load').addEventListener('click', loadReport);
  const session = loadSession();
  if (session?.market && session?.token) {
    $('signin-market').value = session.market;
    signIn(session.market, session.token);
  } else {
    showSignIn('');
  }
}

init();
