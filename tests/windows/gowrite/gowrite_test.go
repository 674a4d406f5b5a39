// Package gowrite is the Windows lane's Go test program: each test writes 加法 one way, so the lane can show what a
// console, ConPTY and a pipe make of each (DESIGN §4). Cross-compiled with GOOS=windows go test -c and run under Wine.
//
//   - TestWriteFileUTF8: the UTF-8 bytes e5 8a a0 e6 b3 95 with kernel32 WriteFile on stdout. A console decodes
//     them with its output code page: at 936 they become 鍔犳硶 (mojibake), at 65001 加法.
//   - TestWriteFileGBK: the GBK bytes bc d3 b7 a8 with WriteFile: right at 936, U+FFFDs at 65001.
//   - TestConsoleText: fmt.Println, which Go sends to a console as UTF-16 (WriteConsoleW): right at any code page.
//     On a pipe Go writes the UTF-8 bytes with WriteFile, as any program does.
package gowrite

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// writeFile writes b to stdout with WriteFile itself, never WriteConsoleW (os.Stdout.Write picks WriteConsoleW
// on a console).
func writeFile(t *testing.T, b []byte) {
	var n uint32
	if err := syscall.WriteFile(syscall.Handle(os.Stdout.Fd()), b, &n, nil); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if int(n) != len(b) {
		t.Fatalf("WriteFile wrote %d of %d bytes", n, len(b))
	}
}

func TestWriteFileUTF8(t *testing.T) {
	writeFile(t, []byte("utf8:\xe5\x8a\xa0\xe6\xb3\x95:end\r\n"))
}

func TestWriteFileGBK(t *testing.T) {
	writeFile(t, []byte("gbk:\xbc\xd3\xb7\xa8:end\r\n"))
}

func TestConsoleText(t *testing.T) {
	fmt.Println("text:加法:end")
}
