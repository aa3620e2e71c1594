import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Invoice } from '../api/types';
import { buildPanel, buildSummary, firstPaintId, type Slot } from '../summary/summary';

/** firstPainted is the landmark the page's first paint drew the panel
 * into (summary/first-paint.ts), if it did. */
export function firstPainted(): HTMLElement | null {
  return document.getElementById(firstPaintId);
}

/** PanelFrame is the invoice panel's frame and summary, built by
 * summary.ts, with notice, status and children rendered into its slots.
 * When the page's first paint drew the frame from this very answer, the
 * panel keeps those nodes where they are, so nothing is drawn twice; when
 * the invoice changes, only the summary is built anew. */
export function PanelFrame({ invoice, notice, status, children }: { invoice: Invoice; notice: ReactNode; status: ReactNode; children: ReactNode }) {
  const host = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLElement | null>(null);
  const [slots, setSlots] = useState<Partial<Record<Slot, Element>>>({});
  useLayoutEffect(() => {
    let panel = frame.current;
    if (!panel) {
      // Into the first paint's landmark when there is one, else here.
      const target = firstPainted() ?? host.current;
      const fresh = buildPanel(document, invoice);
      const painted = target?.firstElementChild;
      if (painted instanceof HTMLElement && painted.outerHTML === fresh.outerHTML) {
        panel = painted;
      } else {
        panel = fresh;
        target?.replaceChildren(panel);
      }
      frame.current = panel;
    } else {
      panel.querySelector('[data-testid="invoice-summary"]')?.replaceWith(buildSummary(document, invoice));
    }
    const find = (name: Slot) => panel.querySelector(`[data-slot="${name}"]`) ?? undefined;
    setSlots({ notice: find('notice'), status: find('status'), rest: find('rest') });
  }, [invoice]);
  return (
    <div ref={host}>
      {slots.notice ? createPortal(notice, slots.notice) : null}
      {slots.status ? createPortal(status, slots.status) : null}
      {slots.rest ? createPortal(children, slots.rest) : null}
    </div>
  );
}
