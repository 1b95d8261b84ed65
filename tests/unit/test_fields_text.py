"""clean_text / clean_line / html_to_text: hostile strings and a realistic HTML mail."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipedrive_tui.fields.text import clean_line, clean_text, html_to_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain text", "plain text"),
        ("", ""),
        # OSC "set window title", terminated by BEL and by ST.
        ("Deal\x1b]0;pwned\x07 title", "Deal title"),
        ("Deal\x1b]0;pwned\x1b\\ title", "Deal title"),
        # OSC 8 hyperlink around text: the escape goes, the text stays.
        ("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "click"),
        # CSI colour, cursor movement, erase display, private mode.
        ("\x1b[31mred\x1b[0m \x1b[2J\x1b[1;1Hhome\x1b[?25l", "red home"),
        # 8-bit CSI and OSC.
        ("a\x9b2Jb\x9d0;t\x07c", "abc"),
        # DCS and APC string sequences.
        ("x\x1bPq#0;2;0;0;0\x1b\\y\x1b_apc\x1b\\z", "xyz"),
        # An unterminated OSC is cut at the end of its line, not at the end of the text.
        ("ok\x1b]0;never ends", "ok"),
        ("ok\x1b]0;never ends\nnext line", "ok\nnext line"),
        # A lone 8-bit introducer is dropped without eating what follows.
        ("caf\x90e au lait", "cafe au lait"),
        # Two-byte escapes (RIS, keypad mode) and a lone ESC.
        ("a\x1bcb\x1b=c\x1b", "abc"),
        # C0 (except \n \t), DEL, C1.
        ("a\x00b\x07c\x08d\x7fe\x80f\x9cg", "abcdefg"),
        # Newlines and tabs are kept, CR LF and CR become LF.
        ("line 1\r\nline 2\rline 3\n\tindented", "line 1\nline 2\nline 3\n\tindented"),
        # Bidi overrides could reorder what is shown.
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        # Rich markup is just text.
        (
            "[bold]not bold[/] [red]x[/red] [link=http://x]y[/link]",
            "[bold]not bold[/] [red]x[/red] [link=http://x]y[/link]",
        ),
        ("Ünïcödé — ok 😀", "Ünïcödé — ok 😀"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_c1_next_line_becomes_newline() -> None:
    # U+0085 (NEL) is a C1 control but also a line break: it becomes "\n", never a raw C1.
    assert clean_text("a\x85b") == "a\nb"


def test_clean_line_folds_whitespace() -> None:
    assert clean_line("  Region\n\tEast \x1b[1m[bold]\x1b[0m ") == "Region East [bold]"


def test_html_to_text_realistic_mail() -> None:
    html = """<!DOCTYPE html>
<html><head><title>Quote</title>
<style>p { color: red; } .x::after { content: "LEAK"; }</style>
<script>document.write("LEAK")</script></head>
<body>
<div>Hi Anna,</div><div><br></div>
<p>Thanks for the call &mdash; here is the <a href="https://example.com/q?a=1&amp;b=2">quote</a>
for   <b>Acme&nbsp;Corp</b> &amp; partners.<br>Prices are in &euro; &lt;net&gt;.</p>
<h2>Summary</h2>
<ul><li>Setup fee</li><li>Licences<ul><li>10 seats</li></ul></li><li>Support</li></ul>
<ol><li>Sign</li><li>Pay</li></ol>
<table><tr><th>Item</th><th>Qty</th><th>Price</th></tr>
<tr><td>Widget</td><td>2</td><td>&euro;10.00</td></tr></table>
<p>Mail me at <a href="mailto:bob@example.com">bob@example.com</a> or see
<a href="https://example.com/">https://example.com/</a>
<a href="javascript:alert(1)">here</a>.</p>
<!-- a comment that must not show -->
<div class="gmail_quote">On Mon, 2 Mar 2026 Anna wrote:<br>
<blockquote><p>Can you send a quote?</p><p>Thanks,<br>Anna</p></blockquote></div>
<p>Hostile: \x1b]0;title\x07[bold]x[/] \x1b[2Jdone &#27;[1m</p>
</body></html>"""
    assert html_to_text(html) == (
        "Hi Anna,\n"
        "\n"
        "Thanks for the call — here is the quote <https://example.com/q?a=1&b=2> for "
        "Acme Corp & partners.\n"
        "Prices are in € <net>.\n"
        "\n"
        "Summary\n"
        "\n"
        "• Setup fee\n"
        "• Licences\n"
        "  • 10 seats\n"
        "• Support\n"
        "\n"
        "1. Sign\n"
        "2. Pay\n"
        "\n"
        "Item | Qty | Price\n"
        "Widget | 2 | €10.00\n"
        "\n"
        "Mail me at bob@example.com or see https://example.com/ here.\n"
        "\n"
        "On Mon, 2 Mar 2026 Anna wrote:\n"
        "\n"
        "> Can you send a quote?\n"
        ">\n"
        "> Thanks,\n"
        "> Anna\n"
        "\n"
        # &#27; is decoded to nothing (an invalid character reference), so "[1m" is plain text.
        "Hostile: [bold]x[/] done [1m"
    )


def test_html_to_text_pre_keeps_whitespace_and_nested_quotes() -> None:
    html = "<pre>  a  b\n    c</pre><blockquote>one<blockquote>two</blockquote></blockquote>"
    assert html_to_text(html) == "  a  b\n    c\n\n> one\n>\n> > two"


def test_html_to_text_ordered_list_start_and_hr() -> None:
    assert html_to_text('<ol start="3"><li>c</li><li>d</li></ol><hr>end') == (
        "3. c\n4. d\n\n" + "-" * 20 + "\n\nend"
    )


def test_html_to_text_plain_text_and_empty() -> None:
    assert html_to_text("") == ""
    assert html_to_text("just text, 1 < 2") == "just text, 1 < 2"
    assert html_to_text("<p></p><div> </div>") == ""


def test_fields_package_imports_only_models() -> None:
    """The fields package stays pure: stdlib and pipedrive_tui.api.models only."""
    package = Path(__file__).resolve().parents[2] / "pipedrive_tui" / "fields"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root not in {"textual", "rich", "httpx"}, (path.name, name)
                if root == "pipedrive_tui":
                    allowed = name == "pipedrive_tui.api.models" or name.startswith(
                        "pipedrive_tui.fields"
                    )
                    assert allowed, (path.name, name)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Zero-width space, word joiner, the invisible operators and the BOM hide or split text.
        ("pay\u200bpal", "paypal"),
        ("a\u2060b\u2061c\u2062d\u2063e\u2064f", "abcdef"),
        ("\ufeffInvoice", "Invoice"),
        # A title of nothing but escapes and invisible characters is empty once cleaned.
        ("\x1b]0;t\x07\u202e\u200b\ufeff\u2060", ""),
    ],
)
def test_clean_text_drops_zero_width_characters_that_only_hide_text(
    raw: str, expected: str
) -> None:
    assert clean_text(raw) == expected
    assert clean_line(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "\u200fمريم الحسيني\u200e",  # RLM and LRM around a right-to-left name: reorder nothing
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # ZWNJ inside a Persian word
        "👩\u200d👩\u200d👧\u200d👦",  # ZWJ: one family emoji
        "\u061cاسم",  # ALM
    ],
)
def test_clean_text_keeps_joiners_and_direction_marks(kept: str) -> None:
    assert clean_text(kept) == kept


def test_clean_text_drops_every_bidi_override_and_isolate() -> None:
    overrides = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert clean_text(f"a{overrides}b") == "ab"
    assert clean_line("Bidi \u202egnp.exe\u202c \u2066iso\u2069") == "Bidi gnp.exe iso"
