package cabinet

// The browser tests' helpers, for the browser tests of package cabinet_test
// (whose environments build the cabinet with every service).
var (
	Chromium    = chromium
	NewChromium = newChromium
	NewShots    = newShots
	Serve       = serve
)
