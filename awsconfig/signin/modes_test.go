package signin_test

import "runtime"

// unixModes: Windows has no POSIX modes (the profile folder's access list
// protects the files), so mode checks are Unix-only.
const unixModes = runtime.GOOS != "windows"
