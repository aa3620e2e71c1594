import { lazy, Suspense, type ReactNode } from 'react';
import { token } from '@atlaskit/tokens';

// Section messages bring a dismiss button with tooltips and popups; most
// page loads never show one, so they load on first use.
const SectionMessage = lazy(() => import('@atlaskit/section-message'));

/** Notice is an Atlaskit section message, loaded when first shown; until
 * then its text shows plainly, so nothing is hidden while it loads. */
export function Notice({ appearance, title, children }: { appearance: 'error' | 'warning' | 'information' | 'success'; title: string; children: ReactNode }) {
  const plain = (
    <div style={{ padding: token('space.150'), borderRadius: token('radius.small', '3px'), background: token('color.background.neutral') }}>
      <strong style={{ font: token('font.heading.xsmall') }}>{title}</strong>
      <div style={{ font: token('font.body') }}>{children}</div>
    </div>
  );
  return (
    <Suspense fallback={plain}>
      <SectionMessage appearance={appearance} title={title}>
        {children}
      </SectionMessage>
    </Suspense>
  );
}

/** ErrorMessage shows a failed load or action as Jira shows errors. */
export function ErrorMessage({ error, title = 'Something went wrong' }: { error: Error; title?: string }) {
  return (
    <Notice appearance="error" title={title}>
      <p role="alert">{error.message}</p>
    </Notice>
  );
}
