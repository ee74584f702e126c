// Export: the CSV of the current filters. A plain link cannot carry the Authorization header, so the
// file is fetched with it and saved from a Blob.
import { request, withQuery } from './api.js';

export async function exportCsv(params) {
  const response = await request(withQuery('/logs/export', { format: 'csv', ...params }));
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `usage-logs-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
