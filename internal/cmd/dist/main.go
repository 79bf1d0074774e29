// Command dist builds samlogin's release archives, reproducibly: for each
// target a static binary (CGO_ENABLED=0, -trimpath, -buildvcs=false, no
// build id), packed with README.md and LICENSE into
// samlogin_<version>_<os>_<arch>.tar.gz (.zip for Windows) whose entries
// all carry the commit's time, and a SHA256SUMS file. Two runs on one
// commit with one Go toolchain give the same bytes. `make dist` runs it:
//
//	go run ./internal/cmd/dist -version 1.2.3 -commit abc1234 -epoch 1764000000 -out dist [os/arch ...]
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Targets are the platforms released by default.
var Targets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

func main() {
	version := flag.String("version", "dev", "version, without a leading v (from the git tag)")
	commit := flag.String("commit", "unknown", "commit, for --version")
	epoch := flag.Int64("epoch", 0, "SOURCE_DATE_EPOCH: the time of every archive entry (the commit's time)")
	out := flag.String("out", "dist", "folder for the archives and SHA256SUMS")
	flag.Parse()
	targets := flag.Args()
	if len(targets) == 0 {
		targets = Targets
	}
	if err := run(*version, *commit, time.Unix(*epoch, 0).UTC(), *out, targets); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(version, commit string, mtime time.Time, out string, targets []string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	docs := map[string][]byte{}
	for _, f := range []string{"README.md", "LICENSE"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		docs[f] = b
	}
	sums := map[string]string{}
	for _, t := range targets {
		goos, goarch, ok := strings.Cut(t, "/")
		if !ok {
			return fmt.Errorf("target %q: want os/arch", t)
		}
		exe := "samlogin"
		if goos == "windows" {
			exe += ".exe"
		}
		bin, err := build(goos, goarch, version, commit)
		if err != nil {
			return fmt.Errorf("build %s: %w", t, err)
		}
		files := map[string][]byte{exe: bin, "README.md": docs["README.md"], "LICENSE": docs["LICENSE"]}
		name := fmt.Sprintf("samlogin_%s_%s_%s", version, goos, goarch)
		var data []byte
		if goos == "windows" {
			name += ".zip"
			data, err = zipOf(files, exe, mtime)
		} else {
			name += ".tar.gz"
			data, err = tgzOf(files, exe, mtime)
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
		h := sha256.Sum256(data)
		sums[name] = hex.EncodeToString(h[:])
		fmt.Printf("%s\t%d bytes (binary %d bytes)\n", name, len(data), len(bin))
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n) // sha256sum -c reads it
	}
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(b.String()), 0o644)
}

// build returns the binary for goos/goarch, built without anything of
// this machine in it: no paths (-trimpath), no VCS stamp (the version is
// given), no build id.
func build(goos, goarch, version, commit string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "samlogin-dist-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "samlogin")
	ld := fmt.Sprintf("-s -w -buildid= -X main.version=%s -X main.commit=%s", version, commit)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ld, "-o", bin, "./cmd/samlogin")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	return os.ReadFile(bin)
}

// sortedNames are the archive's entries: the binary first, then the rest
// by name.
func sortedNames(files map[string][]byte, exe string) []string {
	names := []string{exe}
	for n := range files {
		if n != exe {
			names = append(names, n)
		}
	}
	sort.Strings(names[1:])
	return names
}

func tgzOf(files map[string][]byte, exe string, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // no name, no time in the header
	tw := tar.NewWriter(gz)
	for _, n := range sortedNames(files, exe) {
		mode := int64(0o644)
		if n == exe {
			mode = 0o755
		}
		h := &tar.Header{Name: n, Mode: mode, Size: int64(len(files[n])), ModTime: mtime,
			Typeflag: tar.TypeReg, Uname: "root", Gname: "root", Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func zipOf(files map[string][]byte, exe string, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range sortedNames(files, exe) {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: mtime}
		mode := fs.FileMode(0o644)
		if n == exe {
			mode = 0o755
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[n]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
