// Hash routes, `#/<page id>?key=value`: static hosting needs no server-side routes and the page state can
// be linked to.
import { InvalidArgumentError } from '@rnn/core';

export interface Route {
  /** A registered page id (the first page when the hash names none or an unknown one). */
  id: string;
  params: Record<string, string>;
  /** False when the hash named a page that does not exist. */
  known: boolean;
}

export function parseRoute(hash: string, pageIds: readonly string[]): Route {
  if (pageIds.length === 0) throw new InvalidArgumentError('pageIds', 'at least one page id', pageIds);
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = decodeURIComponent(q < 0 ? body : body.slice(0, q));
  const params = Object.fromEntries(new URLSearchParams(q < 0 ? '' : body.slice(q + 1)));
  if (path === '') return { id: pageIds[0]!, params, known: true };
  return pageIds.includes(path) ? { id: path, params, known: true } : { id: pageIds[0]!, params: {}, known: false };
}

export function routeHash(id: string, params: Readonly<Record<string, string>> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `#/${encodeURIComponent(id)}${query ? `?${query}` : ''}`;
}
