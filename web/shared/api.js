// The API client shared by the storefront and the console: JSON over fetch, every error as an
// ApiError carrying the response's RFC 9457 Problem Details (title, detail, errors).

/** An API call that did not succeed: an HTTP error (status >= 400) or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.headers = headers || new Headers();
  }

  /** True when the request may never have reached the server, or its answer was lost. */
  get isNetworkError() { return this.status === 0; }

  /** Field → [messages] of a validation failure ({} when there are none). */
  get fieldErrors() { return this.problem.errors && typeof this.problem.errors === 'object' ? this.problem.errors : {}; }
}

const NETWORK_PROBLEM = {
  title: 'Network error',
  detail: 'The server could not be reached. Check your connection and try again.',
};

/** A random UUID v4; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function uuid4() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The query string of an object, leaving out empty values ({a: 1, b: ''} → "?a=1"). */
export function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * A client for one API origin.
 * options.headers(): the headers every request carries (tenant slug, session id, token), asked
 * afresh for each request; options.onError(err): called with every ApiError before it is thrown
 * (the storefront shows its "closed" page on 423 from there).
 */
export function createClient(options = {}) {
  const base = options.base || '';
  const commonHeaders = options.headers || (() => ({}));
  const onError = options.onError || (() => {});

  async function request(method, path, { query, body, headers } = {}) {
    const h = { Accept: 'application/json, application/problem+json', ...commonHeaders(), ...(headers || {}) };
    const init = { method, headers: h };
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(base + path + queryString(query), init);
    } catch (cause) {
      const err = new ApiError(0, { ...NETWORK_PROBLEM });
      err.cause = cause;
      onError(err);
      throw err;
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (!response.ok) {
      const problem = data && typeof data === 'object' && !Array.isArray(data)
        ? data
        : { title: response.statusText || `HTTP ${response.status}`, status: response.status };
      const err = new ApiError(response.status, problem, response.headers);
      onError(err);
      throw err;
    }
    return { status: response.status, headers: response.headers, data };
  }

  return {
    request,
    get: (path, query, headers) => request('GET', path, { query, headers }).then((r) => r.data),
    post: (path, body, headers) => request('POST', path, { body: body ?? {}, headers }),
    put: (path, body, headers) => request('PUT', path, { body: body ?? {}, headers }),
    patch: (path, body, headers) => request('PATCH', path, { body: body ?? {}, headers }),
    del: (path, headers) => request('DELETE', path, { headers }),
  };
}
