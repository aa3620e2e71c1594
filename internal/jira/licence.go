package jira

import (
	"context"
	"net/http"
	"net/url"
)

// AppLicence reads the app's licence through Connect's app licence API.
// Jira includes "license" only for paid listings; without it the licence
// is not Known. A Forge installation's client (no app key) answers not
// Known without a request.
func (c *Client) AppLicence(ctx context.Context) (Licence, error) {
	if c.appKey == "" {
		return Licence{}, nil
	}
	var app struct {
		License *struct {
			Active bool `json:"active"`
		} `json:"license"`
	}
	if _, err := c.Do(ctx, http.MethodGet, "/rest/atlassian-connect/1/addons/"+url.PathEscape(c.appKey), nil, nil, &app); err != nil {
		return Licence{}, err
	}
	if app.License == nil {
		return Licence{}, nil
	}
	return Licence{Known: true, Active: app.License.Active}, nil
}
