# samlogin: `make demo` runs the offline parser on a sample, `make test` runs
# every test (it installs and starts the project's test bed, testbed/, itself).
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
GOTEST   ?= $(GO) test -p 2
FUZZTIME ?= 10s
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin

.PHONY: build install demo test test-unit check fmt vet tidy fuzz bench bench-idp bench-browser clean
.PHONY: cross vet-all test-windows desk dist dist-check goreleaser-check goreleaser-check-if-installed

# Static (CGO_ENABLED=0): no dynamic loader at start-up, which matters for
# credential_process, started once per AWS CLI call.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/samlogin ./cmd/samlogin

# make install [PREFIX=/usr/local] [BINDIR=$(PREFIX)/bin] [DESTDIR=]: the
# static binary of `make build`, copied to $(DESTDIR)$(BINDIR)/samlogin.
install: build
	install -d "$(DESTDIR)$(BINDIR)"
	install -m 0755 bin/samlogin "$(DESTDIR)$(BINDIR)/samlogin"

demo: build
	./bin/samlogin parse cmd/samlogin/testdata/sample-samlresponse.log

# All tests, under the race detector, with the real peers of testbed/
# (SimpleSAMLphp, LemonLDAP::NG, moto, the aws CLI): scripts/with-testbed.sh installs and
# starts them, runs the command, and stops them.
test:
	scripts/with-testbed.sh $(GOTEST) -race ./...

# Tests that need no test bed (the integration tests skip, saying so).
test-unit:
	$(GOTEST) ./...

check: fmt vet tidy test fuzz

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

tidy:
	$(GO) mod tidy -diff

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./assertion
	$(GO) test -run '^$$' -fuzz '^FuzzRoundTrip$$' -fuzztime $(FUZZTIME) ./awsconfig/ini
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./idp/htmlform
	$(GO) test -run '^$$' -fuzz '^FuzzRules$$' -fuzztime $(FUZZTIME) ./idp/form
	$(GO) test -run '^$$' -fuzz '^FuzzClassify$$' -fuzztime $(FUZZTIME) ./idp/adfs
	$(GO) test -run '^$$' -fuzz '^FuzzParseAccounts$$' -fuzztime $(FUZZTIME) ./awsconfig/signin
	$(GO) test -run '^$$' -fuzz '^FuzzCleanText$$' -fuzztime $(FUZZTIME) ./idp

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Requests and wall time per sign-in at the test bed's real IdPs
# (SimpleSAMLphp, LemonLDAP::NG), which this starts and stops.
bench-idp:
	scripts/with-testbed.sh $(GO) test -run '^$$' -bench TestbedSignIn -benchtime 20x ./cmd/samlogin

# The browser sign-in (--browser) in headless Chromium at the in-repo ADFS:
# the browser's start-up, post-to-profile-written time over one STS call,
# and samlogin's own memory while it waits (needs chromium; no test bed).
bench-browser:
	$(GO) test -p 1 -run '^$$' -bench BrowserSignIn -benchtime 5x ./cmd/samlogin

clean:
	rm -rf bin dist

# --- Every desk: the six release targets, Windows tests under Wine, releases ---

TARGETS      ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
# Windows tests under Wine: the packages that need no real IdP (see README, Testing).
WINE_PKGS    ?= ./assertion ./awsconfig/... ./idp/... ./internal/... ./cmd/samlogin
# Release version: the git tag without its v (v1.2.3 -> 1.2.3); the commit's
# time for every archive entry.
DIST_VERSION ?= $(patsubst v%,%,$(shell git describe --tags --match 'v[0-9]*' --always --dirty 2>/dev/null || echo dev))
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

# Static builds of the six targets into bin/cross/, with their sizes.
cross:
	@for t in $(TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; out=bin/cross/samlogin_$${os}_$${arch}; [ $$os = windows ] && out=$$out.exe; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $$out ./cmd/samlogin || exit 1; \
		printf '%-16s %9d bytes\n' $$t $$(wc -c < $$out); \
	done

# go vet for each GOOS of the targets.
vet-all:
	@for os in linux darwin windows; do echo "go vet GOOS=$$os"; GOOS=$$os $(GO) vet ./... || exit 1; done

# The windows/amd64 tests under Wine (scripts/wine.sh installs Wine and the
# mingw compiler when missing, as root with apt, and prepares its prefix).
test-windows:
	scripts/wine.sh test -p 1 $(WINE_PKGS)

# What CI runs for every desk: cross builds, vet per GOOS, reproducible
# release check, Windows tests under Wine.
desk: cross vet-all dist-check goreleaser-check-if-installed test-windows

# Release archives for the targets and SHA256SUMS, in dist/ (reproducible:
# see internal/cmd/dist).
dist:
	rm -rf dist
	$(GO) run ./internal/cmd/dist -version $(DIST_VERSION) -commit $(COMMIT) -epoch $(SOURCE_DATE_EPOCH) -out dist $(TARGETS)

# Two builds of one target, the second from a copy of the commit in another
# folder, must give byte-identical archives.
dist-check:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) run ./internal/cmd/dist -version $(DIST_VERSION) -commit $(COMMIT) -epoch $(SOURCE_DATE_EPOCH) -out $$tmp/a linux/amd64 >/dev/null; \
	git archive --format=tar HEAD | (mkdir $$tmp/src && tar -x -C $$tmp/src); \
	(cd $$tmp/src && $(GO) run ./internal/cmd/dist -version $(DIST_VERSION) -commit $(COMMIT) -epoch $(SOURCE_DATE_EPOCH) -out $$tmp/b linux/amd64 >/dev/null); \
	cmp $$tmp/a/SHA256SUMS $$tmp/b/SHA256SUMS && echo "dist-check: two builds of linux/amd64 are byte-identical: $$(cut -c1-16 $$tmp/a/SHA256SUMS)"

# .goreleaser.yaml, checked by goreleaser itself: the one on PATH, else
# built from the Go module proxy (v2.15.1; about 17 minutes on 2 cores the
# first time, so CI checks it only when goreleaser is already installed).
GORELEASER ?= $(shell command -v goreleaser 2>/dev/null || echo "$(GO) run github.com/goreleaser/goreleaser/v2@v2.15.1")
goreleaser-check:
	$(GORELEASER) check

goreleaser-check-if-installed:
	@if command -v goreleaser >/dev/null 2>&1; then goreleaser check; else echo "goreleaser-check: goreleaser is not installed; skipped (make goreleaser-check builds it)"; fi
