"""Deterministic byte streams for the throughput benchmark.

Each kind stands for a workload a terminal really meets; together they cover the engine's hot
paths (printable runs, SGR parsing, cursor/scroll handling, wide-character width, the decoder's
error path) so that a speed-up or a regression in any one of them shows in the bench.

The streams are generated, not stored: a seeded :class:`random.Random` drives every choice, so
the same ``(kind, size, seed)`` always gives the same bytes (on any platform and Python version
that keeps ``random.Random``'s documented reproducibility), and profiles can be compared run to run.

Geometry assumptions match the bench (120 columns x 40 rows) but every stream is valid input for
any size: coordinates beyond the screen are simply clamped by the terminal.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator

__all__ = ["KINDS", "generate"]

#: Columns and rows the full-screen streams draw for (the bench's geometry).
COLS = 120
ROWS = 40

ESC = "\x1b"
CSI = "\x1b["
CRLF = "\r\n"  # a pty's ONLCR turns the program's "\n" into this


def _words(text: str) -> tuple[str, ...]:
    """Word pools written as one string: shorter to read than a tuple of dozens of literals."""

    return tuple(text.split())


# ---------------------------------------------------------------------------------------------
# go-test-v
# ---------------------------------------------------------------------------------------------

_GO_WORDS = _words(
    "加法 减法 乘法 字符串 解析 编码 解码 用户 数据库 缓存 日志 配置 中文路径 排序 网络 テスト 変換 한글 "
    "Parse Encode Handler Router Config Cache"
)
_GO_SUBTESTS = _words("子测试_{n} case_{n} 空字符串 长文本_{n} 边界值_{n} emoji_😀 全角_ＡＢＣ nil_input 多字节_{n}")
_GO_LOGS = (
    "日志 line {n}",
    '输入: "你好，世界" 长度={n}',
    "got {n}, want {m} (期望值不同)",
    "处理 {n} 条记录，耗时 {m}ms",
    "连接到 127.0.0.1:{m} 成功",
    'decoded {n} bytes: "中文测试"',
    'cache miss for key "用户:{n}"',
    "警告: 重试第 {n} 次",
)
_GO_PKGS = ("demo", "demo/加法", "demo/encoding", "demo/internal/解析", "demo/server", "demo/cache")


def _go_test_v(rng: random.Random) -> Iterator[str]:
    """``go test -v`` output, coloured as gotestsum/richgo do for some packages, CRLF line ends."""

    while True:
        pkg = rng.choice(_GO_PKGS)
        colour = rng.random() < 0.6
        green, red, yellow, reset = ("\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m") if colour else ("", "", "", "")
        src = rng.choice(("add", "parse", "encode", "server", "cache", "字符串"))
        pkg_failed = False
        paused: list[str] = []
        for _ in range(rng.randint(3, 12)):
            name = "Test" + rng.choice(_GO_WORDS) + rng.choice(("", "", "V2", "_边界", "Unicode"))
            lines = [f"=== RUN   {name}"]
            if rng.random() < 0.25:
                lines.append(f"{yellow}=== PAUSE {name}{reset}")
                paused.append(name)
                yield CRLF.join(lines) + CRLF
                continue
            yield CRLF.join(lines) + CRLF
            failed, body = _go_test_body(rng, name, src, green, red, yellow, reset)
            pkg_failed |= failed
            yield body
        for name in paused:
            failed, body = _go_test_body(rng, name, src, green, red, yellow, reset)
            pkg_failed |= failed
            yield f"=== CONT  {name}{CRLF}" + body
        elapsed = rng.uniform(0.002, 3.5)
        if pkg_failed:
            yield f"{red}FAIL{reset}{CRLF}{red}FAIL{reset}\texample.com/{pkg}\t{elapsed:.3f}s{CRLF}"
        else:
            cover = f"\tcoverage: {rng.uniform(20, 100):.1f}% of statements" if rng.random() < 0.5 else ""
            ok = f"{green}ok{reset}  \texample.com/{pkg}\t{elapsed:.3f}s{cover}"
            yield f"{green}PASS{reset}{CRLF}{ok}{CRLF}"


def _go_test_body(
    rng: random.Random, name: str, src: str, green: str, red: str, yellow: str, reset: str
) -> tuple[bool, str]:
    """One test's log lines, subtests and verdicts; returns (failed, text)."""

    out: list[str] = []
    results: list[str] = []
    failed = False
    for _ in range(rng.randint(0, 3)):
        out.append(_go_log(rng, src, "    "))
    for i in range(rng.randint(0, 5)):
        sub = f"{name}/" + rng.choice(_GO_SUBTESTS).format(n=i + 1)
        out.append(f"=== RUN   {sub}")
        for _ in range(rng.randint(0, 2)):
            out.append(_go_log(rng, src, "        "))
        verdict = rng.random()
        if verdict < 0.08:
            failed = True
            out.append(_testify_failure(rng, src, sub))
            results.append(f"    {red}--- FAIL{reset}: {sub} (0.00s)")
        elif verdict < 0.13:
            results.append(f"    {yellow}--- SKIP{reset}: {sub} (0.00s)")
            results.append(f"        {src}_test.go:{rng.randint(10, 400)}: 跳过: 需要网络")
        else:
            results.append(f"    {green}--- PASS{reset}: {sub} (0.00s)")
    if not results and rng.random() < 0.1:
        failed = True
        out.append(_go_log(rng, src, "    "))
    secs = rng.choice(("0.00", "0.00", "0.01", f"{rng.uniform(0, 2):.2f}"))
    headline = f"{red}--- FAIL{reset}" if failed else f"{green}--- PASS{reset}"
    out.append(f"{headline}: {name} ({secs}s)")
    out.extend(results)
    return failed, CRLF.join(out) + CRLF


def _go_log(rng: random.Random, src: str, indent: str) -> str:
    msg = rng.choice(_GO_LOGS).format(n=rng.randint(0, 999), m=rng.randint(1000, 65535))
    return f"{indent}{src}_test.go:{rng.randint(10, 400)}: {msg}"


def _testify_failure(rng: random.Random, src: str, test: str) -> str:
    """A testify ``assert.Equal`` failure, tabs and all, with the classic GBK mojibake in it."""

    line = rng.randint(10, 400)
    return CRLF.join(
        (
            f"        {src}_test.go:{line}: ",
            f"        \tError Trace:\t/home/dev/src/demo/{src}_test.go:{line}",
            "        \tError:      \tNot equal: ",
            '        \t            \texpected: "你好，世界"',
            '        \t            \tactual  : "浣犲ソ锛屼笘鐣"',
            f"        \tTest:       \t{test}",
        )
    )


# ---------------------------------------------------------------------------------------------
# sgr-dense
# ---------------------------------------------------------------------------------------------

_SGR_GLYPHS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789#@*+=-.:█▀▄░▒▓"


def _sgr(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return f"{CSI}38;5;{rng.randrange(256)}m"
    if r < 0.40:
        return f"{CSI}38;5;{rng.randrange(256)};48;5;{rng.randrange(256)}m"
    if r < 0.65:
        return f"{CSI}38;2;{rng.randrange(256)};{rng.randrange(256)};{rng.randrange(256)}m"
    if r < 0.75:
        return f"{CSI}48;2;{rng.randrange(256)};{rng.randrange(256)};{rng.randrange(256)}m"
    if r < 0.82:
        return f"{CSI}{rng.choice(('1', '4', '1;4', '3', '7', '22', '24', '2', '9'))}m"
    if r < 0.88:
        return f"{CSI}0;1;4;38;5;{rng.randrange(256)}m"
    if r < 0.93:
        return f"{CSI}38:2::{rng.randrange(256)}:{rng.randrange(256)}:{rng.randrange(256)}m"
    if r < 0.96:
        return f"{CSI}4:{rng.randint(0, 5)}m"
    return f"{CSI}0m" if rng.random() < 0.5 else f"{CSI}m"


def _sgr_dense(rng: random.Random) -> Iterator[str]:
    """A change of rendition before every cell, as lolcat, neofetch or a colour test print."""

    while True:
        width = rng.randint(80, COLS)
        cells = [_sgr(rng) + rng.choice(_SGR_GLYPHS) for _ in range(width)]
        yield "".join(cells) + f"{CSI}0m" + CRLF


# ---------------------------------------------------------------------------------------------
# cursor-scroll
# ---------------------------------------------------------------------------------------------

_CODE = (
    "func (s *Server) handle(w http.ResponseWriter, r *http.Request) {",
    "    if err := s.db.Ping(ctx); err != nil {",
    '        return fmt.Errorf("ping: %w", err)',
    "    for i, row := range rows {",
    "    }",
    "// 处理请求并返回 JSON 结果",
    '    log.Printf("%d 条记录", len(rows))',
    'import ("fmt"; "net/http")',
)
_COMMANDS = ("/usr/bin/python3 -m app", "go test -v ./...", "node server.js", "postgres: writer", "htop")


def _htop_row(rng: random.Random) -> str:
    cpu = rng.uniform(0, 100)
    colour = "\x1b[31m" if cpu > 80 else "\x1b[32m" if cpu < 20 else ""
    return (
        f"{rng.randint(1, 99999):>7} {rng.choice(('root', 'dev', 'postgres', 'www-data')):<9} "
        f"{rng.randint(0, 39):>3} {rng.randint(-20, 19):>3} {rng.randint(1, 999):>5}M "
        f"{rng.randint(1, 999):>5}M {colour}{cpu:>5.1f}\x1b[0m {rng.uniform(0, 50):>4.1f} "
        f"{rng.randint(0, 99)}:{rng.randint(0, 59):02d}.{rng.randint(0, 99):02d} "
        f"\x1b[1m{rng.choice(_COMMANDS)}\x1b[0m"
    )


def _vim_row(rng: random.Random) -> str:
    return f"\x1b[33m{rng.randint(1, 9999):>4} \x1b[0m{rng.choice(_CODE)}"


def _screen_op(rng: random.Random, top: int, bottom: int) -> str:
    """One full-screen-app operation inside the scroll region ``top..bottom`` (1-based)."""

    op = rng.random()
    row = rng.randint(top, bottom)
    text = _htop_row(rng) if rng.random() < 0.5 else _vim_row(rng)
    if op < 0.25:
        return f"{CSI}{row};{rng.randint(1, 10)}H{text}{CSI}K"
    if op < 0.40:
        n = rng.randint(1, 8)
        return f"{CSI}{n}{rng.choice('ABCD')}{text[: rng.randint(1, 30)]}"
    if op < 0.50:
        return f"{CSI}{row};1H{CSI}{rng.randint(1, 5)}L{text}"
    if op < 0.60:
        return f"{CSI}{row};1H{CSI}{rng.randint(1, 5)}M"
    if op < 0.75:  # scroll up at the bottom margin, like `tail -f` inside a pane
        k = rng.randint(1, 6)
        lines = "".join(f"\r\n{_vim_row(rng)}" for _ in range(k))
        return f"{CSI}{bottom};1H{lines}"
    if op < 0.82:  # reverse index at the top margin (vim's scroll back)
        return f"{CSI}{top};1H" + f"{ESC}M" * rng.randint(1, 4) + text
    if op < 0.88:
        return f"{CSI}{rng.randint(1, 4)}{rng.choice('ST')}"
    if op < 0.94:
        return f"{CSI}{row};{rng.randint(1, COLS)}H" + rng.choice(
            (f"{CSI}K", f"{CSI}1K", f"{CSI}2K", f"{CSI}{rng.randint(1, 40)}X", f"{CSI}{rng.randint(1, 9)}P")
        )
    return f"{ESC}7{CSI}{row};{rng.randint(1, 60)}H\x1b[7m{text[:40]}\x1b[0m{ESC}8"


def _cursor_scroll(rng: random.Random) -> Iterator[str]:
    """Frames of a full-screen app (vim/htop): regions, CUP, relative moves, IL/DL, scrolls."""

    yield f"{CSI}?1049h{CSI}H{CSI}2J"
    frame = 0
    while True:
        frame += 1
        if frame % 60 == 0:  # drop to the shell for a moment: exercises the main screen + scrollback
            shell = "".join(f"$ {rng.choice(_COMMANDS)}{CRLF}{_htop_row(rng)}{CRLF}" for _ in range(5))
            yield f"{CSI}?1049l{shell}{CSI}?1049h{CSI}H{CSI}2J"
        top, bottom = rng.randint(1, 4), rng.randint(ROWS - 5, ROWS - 1)
        ops = "".join(_screen_op(rng, top, bottom) for _ in range(rng.randint(10, 30)))
        status = f" {frame:>6} frames  Tasks: {rng.randint(50, 400)}  Load: {rng.uniform(0, 8):.2f}"
        yield (
            f"{CSI}?25l{CSI}{top};{bottom}r{ops}{CSI}r"
            f"{CSI}{ROWS};1H\x1b[7m{status:<{COLS}}\x1b[0m"
            f"{CSI}{rng.randint(top, bottom)};{rng.randint(1, COLS)}H{CSI}?25h"
        )


# ---------------------------------------------------------------------------------------------
# cjk-wide
# ---------------------------------------------------------------------------------------------

_CJK_SENTENCES = (
    "终端显示中文时，每个汉字占两个单元格。",
    "如果编码设置不正确，输出就会变成乱码。",
    "测试名称可以包含任意的 Unicode 字符，包括空格以外的符号。",
    "日本語のテキストを表示します。",
    "ｶﾀｶﾅは半角です。",
    "한국어 텍스트 표시 테스트입니다.",
    "Tiếng Việt có dấu: ơ ư ă đ.",
    "全角英数字：ＡＢＣ１２３　全角スペース。",
)
_EMOJI = ("😀", "🎉", "👍🏽", "👨\u200d👩\u200d👧", "🇨🇳", "❤\ufe0f", "✅", "🚀", "🐍", "⚠️")
# Latin + combining marks, a Devanagari conjunct, Vietnamese horn: zero-width code points after a base.
_COMBINING = _words("e\u0301 a\u0308 n\u0303 o\u0302\u0323 Z\u0335\u0321 \u0915\u094d\u0937 u\u031b")


def _cjk_segment(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.40:
        return rng.choice(_CJK_SENTENCES)
    if r < 0.65:  # random ideographs: many distinct code points, not a handful cached ones
        return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(4, 30))) + "。"
    if r < 0.77:
        return " ".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 6)))
    if r < 0.90:
        return "caf" + "".join(rng.choice(_COMBINING) for _ in range(rng.randint(1, 5))) + " "
    return "mixed ASCII words between 汉字 and emoji 🎉 "


def _cjk_wide(rng: random.Random) -> Iterator[str]:
    """Paragraphs of wide, combining and emoji text, most lines longer than the screen (wrapping)."""

    while True:
        target = rng.randint(40, 400)  # characters, so up to ~6 screen rows per line
        parts: list[str] = []
        length = 0
        while length < target:
            seg = _cjk_segment(rng)
            parts.append(seg)
            length += len(seg)
        yield "".join(parts) + (CRLF * 2 if rng.random() < 0.15 else CRLF)


# ---------------------------------------------------------------------------------------------
# invalid-bytes
# ---------------------------------------------------------------------------------------------

_BAD_FIXED: tuple[bytes, ...] = (
    b"\xff",
    b"\xfe\xfe",
    b"\xc0\xaf",  # overlong "/"
    b"\xe0\x80\xaf",  # overlong, 3 bytes
    b"\xed\xa0\x80",  # encoded surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\xf8\x88\x80\x80\x80",  # 5-byte form
    b"\x84",  # raw C1 IND: invalid in UTF-8
    b"\x85",  # raw C1 NEL
    b"\x9b1m",  # raw C1 CSI: invalid in UTF-8, so text "1m" after U+FFFD
    "中文测试".encode("gbk"),  # the classic: GBK bytes read as UTF-8
    "文字化け".encode("shift_jis"),
    "café naïve".encode("cp1252"),
    "\u0085".encode(),  # well-formed UTF-8 C1 NEL: a control after decoding
    "\u009b32mC1-CSI\u009b0m".encode(),  # well-formed UTF-8 C1 CSI sequence
)
_GOOD_WORDS = _words("ok value 日志 数据 résumé naïve path=/tmp/x \x1b[1mbold\x1b[0m 🙂 42")


def _bad_fragment(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.5:
        return rng.choice(_BAD_FIXED)
    if r < 0.75:  # stray continuation bytes
        return bytes(rng.randint(0x80, 0xBF) for _ in range(rng.randint(1, 4)))
    # a multibyte character cut short, then ASCII
    whole = chr(rng.choice((0xE9, 0x4E2D, 0x6587, 0x1F600, 0x20AC))).encode()
    return whole[: rng.randint(1, len(whole) - 1)] + b"x"


def _invalid_bytes(rng: random.Random) -> Iterator[bytes]:
    """Log lines salted with ill-formed UTF-8: every line holds at least one bad fragment."""

    while True:
        parts: list[bytes] = []
        for i in range(rng.randint(4, 20)):
            parts.append(rng.choice(_GOOD_WORDS).encode())
            if i == 0 or rng.random() < 0.4:
                parts.append(_bad_fragment(rng))
        yield b" ".join(parts) + CRLF.encode()


# ---------------------------------------------------------------------------------------------
# plain-ascii
# ---------------------------------------------------------------------------------------------

_LEVELS = ("DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR")
_COMPONENTS = ("http", "db", "scheduler", "auth", "cache", "worker-7", "grpc")
_WORDS = _words(
    "request completed user session timeout retrying connection pool query rows latency bytes "
    "upstream handler status ok failed queued"
)


def _plain_ascii(rng: random.Random) -> Iterator[str]:
    """Long plain log lines (no escapes, no UTF-8): the engine's best case and the baseline."""

    ms = 0
    while True:
        ms += rng.randint(1, 5000)
        secs, frac = divmod(ms, 1000)
        mins, secs = divmod(secs, 60)
        hours, mins = divmod(mins, 60)
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 35)))
        fields = " ".join(f"{rng.choice(_WORDS)}={rng.randint(0, 99999)}" for _ in range(rng.randint(1, 6)))
        yield (
            f"2024-05-17T{hours % 24:02d}:{mins:02d}:{secs:02d}.{frac:03d}Z {rng.choice(_LEVELS):<5} "
            f"[{rng.choice(_COMPONENTS)}] {words} {fields}{CRLF}"
        )


# ---------------------------------------------------------------------------------------------
# go-test-wrap
# ---------------------------------------------------------------------------------------------

_GO_MOD_PATHS = (
    "/home/dev/go/pkg/mod/github.com/stretchr/testify@v1.9.0/assert/assertions.go:{n}",
    "/home/dev/src/example.com/平台/internal/服务/handler_test.go:{n}",
    "/usr/local/go/src/testing/testing.go:{n}",
    "/home/dev/src/example.com/demo/internal/encoding/decoder_test.go:{n}",
)
_GO_DIFF_WORDS = _words("用户 数据 alpha beta gamma 订单 状态 pending done 缓存 key value 空 nil 测试")


def _go_diff_value(rng: random.Random, n: int) -> str:
    """A Go value as testify prints it: a struct or slice literal, often longer than the screen."""
    items = ", ".join(f'"{rng.choice(_GO_DIFF_WORDS)}_{rng.randint(0, 999)}"' for _ in range(n))
    if rng.random() < 0.5:
        return f"[]string{{{items}}}"
    return f"&model.订单{{ID:{rng.randint(1, 99999)}, Items:{{{items}}}}}"


def _go_test_wrap(rng: random.Random) -> Iterator[str]:
    """``go test -v`` output as a real suite prints it: about a fifth of the lines are longer than 120 columns
    (testify's diffs of whole values, stack paths under the module cache, long log lines), so they wrap."""

    while True:
        pkg = rng.choice(_GO_PKGS)
        failed_pkg = False
        for _ in range(rng.randint(3, 10)):
            name = "Test" + rng.choice(_GO_WORDS) + rng.choice(("", "V2", "_边界"))
            out = [f"=== RUN   {name}"]
            failed = False
            for i in range(rng.randint(1, 6)):
                sub = f"{name}/" + rng.choice(_GO_SUBTESTS).format(n=i + 1)
                out.append(f"=== RUN   {sub}")
                r = rng.random()
                if r < 0.6:  # a long log line: wraps once or twice
                    words = " ".join(rng.choice(_GO_DIFF_WORDS) for _ in range(rng.randint(20, 45)))
                    out.append(f"        {rng.choice(('handler', 'decoder'))}_test.go:{rng.randint(10, 400)}: {words}")
                elif r < 0.67:  # a testify failure with whole values and a stack path
                    failed = True
                    path = rng.choice(_GO_MOD_PATHS).format(n=rng.randint(10, 2000))
                    out += [
                        f"        {rng.choice(('handler', 'decoder'))}_test.go:{rng.randint(10, 400)}: ",
                        f"        \tError Trace:\t{path}",
                        "        \tError:      \tNot equal: ",
                        f"        \t            \texpected: {_go_diff_value(rng, rng.randint(6, 14))}",
                        f"        \t            \tactual  : {_go_diff_value(rng, rng.randint(6, 14))}",
                        f"        \tTest:       \t{sub}",
                    ]
                elif r < 0.9:
                    out.append(_go_log(rng, "handler", "        "))
                verdict = "\x1b[31m--- FAIL\x1b[0m" if failed else "\x1b[32m--- PASS\x1b[0m"
                out.append(f"    {verdict}: {sub} (0.{rng.randint(0, 99):02d}s)")
            failed_pkg |= failed
            verdict = "\x1b[31m--- FAIL\x1b[0m" if failed else "\x1b[32m--- PASS\x1b[0m"
            out.append(f"{verdict}: {name} (0.{rng.randint(0, 99):02d}s)")
            yield CRLF.join(out) + CRLF
        if failed_pkg:
            yield f"FAIL{CRLF}FAIL\texample.com/{pkg}\t{rng.uniform(0.01, 3):.3f}s{CRLF}"
        else:
            yield f"PASS{CRLF}ok  \texample.com/{pkg}\t{rng.uniform(0.01, 3):.3f}s{CRLF}"


# ---------------------------------------------------------------------------------------------
# insert-mode
# ---------------------------------------------------------------------------------------------

_SHELL_WORDS = _words("git commit -m 修复 go test ./... -run TestParse grep -rn 中文 make build docker ps kubectl get")


def _insert_mode(rng: random.Random) -> Iterator[str]:
    """Line editing and status lines: the cursor moves back into a line and text is inserted (IRM, ``CSI 4 h``)
    or characters are opened (ICH) and deleted (DCH), as a shell's line editor or an editor in insert mode does;
    and status lines written with autowrap off (``CSI ? 7 l``), longer than the screen and cut at its edge."""

    n = 0
    while True:
        n += 1
        words = [rng.choice(_SHELL_WORDS) for _ in range(rng.randint(3, 9))]
        line = " ".join(words)
        parts = [f"\x1b[1;32mdev@host\x1b[0m:\x1b[34m~/src\x1b[0m$ {line}"]
        for _ in range(rng.randint(2, 8)):  # corrections: back into the line, insert, come back
            back = rng.randint(1, max(1, min(len(line), 40)))
            word = rng.choice(_SHELL_WORDS) + " "
            r = rng.random()
            if r < 0.6:
                parts.append(f"{CSI}{back}D{CSI}4h{word}{CSI}4l{CSI}{back}C")
            elif r < 0.8:
                parts.append(f"{CSI}{back}D{CSI}{len(word)}@{word}{CSI}{back}C")
            else:
                parts.append(f"{CSI}{back}D{CSI}{rng.randint(1, 4)}P{CSI}{back}C")
        parts.append(CRLF)
        for _ in range(rng.randint(0, 3)):
            parts.append(_go_log(rng, "main", "") + CRLF)
        if n % 4 == 0:  # a status line with autowrap off: cut at the right edge, the last cell rewritten
            status = " | ".join(rng.choice(_SHELL_WORDS) for _ in range(rng.randint(25, 50)))
            parts.append(f"{ESC}7{CSI}?7l{CSI}{ROWS};1H\x1b[7m{status}\x1b[0m{CSI}?7h{ESC}8")
        yield "".join(parts)


# ---------------------------------------------------------------------------------------------
# windows-console
# ---------------------------------------------------------------------------------------------

_WIN_TEXT = _words("C:\\Users\\dev\\go\\src 正在运行 测试 通过 失败 PASS FAIL ok 编码 Active code page: 936")


def _windows_console(rng: random.Random) -> Iterator[bytes]:
    """What a Windows console session sends a terminal: ConPTY's repaints (hide the cursor, position, text,
    erase to the end of the line, the title), mixed with what legacy programs put through it — text in the ANSI
    code page (GBK, cp1252: invalid UTF-8), CR CR LF from double text-mode translation, NULs, ^Z, BELs, a lone
    ESC, sequences cut by a line end or with stray intermediates, win32-input-mode switches."""

    row = 1
    while True:
        parts: list[bytes] = []
        r = rng.random()
        text = " ".join(rng.choice(_WIN_TEXT) for _ in range(rng.randint(2, 10)))
        if r < 0.35:  # a ConPTY repaint of one line
            row = row % ROWS + 1
            parts.append(f"{CSI}?25l{CSI}{row};1H{text}{CSI}K{CSI}?25h".encode())
        elif r < 0.55:  # legacy code page text: bytes that are not UTF-8
            codec = rng.choice(("gbk", "gbk", "cp1252", "shift_jis"))
            sample = rng.choice(("正在运行测试 通过", "café naïve résumé", "文字化け テスト", "失败: 期望值"))
            parts.append(sample.encode(codec, "replace") + b"\r\r\n")
        elif r < 0.7:  # well-formed UTF-8 text with colour, as a UTF-8 program writes it
            parts.append(f"\x1b[{rng.choice((31, 32, 33, 36))}m{text}\x1b[m\r\n".encode())
        elif r < 0.8:  # odd controls a DOS-era program emits
            parts.append(rng.choice((b"\x00", b"\x1a", b"\x07", b"\x08 \x08", b"\x7f")) + text.encode() + b"\r\n")
        elif r < 0.9:  # ill-formed sequences: a lone ESC, a CSI cut by a line end, stray intermediates
            parts.append(
                rng.choice(
                    (
                        b"\x1b" + text[:8].encode(errors="replace"),
                        b"\x1b[1;3\r\n",
                        b"\x1b[?1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30;31;32;33;34h",
                        b"\x1b[ ! \" 1m",
                        b"\x1b[99999999999999999999X",
                        b"\x1b]0;" + text.encode() + b"\x1b\\",
                        b"\x1b]0;C:\\Windows\\system32\\cmd.exe\x07",
                        b"\x9b" + b"31m",
                    )
                )
                + text.encode()
                + b"\r\n"
            )
        else:  # the win32-input-mode and focus switches ConPTY sends around a program's start
            parts.append(b"\x1b[?9001h\x1b[?1004h" + text.encode() + b"\r\n\x1b[?9001l\x1b[?1004l")
        yield b"".join(parts)


# ---------------------------------------------------------------------------------------------
# line-editor
# ---------------------------------------------------------------------------------------------

_PROMPT = "\x1b[1;32mdev@host\x1b[0m:\x1b[1;34m~/src/项目\x1b[0m$ "
#: Bash 5.1 and later and zsh 5.1 and later turn bracketed paste on before each prompt and off when a line is
#: accepted (bash 5.2 on a pty, captured: ``CSI ? 2004 h``, the prompt, the line, CR LF, ``CSI ? 2004 l`` CR).
_PASTE_ON = f"{CSI}?2004h"
_ACCEPT = f"{CRLF}{CSI}?2004l\r"


def _line_editor(rng: random.Random) -> Iterator[str]:
    """A shell's line editor as readline and zsh drive xterm: keystrokes echoed, the cursor moved back, characters
    typed and deleted in the middle of the line, a recalled history line drawn over the old one and cleared with
    EL, then the command's output; bracketed paste switched on before each prompt and off after the line.  Half
    the lines are edited as zsh's ZLE does it (terminfo ``ich``, ``dch1``, ``cub1``: ``CSI @`` and the character,
    BS and ``CSI P``, BS or CUB back), half as bash 5.2's readline does (captured on a pty: a character typed in the
    middle is echoed with the rest of the line and BSs back over it, a deleting backspace is BS, ``CSI 1 P`` and
    the same redraw; ``CSI 1 @`` only at the start of the line).  (The insert-mode kind stresses IRM and
    autowrap-off status lines instead.)"""

    ascii_words = [w for w in _SHELL_WORDS if w.isascii()]
    while True:
        edit = _bash_edit if rng.random() < 0.5 else _zsh_edit
        words = [rng.choice(ascii_words if edit is _bash_edit else _SHELL_WORDS) for _ in range(rng.randint(2, 7))]
        line = " ".join(words)
        parts = [_PASTE_ON, _PROMPT, line]
        cursor = len(line)
        for _ in range(rng.randint(1, 6)):
            line, cursor = edit(rng, parts, line, cursor)
        parts.append(_ACCEPT)
        for _ in range(rng.randint(0, 4)):
            parts.append(_go_log(rng, "main", "") + CRLF)
        yield "".join(parts)


def _zsh_edit(rng: random.Random, parts: list[str], line: str, cursor: int) -> tuple[str, int]:
    """One correction as ZLE draws it (see ``_line_editor``); the line and the cursor (in characters) after it."""
    back = rng.randint(1, min(cursor, 30)) if cursor > 0 else 0  # never back into the prompt
    parts.append("\b" * back if back <= 4 else f"{CSI}{back}D")
    cursor -= back
    r = rng.random()
    if r < 0.5:  # typing in the middle: ICH and the character, one keystroke at a time
        for ch in rng.choice(_SHELL_WORDS)[: rng.randint(1, 6)]:
            parts.append(f"{CSI}@{ch}" if ch.isascii() else f"{CSI}2@{ch}")
            cursor += 1
    elif r < 0.8:  # backspace in the middle: BS then DCH
        for _ in range(rng.randint(1, 4)):
            if cursor == 0:
                break
            parts.append(f"\b{CSI}P")
            cursor -= 1
    else:  # a history line recalled: back to the start, the new line over the old, the rest erased
        parts.append("\b" * cursor if cursor <= 8 else f"{CSI}{cursor}D")
        line = " ".join(rng.choice(_SHELL_WORDS) for _ in range(rng.randint(2, 7)))
        parts.append(f"{line}{CSI}K")
        cursor = len(line)
    return line, cursor


def _bash_edit(rng: random.Random, parts: list[str], line: str, cursor: int) -> tuple[str, int]:
    """One correction as bash 5.2's readline draws it on xterm (see ``_line_editor``; the line is kept to ASCII
    here so that a BS is a cell): the line and the cursor after it."""
    back = rng.randint(1, min(cursor, 30)) if cursor > 0 else 0  # never back into the prompt
    parts.append("\b" * back)  # readline moves left with BS, whatever the distance
    cursor -= back
    r = rng.random()
    if r < 0.5:  # typing in the middle: the character, the rest of the line again, BS back over the rest
        for ch in "".join(c for c in rng.choice(_SHELL_WORDS) if c.isascii())[: rng.randint(1, 6)] or "a":
            tail = line[cursor:]
            if cursor == 0:
                parts.append(f"{CSI}1@{ch}")  # at the start of the line: ICH 1 and the character
            else:
                parts.append(ch + tail + "\b" * len(tail))
            line = line[:cursor] + ch + tail
            cursor += 1
    elif r < 0.8:  # backspace in the middle: BS, DCH 1, the rest again and BS back over it
        for _ in range(rng.randint(1, 4)):
            if cursor == 0:
                break
            cursor -= 1
            line = line[:cursor] + line[cursor + 1 :]
            tail = line[cursor:]
            parts.append(f"\b{CSI}1P{tail}" + "\b" * len(tail))
    else:  # a history line recalled: BS to the start, the new line over the old, the rest erased
        parts.append("\b" * cursor)
        line = " ".join(w for w in (rng.choice(_SHELL_WORDS) for _ in range(rng.randint(2, 7))) if w.isascii())
        parts.append(f"{line}{CSI}K")
        cursor = len(line)
    return line, cursor


# ---------------------------------------------------------------------------------------------
# conpty-frames
# ---------------------------------------------------------------------------------------------


def _conpty_frames(rng: random.Random) -> Iterator[str]:
    """``go test -v`` in cmd as ConPTY's renderer passes it on: UTF-8 whatever the code page, a frame per paint
    bracketed by hiding and showing the cursor, the first changed row reached by CUP, lines ended by EL where
    the row held longer text and by CR LF at the bottom (the screen scrolls), colours as SGR, the window title,
    and win32-input and focus modes switched on once at each program's start.  (The windows-console kind adds
    the raw legacy bytes that reach a terminal without ConPTY.)"""

    gen = _go_test_v(rng)
    row = 1
    while True:
        title = f"C:\\Windows\\system32\\cmd.exe - go  test -v ./{rng.choice(_GO_PKGS)}/..."
        parts = [f"{CSI}?9001h{CSI}?1004h{ESC}]0;{title}\x07"]
        for _ in range(rng.randint(5, 20)):
            lines = next(gen).split(CRLF)[:-1]
            frame = [f"{CSI}?25l"]
            if row < ROWS:
                frame.append(f"{CSI}{row};1H")
            for text in lines:
                erase = f"{CSI}K" if rng.random() < 0.3 else ""
                frame.append(f"{text}{erase}{CRLF}")
                row = min(ROWS, row + 1)
            frame.append(f"{CSI}?25h")
            parts.append("".join(frame))
        parts.append(f"{CSI}?9001l{CSI}?1004l")
        yield "".join(parts)


# ---------------------------------------------------------------------------------------------
# go-test-json
# ---------------------------------------------------------------------------------------------

_SGR_RE = re.compile(r"\x1b\[[0-9;]*m")
_RUN_RE = re.compile(r"=== (?:RUN|PAUSE|CONT) +(\S+)")
_RESULT_RE = re.compile(r" *--- (PASS|FAIL|SKIP): (\S+) \(([0-9.]+)s\)")


def _go_float(text: str) -> float | int:
    """A number as Go's encoding/json writes a float64: ``0`` and ``2``, not ``0.0`` and ``2.0``."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _go_test_json(rng: random.Random) -> Iterator[str]:
    """``go test -json`` as a terminal shows it (run by hand, or by a tool that echoes it): one JSON object per
    line, as ``test2json`` writes them (Time, Action, Package, Test, Elapsed, Output in that order, no spaces,
    non-ASCII as UTF-8, controls escaped), for the same tests the go-test-v kind prints; lines of 100-250
    columns, so most wrap.  Go IDEs and gotestsum read this stream; a user who pipes it to the terminal sees it."""

    gen = _go_test_v(rng)
    clock = rng.randrange(86_400 * 10**9)  # nanoseconds into the day

    def line(action: str, package: str, **fields: object) -> str:
        nonlocal clock
        clock = (clock + rng.randint(1_000, 3_000_000)) % (86_400 * 10**9)
        seconds, nanos = divmod(clock, 10**9)
        stamp = f"2026-12-06T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{nanos:09d}+08:00"
        record = {"Time": stamp, "Action": action, "Package": package, **fields}
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + CRLF

    while True:
        blocks = [_SGR_RE.sub("", next(gen))]  # one package's output: its name comes with its result line
        while not blocks[-1].startswith(("PASS", "FAIL")):
            blocks.append(_SGR_RE.sub("", next(gen)))
        package = blocks[-1].split("\t")[1]
        test: str | None = None
        out = [line("start", package)]
        for block in blocks:
            for text in block.split(CRLF)[:-1]:
                started = _RUN_RE.match(text)
                result = _RESULT_RE.match(text)
                if started:
                    test = started.group(1)
                    out.append(line({"R": "run", "P": "pause", "C": "cont"}[text[4]], package, Test=test))
                    out.append(line("output", package, Test=test, Output=text + "\n"))
                elif result:
                    verdict, name, seconds = result.groups()
                    out.append(line("output", package, Test=name, Output=text + "\n"))
                    out.append(line(verdict.lower(), package, Test=name, Elapsed=_go_float(seconds)))
                elif text.startswith(("ok  \t", "FAIL\texample.com/")):
                    out.append(line("output", package, Output=text + "\n"))
                    verdict = "fail" if text.startswith("FAIL") else "pass"
                    out.append(line(verdict, package, Elapsed=_go_float(text.split("\t")[2][:-1])))
                elif test is None or text in ("PASS", "FAIL"):
                    out.append(line("output", package, Output=text + "\n"))
                else:
                    out.append(line("output", package, Test=test, Output=text + "\n"))
            yield "".join(out)
            out.clear()


# ---------------------------------------------------------------------------------------------
# progress-bars
# ---------------------------------------------------------------------------------------------


def _progress_bars(rng: random.Random) -> Iterator[str]:
    """Progress shown by rewriting a line in place, as downloads and builds do: git's counters ended by a CR
    (``Receiving objects:  45% (450/1000), 1.20 MiB | 2.30 MiB/s\\r``, then ``, done.``), pip/rich bars that
    clear the line first (CR, ``CSI 2 K``, coloured bar characters, hidden cursor) and Docker BuildKit's block of
    steps redrawn from a few rows up (CUU, EL per row); with ordinary log lines between them."""

    while True:
        r = rng.random()
        parts: list[str] = []
        if r < 0.4:  # git clone / fetch
            total = rng.randint(200, 60_000)
            for title in ("Counting objects", "Compressing objects", "Receiving objects", "Resolving deltas"):
                steps = rng.randint(8, 40)
                for step in range(steps + 1):
                    n = total * step // steps
                    pct = 100 * step // steps
                    tail = ""
                    if title == "Receiving objects":
                        mib = n * 0.0007
                        tail = f", {mib:.2f} MiB | {rng.uniform(0.5, 40):.2f} MiB/s"
                    end = ", done.\n" if step == steps else "\r"
                    remote = "remote: " if title in ("Counting objects", "Compressing objects") else ""
                    parts.append(f"{remote}{title}: {pct:3d}% ({n}/{total}){tail}{end}")
        elif r < 0.75:  # pip / rich
            name = rng.choice(("grpcio", "numpy", "protobuf", "golang.org/x/text", "github.com/stretchr/testify"))
            size = rng.uniform(0.2, 120)
            parts.append(f"Downloading {name}-{rng.randint(1, 9)}.{rng.randint(0, 40)}.0.tar.gz ({size:.1f} MB)\n")
            parts.append(f"{CSI}?25l")
            steps = rng.randint(10, 60)
            for step in range(steps + 1):
                done = 40 * step // steps
                bar = f"\x1b[38;5;197m{'━' * done}\x1b[0m"
                if done < 40:
                    bar += f"\x1b[38;5;237m╺{'━' * (39 - done)}\x1b[0m"
                got = size * step / steps
                eta = f"0:00:{rng.randint(0, 59):02d}"
                parts.append(
                    f"\r{CSI}2K   {bar} \x1b[32m{got:.1f}/{size:.1f} MB\x1b[0m \x1b[31m{rng.uniform(0.5, 30):.1f} MB/s"
                    f"\x1b[0m eta \x1b[36m{eta}\x1b[0m"
                )
            parts.append(f"\n{CSI}?25h")
        else:  # docker buildx / BuildKit: a block of steps redrawn in place
            stages = [f"[{i + 1}/6] {rng.choice(_SHELL_WORDS)} {rng.choice(_SHELL_WORDS)}" for i in range(6)]
            shown = 0
            for tick in range(rng.randint(5, 25)):
                if shown:
                    parts.append(f"{CSI}{shown}A")
                seconds = tick * 0.1 + rng.uniform(0, 0.1)
                block = [f"\x1b[34m[+] Building {seconds:.1f}s ({min(6, tick)}/6)\x1b[0m"]
                block += [f" => {stage:<60} {rng.uniform(0, 9):.1f}s" for stage in stages[: min(6, 1 + tick)]]
                parts.extend(f"{CSI}2K{line}\n" for line in block)
                shown = len(block)
        for _ in range(rng.randint(1, 4)):
            parts.append(_go_log(rng, "main", "") + "\n")
        yield "".join(parts).replace("\n", CRLF)


# ---------------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------------

_TextGen = Callable[[random.Random], Iterator[str]]
_ByteGen = Callable[[random.Random], Iterator[bytes]]

_TEXT_KINDS: dict[str, _TextGen] = {
    "go-test-v": _go_test_v,
    "sgr-dense": _sgr_dense,
    "cursor-scroll": _cursor_scroll,
    "cjk-wide": _cjk_wide,
    "plain-ascii": _plain_ascii,
    "go-test-wrap": _go_test_wrap,
    "insert-mode": _insert_mode,
    "line-editor": _line_editor,
    "conpty-frames": _conpty_frames,
    "go-test-json": _go_test_json,
    "progress-bars": _progress_bars,
}
_BYTE_KINDS: dict[str, _ByteGen] = {"invalid-bytes": _invalid_bytes, "windows-console": _windows_console}

#: Every kind, in the order the bench reports them.
KINDS: tuple[str, ...] = (
    "go-test-v",
    "sgr-dense",
    "cursor-scroll",
    "cjk-wide",
    "invalid-bytes",
    "plain-ascii",
    "go-test-wrap",
    "insert-mode",
    "windows-console",
    "line-editor",
    "conpty-frames",
    "go-test-json",
    "progress-bars",
)


def _blocks(kind: str, rng: random.Random) -> Iterator[bytes]:
    if kind in _BYTE_KINDS:
        yield from _BYTE_KINDS[kind](rng)
    else:
        for text in _TEXT_KINDS[kind](rng):
            yield text.encode("utf-8")


def generate(kind: str, size: int, seed: int = 0) -> bytes:
    """Return about ``size`` bytes of the stream ``kind`` (one of :data:`KINDS`).

    The stream is cut at the first block boundary (a line or a screen frame) at or beyond
    ``size``, so it never ends inside a sequence or a character and may exceed ``size`` by
    at most one block (a few KB at the very most). ``size <= 0`` gives ``b""``.
    """

    if kind not in KINDS:
        raise ValueError(f"unknown stream kind {kind!r}; choose from: {', '.join(KINDS)}")
    if size <= 0:
        return b""
    rng = random.Random(f"mojiscope-bench:{kind}:{seed}")
    parts: list[bytes] = []
    total = 0
    for block in _blocks(kind, rng):
        parts.append(block)
        total += len(block)
        if total >= size:
            break
    return b"".join(parts)
