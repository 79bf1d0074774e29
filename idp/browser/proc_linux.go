package browser

import "syscall"

// setPdeathsig kills the browser when samlogin dies.
func setPdeathsig(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
