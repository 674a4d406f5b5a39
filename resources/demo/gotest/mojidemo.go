// Package mojidemo is the demo module Mojiscope records in resources/samples: its tests exist to
// show what travels between `go test` and a terminal (Chinese test names, GBK bytes, a character
// split across two writes, invalid UTF-8), not to test much of anything.
package mojidemo

// Add is the function under test in Test加法.
func Add(a, b int) int {
	return a + b
}
