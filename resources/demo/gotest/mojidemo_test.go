package mojidemo

import (
	"os"
	"testing"
	"time"
)

// Test加法 has Chinese test and subtest names and a t.Log line: `go test -v` writes them as UTF-8
// whatever the console's code page, which is where mojibake starts.
func Test加法(t *testing.T) {
	t.Log("日志：你好，世界")
	t.Run("子测试_1", func(t *testing.T) {
		if got := Add(1, 2); got != 3 {
			t.Fatalf("Add(1, 2) = %d, want 3", got)
		}
	})
	t.Run("子测试_2", func(t *testing.T) {
		if got := Add(-1, 1); got != 0 {
			t.Fatalf("Add(-1, 1) = %d, want 0", got)
		}
	})
}

// Test失败 fails only when MOJI_FAIL=1, so the default run stays green and a failing run (with a
// Chinese failure message) is one variable away.
func Test失败(t *testing.T) {
	if os.Getenv("MOJI_FAIL") == "1" {
		t.Errorf("失败：期望 %d，得到 %d", 3, 4)
	}
}

// TestGBK writes "你好，世界" encoded as GBK straight to stdout, as a program in a cp936 world
// would: a UTF-8 decoder turns it into U+FFFD, a GBK decoder into the right text.
func TestGBK(t *testing.T) {
	gbk := []byte{0xC4, 0xE3, 0xBA, 0xC3, 0xA3, 0xAC, 0xCA, 0xC0, 0xBD, 0xE7}
	write(t, append(append([]byte("GBK: "), gbk...), '\n'))
}

// TestSplit writes the first two bytes of 你 (E4 BD A0), waits, then the last one: the terminal
// receives the character in two reads and must join them.
func TestSplit(t *testing.T) {
	write(t, []byte("split: \xE4\xBD"))
	_ = os.Stdout.Sync() // a pipe or pty has nothing to sync; the write above already went out unbuffered
	time.Sleep(200 * time.Millisecond)
	write(t, []byte("\xA0好\n"))
}

// TestInvalid writes bytes that are not UTF-8 at all: FF FE, a lone continuation byte, and a
// 3-byte sequence cut off after two bytes.
func TestInvalid(t *testing.T) {
	write(t, []byte("invalid: \xFF\xFE|\x80|\xE4\xBD|end\n"))
}

// write puts raw bytes on stdout in one write call (os.Stdout is unbuffered), failing the test if it cannot.
func write(t *testing.T, b []byte) {
	t.Helper()
	if _, err := os.Stdout.Write(b); err != nil {
		t.Fatalf("write: %v", err)
	}
}
