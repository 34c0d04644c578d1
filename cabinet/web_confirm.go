package cabinet

// confirmView asks before an action that cannot be undone, on a page of
// its own that works without JavaScript: the list's button is a link here
// (GET), and this page's button posts the action with its CSRF token.
// Back leads where the user came from. The texts are said by the handler
// in the page's language (loc(c).T).
type confirmView struct {
	Title, Question, Note, Button string
	Action, Back                  string
	Danger                        bool // the button is red: something is removed or ended
	Hidden                        []hiddenField
}

// hiddenField is a value the action posts along, to return the user to
// the list page they were on.
type hiddenField struct{ Name, Value string }
