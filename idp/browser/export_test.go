package browser

// NewBodyFromNetwork is New with a driver that ignores the body in
// Fetch.requestPaused, as Chromium does with a body it left out, so that
// the test reaches the Network.getRequestPostData fallback.
func NewBodyFromNetwork(cfg Config) (*Driver, error) {
	d, err := New(cfg)
	if err != nil {
		return nil, err
	}
	d.bodyFromNetwork = true
	return d, nil
}
