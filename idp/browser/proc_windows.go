package browser

import (
	"fmt"
	"os"
	"os/exec"
)

// ownProcessGroup leaves chromedp's defaults on Windows, where a console's
// Ctrl-C does not reach a GUI browser.
func ownProcessGroup(*exec.Cmd) {}

// prepareProfile makes the --browser-profile folder or checks the one
// there is a folder and not a link; on Windows the folder's access list,
// inherited from the user's profile, keeps others out.
func prepareProfile(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("browser: %w: %s: %v", ErrProfile, dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("browser: %w: %s: %v", ErrProfile, dir, err)
	}
	if fi.Mode()&os.ModeSymlink != 0 || !fi.IsDir() {
		return fmt.Errorf("browser: %w: %s is not a folder", ErrProfile, dir)
	}
	return nil
}
