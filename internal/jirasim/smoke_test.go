package jirasim

import "testing"

func TestMyselfAnswersAsTheAppUser(t *testing.T) {
	e := newEnv(t)
	var me struct {
		AccountID   string `json:"accountId"`
		AccountType string `json:"accountType"`
	}
	e.mustCall("GET", "/rest/api/3/myself", nil, 200, &me)
	if me.AccountType != "app" || me.AccountID == "" {
		t.Fatalf("myself = %+v", me)
	}
}
