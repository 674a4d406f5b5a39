"""The explainer's corpus: originals in five scripts, the chains that garble them, and clean texts.

The garbled texts are made here with Python's codecs from the originals (real round trips), never typed in: a
case is (original, chain), and :func:`garble` applies the chain. Cases whose round trip is not exact (a byte the
reader cannot decode) are the loss cases and are kept apart.
"""

from __future__ import annotations

from collections.abc import Sequence

Chain = tuple[tuple[str, str], ...]

CHINESE = (
    "你好，世界",
    "加法测试失败",
    "测试用例：期望值与实际值不一致",
    "日志：连接数据库超时",
    "子测试_1 通过",
    "文件不存在，请检查路径",
    "中文测试名称",
)
TRADITIONAL = ("測試失敗：預期結果不同", "繁體中文說明文件", "資料庫連線逾時")
JAPANESE = ("こんにちは世界", "テストに失敗しました", "ファイルが見つかりません", "日本語のテスト名")
KOREAN = ("안녕하세요 세계", "테스트가 실패했습니다", "파일을 찾을 수 없습니다", "한국어 테스트")
CYRILLIC = ("Привет, мир", "Тест не пройден", "Файл не найден", "Ошибка соединения с базой данных")
LATIN = (
    "Été à Paris, déjà vu",
    "Größe und Übergröße",
    "El niño comió piñata",
    "Ação não é fácil",
    "naïve café résumé",
    "Smörgåsbord för två",
)

U8 = "utf-8"


def garble(original: str, chain: Chain) -> str:
    """The text a user sees after ``chain`` (oldest step first), made strictly: raises if a step loses bytes."""
    text = original
    for written, read in chain:
        text = text.encode(written).decode(read)
    return text


def _cases(texts: Sequence[str], chains: Sequence[Chain]) -> list[tuple[str, Chain]]:
    return [(t, c) for t in texts for c in chains]


#: (original, chain): one- and two-step chains over many code-page pairs.
CASES: list[tuple[str, Chain]] = [
    *_cases(CHINESE, [((U8, "gbk"),), ((U8, "cp950"),), (("gbk", "cp1252"),), (("gbk", "utf-8"),)][:3]),
    *_cases(CHINESE[:4], [((U8, "cp932"),), (("gbk", "cp950"),), ((U8, "gbk"), (U8, "cp1252"))]),
    *_cases(TRADITIONAL, [((U8, "gbk"),), (("cp950", "gbk"),), ((U8, "cp950"),)]),
    *_cases(JAPANESE, [((U8, "cp932"),), ((U8, "gbk"),), (("cp932", "gbk"),), (("cp932", "cp1252"),)]),
    *_cases(KOREAN, [((U8, "cp949"),), ((U8, "gbk"),), (("cp949", "cp1252"),)]),
    *_cases(CYRILLIC, [
        (("cp1251", "cp1252"),), (("koi8-r", "cp1251"),), (("cp1251", "koi8-r"),), (("cp866", "cp1251"),),
        ((U8, "cp1251"),), ((U8, "cp866"),), ((U8, "koi8-r"),),
    ]),
    *_cases(LATIN, [((U8, "cp1252"),), ((U8, "cp437"),), ((U8, "cp850"),), ((U8, "cp1252"), (U8, "cp1252"))]),
    *_cases(("Bush hid the facts", "This app can break"), [((U8, "utf-16-le"),)]),
]

#: Clean text in many scripts: none of it may be "fixed".
CLEAN = (
    *CHINESE, *TRADITIONAL, *JAPANESE, *KOREAN, *CYRILLIC, *LATIN,
    "Γειά σου κόσμε", "שלום עולם", "مرحبا بالعالم", "नमस्ते दुनिया", "สวัสดีชาวโลก",
    "=== RUN   TestAdd/case_1", "--- FAIL: TestAdd (0.00s)", "ok  	example.com/demo	0.012s",
    "Ünïcödé ïs fün", "São Paulo", "Ελληνικά και English", "┌──────┐ │ box │ └──────┘", "温度：25°C ±0.5",
    "Ça va? Oui!", "Москва — столица России", "東京都渋谷区", "Tschüß", "Preis: 5 € für ½ Liter",
)  # fmt: skip

#: More clean text: symbols, compatibility forms, single letters and words that look like mojibake but are not.
CLEAN_TRICKY = (
    "½ + ¼ = ¾", "ｶﾀｶﾅ", "ﾃｽﾄ ｹｯｶ", "Ω ≈ 3.14 ± 0.01", "naïve coöperate", "€100 — £50", "İstanbul'da hava güzel",
    "ÆØÅ æøå", "Zürich · Genève", "©2024 ACME™", "→ ← ↑ ↓", "✓ done ✗ failed", "▶ Running tests…", "┏━━┓", "25°C",
    "Größe: 5×5 mm²", "Zażółć gęślą jaźń", "Příliš žluťoučký kůň", "Tiếng Việt có dấu", "Çalışma zamanı hatası",
    "Árvíztűrő tükörfúrógép", "Să mergem în oraș", "Ђорђе Балашевић", "Їжак їсть ґрунт", "大韓民國 국회", "测试通过 ✅",
    "🎉 All tests passed 🚀", "∀x ∈ ℝ: x² ≥ 0", "Ã", "é", "ñ", "ß", "中", "あ", "한", "Я", "ÀÉÎÕÜ",
    "«Bonjour», dit-il.", "„Guten Tag“", "don’t stop", "¿Qué? ¡Sí!", "Ærøskøbing", "Ångström", "ＡＢＣ１２３",
    "【重要】お知らせ", "第3章　概要",
    "①②③", "№ 5", "§ 3 Abs. 2", "Crème brûlée", "Pokémon", "Noël",
)  # fmt: skip

#: Originals for the broad check: every strict round trip over every pair of the single- and multibyte code pages.
BROAD = (
    "服务器返回了错误代码", "ユーザー名を入力してください", "설정이 저장되었습니다", "Произошла ошибка",
    "Les paramètres ont été enregistrés", "Schöne Grüße aus München", "Contraseña incorrecta",
)  # fmt: skip
BROAD_CODE_PAGES = ("utf-8", "gbk", "cp950", "cp932", "cp949", "cp1252", "cp437", "cp850", "cp866", "cp1251", "koi8-r")
