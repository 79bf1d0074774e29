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

.PHONY: build install demo test test-unit check fmt vet tidy fuzz bench bench-idp clean

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

clean:
	rm -rf bin
