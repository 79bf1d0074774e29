//go:build windows

package main

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// envFormatDefault is env's format without --format: that of the shell
// that started samlogin (PowerShell or cmd), see envFormatFor.
func envFormatDefault(getenv func(string) string) string {
	return envFormatFor(true, parentProgram(), getenv)
}

// parentProgram is the executable name of the process that started
// samlogin ("pwsh.exe", "cmd.exe"), "" when it cannot be found (it ended).
func parentProgram() string {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return ""
	}
	defer windows.CloseHandle(snap)
	procs := map[uint32]windows.ProcessEntry32{}
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		procs[e.ProcessID] = e
	}
	me, ok := procs[uint32(os.Getpid())]
	if !ok {
		return ""
	}
	parent, ok := procs[me.ParentProcessID]
	if !ok {
		return ""
	}
	return windows.UTF16ToString(parent.ExeFile[:])
}

// parentName is parentProgram, for tests.
func parentName() string { return parentProgram() }
