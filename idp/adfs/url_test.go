package adfs_test

import (
	"errors"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
)

func TestSignInURL(t *testing.T) {
	tests := []struct {
		host, rp string
		want     string // "" = error
		insecure bool
	}{
		{"sts.corp.example.com", "", "https://sts.corp.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn%3Aamazon%3Awebservices", false},
		{" sts.corp.example.com:8443 ", "urn:amazon:webservices:govcloud", "https://sts.corp.example.com:8443/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn%3Aamazon%3Awebservices%3Agovcloud", false},
		{"https://sts.corp.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=x", "urn:amazon:webservices:cn-north-1", "https://sts.corp.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn%3Aamazon%3Awebservices%3Acn-north-1", false},
		{"HTTPS://STS.corp.example.com/", "", "https://STS.corp.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn%3Aamazon%3Awebservices", false},
		{"http://127.0.0.1:8080", "", "http://127.0.0.1:8080/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn%3Aamazon%3Awebservices", false},
		{"[::1]:443", "", "https://[::1]:443/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn%3Aamazon%3Awebservices", false},
		{"http://sts.corp.example.com", "", "", true},
		{"ftp://sts.corp.example.com", "", "", true},
		{"", "", "", false},
		{"sts.corp.example.com/adfs", "", "", false},
		{"user@sts.corp.example.com", "", "", false},
		{"https://user:pw@sts.corp.example.com", "", "", false},
		{"sts.corp.example.com:99999", "", "", false},
		{"sts.corp.example.com:", "", "https://sts.corp.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn%3Aamazon%3Awebservices", false},
		{"https://:443", "", "", false},
	}
	for _, tt := range tests {
		u, err := adfs.SignInURL(tt.host, tt.rp)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("SignInURL(%q) = %s, want an error", tt.host, u)
		case tt.want != "" && err != nil:
			t.Errorf("SignInURL(%q): %v", tt.host, err)
		case err == nil && u.String() != tt.want:
			t.Errorf("SignInURL(%q) = %s, want %s", tt.host, u, tt.want)
		case err != nil && tt.insecure != errors.Is(err, idp.ErrInsecureURL):
			t.Errorf("SignInURL(%q): %v, insecure-URL error: %v", tt.host, err, !tt.insecure)
		}
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := adfs.New(adfs.Config{Host: "sts.corp.example.com"}, idp.Deps{}); err == nil {
		t.Error("New without an HTTP client succeeded")
	}
	if _, err := adfs.New(adfs.Config{Host: "http://sts.corp.example.com"}, idp.Deps{}); !errors.Is(err, idp.ErrInsecureURL) {
		t.Errorf("New with plain http: %v", err)
	}
}
