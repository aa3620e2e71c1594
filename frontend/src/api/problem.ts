// Problem documents (RFC 9457) turned into errors people can read.

/** ApiError is every failed API call: a readable message, the HTTP status
 * (0 when Remit could not be reached) and per-field messages for forms. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly fieldErrors: Record<string, string>;
  /** The problem's detail without the field errors the message adds. */
  readonly detail: string;

  constructor(status: number, title: string, message: string, fieldErrors: Record<string, string> = {}, detail = message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.fieldErrors = fieldErrors;
    this.detail = detail;
  }
}

interface ProblemDoc {
  title?: unknown;
  detail?: unknown;
  status?: unknown;
  errors?: unknown;
}

/** problemError builds the error for a non-2xx answer from its body text
 * and content type: a problem document's detail and field errors when
 * there is one, else the status line. */
export function problemError(status: number, statusText: string, contentType: string | null, body: string): ApiError {
  const fallbackTitle = statusText || `HTTP ${status}`;
  if (contentType && /json/i.test(contentType)) {
    let doc: ProblemDoc | undefined;
    try {
      doc = JSON.parse(body) as ProblemDoc;
    } catch {
      doc = undefined;
    }
    if (doc && typeof doc === 'object') {
      const title = typeof doc.title === 'string' && doc.title ? doc.title : fallbackTitle;
      const detail = typeof doc.detail === 'string' && doc.detail ? doc.detail : title;
      const fields: Record<string, string> = {};
      if (doc.errors && typeof doc.errors === 'object') {
        for (const [k, v] of Object.entries(doc.errors as Record<string, unknown>)) {
          if (typeof v === 'string') fields[k] = v;
        }
      }
      const names = Object.keys(fields).sort();
      const message = names.length === 0 ? detail : `${detail}: ${names.map((n) => `${n} ${fields[n]}`).join('; ')}`;
      return new ApiError(status, title, message, fields, detail);
    }
  }
  if (status === 502 || status === 503 || status === 504) {
    return new ApiError(status, fallbackTitle, 'Remit is unavailable right now. Try again in a minute.');
  }
  return new ApiError(status, fallbackTitle, `Remit answered ${status} ${fallbackTitle}`.trim());
}

/** unreachable is the error for a request that never got an answer. */
export function unreachable(cause: unknown): ApiError {
  const e = new ApiError(0, 'Network error', 'Remit could not be reached. Check your connection and try again.');
  (e as { cause?: unknown }).cause = cause;
  return e;
}
