// The application shell: header (navigation, backend switcher), and the routed page below it.
import { BackendPanel } from '../backends/panel.js';
import type { TrainingClient } from '../training/client.js';
import { h } from '../ui/dom.js';
import type { PageEntry } from './page.js';
import { parseRoute, routeHash } from './router.js';

export function startShell(root: HTMLElement, pages: readonly PageEntry[], training: TrainingClient): void {
  const backend = new BackendPanel(training);
  const links = pages.map((p) => h('a', { href: routeHash(p.id), 'data-page': p.id, title: p.summary }, p.title));
  const main = h('main', { id: 'page' });
  root.replaceChildren(
    h(
      'header',
      {},
      h('h1', {}, h('a', { class: 'brand', href: routeHash(pages[0]!.id) }, 'rnn playground')),
      h('nav', {}, ...links),
      backend.element,
    ),
    backend.note,
    backend.compareSection,
    main,
  );
  let leave: (() => void) | null = null;
  let visit = 0;

  async function show(): Promise<void> {
    const route = parseRoute(
      location.hash,
      pages.map((p) => p.id),
    );
    const entry = pages.find((p) => p.id === route.id)!;
    const current = ++visit;
    leave?.();
    leave = null;
    for (const a of links) a.toggleAttribute('aria-current', a.dataset.page === entry.id);
    document.title = `${entry.title} · rnn playground`;
    const container = h('div', { class: 'page', 'data-page': entry.id, 'data-ready': 'false' });
    main.replaceChildren(
      ...(route.known ? [] : [h('p', { class: 'notice', role: 'alert' }, `No page "${location.hash.slice(2)}": showing ${entry.title}.`)]),
      container,
    );
    try {
      const page = await entry.load();
      if (current !== visit) return; // the user moved on while the page's code loaded
      leave = page.mount(container, { training, backend: () => backend.choice, params: route.params });
      container.dataset.ready = 'true';
    } catch (e) {
      container.replaceChildren(
        h('p', { class: 'error', role: 'alert' }, `This page failed to load: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  }

  addEventListener('hashchange', () => void show());
  void show();
}
