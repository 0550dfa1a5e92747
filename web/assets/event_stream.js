// StallEventStream: one stall's live payment events over Server-Sent Events (docs/api.md,
// Notifications). The stream is read with fetch() so the device token travels in the
// Authorization header (never in a URL); the client holds the cursor (the last `id:` it handled),
// resumes with ?after=<cursor> and reconnects by itself with capped backoff. A stream that stays
// silent longer than two server heartbeats is treated as dead and reopened.
//
// Callbacks: onState('connecting' | 'online' | 'offline', detail), onEvent(event, meta) where
// meta = {replayed, seq}, onTruncated(data), onHello(data), onAuthFailed(status).

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 8000;
// The server sends `: ping` every 15 s; two missed pings mean the link is gone.
const SILENCE_MAX_MS = 35000;

export class StallEventStream {
  constructor({ stallId, token, cursor, callbacks, base = '' }) {
    this.stallId = stallId;
    this.token = token;
    this.cursor = cursor ?? null; // last sequence handled, or null before the first event
    this.cb = callbacks;
    this.base = base;
    this.stopped = true;
    this.backoffMs = BACKOFF_START_MS;
    this.abort = null;
    this.retryTimer = null;
    this.silenceTimer = null;
    this.generation = 0;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.abort?.abort();
  }

  // Drops the current link (if any) and connects again at once: used when the browser says the
  // network came back, so the owner does not wait for the backoff.
  reconnectNow() {
    if (this.stopped) return;
    this.backoffMs = BACKOFF_START_MS;
    clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.connect();
  }

  url() {
    const q = this.cursor !== null ? `?after=${encodeURIComponent(this.cursor)}` : '';
    return `${this.base}/v1/stalls/${encodeURIComponent(this.stallId)}/events${q}`;
  }

  async connect() {
    const gen = ++this.generation;
    this.abort?.abort();
    const ctrl = new AbortController();
    this.abort = ctrl;
    this.cb.onState?.('connecting');
    let res;
    try {
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${this.token}` };
      if (this.cursor !== null) headers['Last-Event-ID'] = String(this.cursor);
      res = await fetch(this.url(), { headers, signal: ctrl.signal, cache: 'no-store' });
    } catch (e) {
      return this.lost(gen, String(e?.message ?? e));
    }
    if (res.status === 401 || res.status === 403) {
      this.stopped = true;
      this.cb.onState?.('offline', 'auth');
      this.cb.onAuthFailed?.(res.status);
      return;
    }
    if (!res.ok || !res.body) return this.lost(gen, `HTTP ${res.status}`);
    this.backoffMs = BACKOFF_START_MS;
    this.cb.onState?.('online');
    this.armSilence(gen);
    try {
      await this.read(res.body, gen);
      return this.lost(gen, 'closed');
    } catch (e) {
      return this.lost(gen, String(e?.message ?? e));
    }
  }

  lost(gen, why) {
    if (gen !== this.generation || this.stopped) return;
    clearTimeout(this.silenceTimer);
    this.cb.onState?.('offline', why);
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  armSilence(gen) {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (gen === this.generation) this.abort?.abort();
    }, SILENCE_MAX_MS);
  }

  async read(body, gen) {
    const reader = body.getReader();
    const decoder = new TextDecoder('utf-8');
    let buffer = '';
    let ev = { id: null, event: 'message', data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done || gen !== this.generation) return;
      this.armSilence(gen);
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (ev.data.length) this.dispatch(ev);
          ev = { id: null, event: 'message', data: [] };
          continue;
        }
        if (line.startsWith(':')) continue; // heartbeat comment
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'id') ev.id = value;
        else if (field === 'event') ev.event = value;
        else if (field === 'data') ev.data.push(value);
      }
    }
  }

  dispatch(ev) {
    let data;
    try {
      data = JSON.parse(ev.data.join('\n'));
    } catch {
      return; // not ours to interpret; the cursor is not advanced past an unreadable event
    }
    const kind = data?.type && ev.event === 'message' ? data.type : ev.event;
    if (kind === 'hello') {
      // The server says where it starts (`after`): our cursor when it knows it, otherwise (no
      // cursor yet, or one from a server that was reset) its latest sequence. Adopting it means a
      // link lost before the first payment still resumes without a gap.
      if (data?.after !== undefined && data?.after !== null) {
        this.cursor = String(data.after);
        this.cb.onCursor?.(this.cursor);
      }
      this.cb.onHello?.(data);
      return;
    }
    if (kind === 'history_truncated') {
      this.cb.onTruncated?.(data);
      if (ev.id !== null && ev.id !== '') this.cursor = ev.id;
      return;
    }
    if (kind !== 'credit' && kind !== 'message') return;
    const seq = ev.id !== null && ev.id !== '' ? ev.id : data.seq ?? null;
    this.cb.onEvent?.(data, { replayed: data.replayed === true, seq });
    if (seq !== null) {
      this.cursor = String(seq);
      this.cb.onCursor?.(this.cursor);
    }
  }
}
