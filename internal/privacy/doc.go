// Package privacy keeps Remit's promises about personal data (SPEC §13):
// it reports the Atlassian accountIds Remit stores to the personal data
// reporting API on Atlassian's cycle and erases the data of accounts
// reported closed, deletes the data of tenants uninstalled longer than the
// retention period, and exports a tenant's data for its admin.
//
// Remit stores accountIds only (audit actors, who created invoices, who
// recorded payments, who saved settings, per-person rates); it caches no
// profile data, so an account reported "updated" needs no refresh.
package privacy
