package licensing

// NewKey exposes key generation to the external tests, which need valid
// keys that no license has.
func NewKey() (bare, shown string) { return newKey() }
