package main

import "testing"

func TestIsRegionName(t *testing.T) {
	for s, want := range map[string]bool{
		"eu-west-1": true, "us-gov-west-1": true, "cn-north-1": true, "eusc-de-east-1": true, "ap-southeast-5": true,
		"us-isob-east-1": true, "--no-prompt": false, "eu-west": false, "EU-WEST-1": false, "eu-west-123": false,
		"e-west-1": false, "eu--1": false, "": false, "eu-west-1a": false,
	} {
		if got := isRegionName(s); got != want {
			t.Errorf("isRegionName(%q) = %v, want %v", s, got, want)
		}
	}
}
