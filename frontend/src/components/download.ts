import type { ApiClient } from '../api/client';

/** apiPath turns a path the API gives out (/api/v1/invoices/7/…) into one
 * the client takes (/invoices/7/…). */
export function apiPath(path: string): string {
  return path.replace(/^\/api\/v1(?=\/)/, '');
}

/** downloadFile fetches a file through the API (with its authentication)
 * and hands it to the browser as a download named name. */
export async function downloadFile(api: ApiClient, path: string, name: string): Promise<void> {
  const blob = await api.blob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
