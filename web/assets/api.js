// ApiClient: the browser side of docs/api.md. Holds one bearer token (a stall's device token or a
// market manager's token); every call returns parsed JSON or throws ApiError carrying the
// server's problem+json (RFC 9457) so screens can show its Vietnamese-facing title/detail.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.slug = String(this.problem.type ?? '').split('/').pop();
  }
}

// A request that exceeds this is abandoned (the server answers in milliseconds when healthy).
const REQUEST_TIMEOUT_MS = 20000;

export class ApiClient {
  constructor(token, base = '') {
    this.token = token;
    this.base = base;
  }

  // body: an object (sent as JSON), a Blob/File (sent with its own type) or a string with
  // options.contentType. options.accept = 'blob' returns a Blob instead of JSON;
  // options.onHeaders(headers) sees the response headers of a successful call.
  async request(method, path, body, options = {}) {
    const headers = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let payload;
    if (body instanceof Blob) {
      payload = body;
      headers['Content-Type'] = options.contentType || body.type || 'application/octet-stream';
    } else if (typeof body === 'string') {
      payload = body;
      headers['Content-Type'] = options.contentType || 'text/plain; charset=utf-8';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
    let res;
    try {
      res = await fetch(this.base + path, { method, headers, body: payload, signal: ctrl.signal, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, { title: 'Không kết nối được máy chủ', detail: String(e?.message ?? e) });
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) {
      let problem;
      try {
        problem = await res.json();
      } catch {
        problem = { title: `Lỗi ${res.status}` };
      }
      throw new ApiError(res.status, problem);
    }
    options.onHeaders?.(res.headers);
    if (options.accept === 'blob') return res.blob();
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  get(path, options) { return this.request('GET', path, undefined, options); }
  post(path, body, options) { return this.request('POST', path, body ?? {}, options); }
  patch(path, body) { return this.request('PATCH', path, body); }
  del(path) { return this.request('DELETE', path); }
}

// Short Vietnamese text for an error, for a status line.
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 401) return 'Mã thiết bị/mã quản lý không hợp lệ hoặc đã bị thu hồi.';
    if (e.status === 403) return 'Không có quyền với mục này.';
    const p = e.problem;
    return [p.title, p.detail].filter(Boolean).join(': ') || `Lỗi ${e.status}`;
  }
  return String(e?.message ?? e);
}
