// The issue panel's first paint: a small classic script that Remit
// inlines into the panel's page after its root element. When the page
// carries an invoice answer, it draws the invoice panel's frame and
// summary at once, above the panel's root, before the panel's bundle has
// loaded; the panel keeps these nodes (components/PanelFrame.tsx). Pages
// without an answer, or for an unlicensed site (whose notice comes
// first), wait for the bundle.

import type { Invoice } from '../api/types';
import { buildPanel, firstPaintId } from './summary';

function paint(doc: Document): void {
  const root = doc.getElementById('remit-root');
  const data = doc.getElementById('remit-initial');
  if (!root || !data || root.dataset.lic === 'none') return;
  let answer: { kind?: string; invoice?: Invoice };
  try {
    answer = JSON.parse(data.textContent ?? '') as typeof answer;
  } catch {
    return;
  }
  if (answer.kind !== 'invoice' || !answer.invoice || answer.invoice.issueKey !== root.dataset.issueKey) return;
  // The panel's landmark, as pages/IssuePanel.tsx renders it, above the
  // panel's root; the panel keeps it (components/PanelFrame.tsx).
  const box = doc.createElement('main');
  box.id = firstPaintId;
  box.setAttribute('aria-label', 'Remit');
  box.style.padding = '2px';
  box.append(buildPanel(doc, answer.invoice));
  root.before(box);
}

paint(document);
