import { Notice } from './ErrorMessage';

/** LicenceNotice says why actions are disabled on an unlicensed site. */
export function LicenceNotice() {
  return (
    <Notice appearance="warning" title="Remit is not licensed on this site">
      <p>You can look at invoices, but recording payments and other changes are off until a Jira administrator renews the licence.</p>
    </Notice>
  );
}
