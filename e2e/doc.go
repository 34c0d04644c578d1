// Package e2e holds the end-to-end seed story: the real mypos binary on
// real ports, driven over HTTP and MQTT as partners, companies and terminals
// would. Every issue extends the story; it is the first thing to run.
package e2e
