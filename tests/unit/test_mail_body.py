"""render_body: real mail shapes, quoted-history folding, numbered links, hostile input, size."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from pipedrive_tui.fields.mail_body import (
    MAX_BODY_CHARS,
    MailBody,
    looks_like_html,
    render_body,
)
from pipedrive_tui.fields.text import html_to_text

# --- real-world shapes ---------------------------------------------------------------------

GMAIL_REPLY = """\
<div dir="ltr">Hi Anna,<div><br></div><div>Sounds good, see <a href="https://example.com/deal"
>the deal</a>.</div><div><br></div><div>Bob</div></div><br>
<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Mar 2, 2026 at 10:00 AM
Anna Smith &lt;<a href="mailto:anna@example.com">anna@example.com</a>&gt; wrote:<br></div>
<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid
rgb(204,204,204);padding-left:1ex"><div dir="ltr">Can we meet?<br>
<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Sun, Mar 1, 2026 Bob wrote:<br>
</div><blockquote class="gmail_quote">Older message, <a href="https://example.com/deal">the
deal</a> again</blockquote></div></div></blockquote></div>"""


def test_gmail_reply_folds_gmail_quote_with_nested_blockquotes() -> None:
    body = render_body(GMAIL_REPLY, first_link=5)
    assert body == MailBody(
        text="Hi Anna,\n\nSounds good, see the deal [5].\n\nBob",
        quoted=(
            "On Mon, Mar 2, 2026 at 10:00 AM Anna Smith <anna@example.com [6]> wrote:\n"
            "\n"
            "> Can we meet?\n"
            "> On Sun, Mar 1, 2026 Bob wrote:\n"
            ">\n"
            "> > Older message, the deal [5] again"
        ),
        links=("https://example.com/deal", "mailto:anna@example.com"),
        images=0,
    )


def test_gmail_inline_reply_inside_gmail_quote_is_not_folded() -> None:
    html = (
        '<div dir="ltr">See my answers below.</div><br><div class="gmail_quote">'
        '<div class="gmail_attr">On Mon, Mar 2, 2026 at 10:00 AM Anna &lt;anna@example.com&gt;'
        ' wrote:<br></div><blockquote class="gmail_quote">Price?</blockquote><div>1200 EUR.</div>'
        '<blockquote class="gmail_quote">Date?</blockquote><div>Friday.</div></div>'
    )
    body = render_body(html)
    assert body.quoted == ""
    assert body.text == (
        "See my answers below.\n\n"
        "On Mon, Mar 2, 2026 at 10:00 AM Anna <anna@example.com> wrote:\n\n"
        "> Price?\n\n1200 EUR.\n\n> Date?\n\nFriday."
    )


def test_gmail_quote_followed_by_new_text_is_not_folded() -> None:
    # Text after the gmail_quote div (here a signature below the quote) is new text: no fold.
    html = (
        '<div>Top</div><div class="gmail_quote">Someone said:<div>not quoted</div></div>'
        "<div>-- <br>Signature</div>"
    )
    assert render_body(html).quoted == ""


OUTLOOK_WEB_REPLY = """\
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>
</head><body dir="ltr"><div style="font-family: Calibri; font-size: 12pt;">Thanks, the signed
copy is attached.</div><div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"
color="#000000"><b>From:</b> Anna Smith &lt;anna@example.com&gt;<br><b>Sent:</b> Monday,
March 2, 2026 10:00 AM<br><b>To:</b> Bob &lt;bob@example.com&gt;<br><b>Subject:</b>
Contract</font><div>&nbsp;</div></div><div><div dir="ltr">Please sign the
<a href="https://sign.example/c/1">contract</a>.</div></div></body></html>"""


def test_outlook_reply_folds_from_the_reply_header() -> None:
    body = render_body(OUTLOOK_WEB_REPLY)
    assert body.text == "Thanks, the signed copy is attached."
    # The <hr> above Outlook's header goes with the history; &nbsp; lines are blank lines.
    assert body.quoted == (
        "--------------------\n"
        "\n"
        "From: Anna Smith <anna@example.com>\n"
        "Sent: Monday, March 2, 2026 10:00 AM\n"
        "To: Bob <bob@example.com>\n"
        "Subject: Contract\n"
        "\n"
        "Please sign the contract [1]."
    )
    assert body.links == ("https://sign.example/c/1",)


def test_outlook_desktop_reply_without_ids_folds_at_the_header_block() -> None:
    html = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->
<style><!-- p.MsoNormal {margin:0} --></style></head><body lang="EN-US">
<div class="WordSection1"><p class="MsoNormal">Approved.<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Regards,<br>Bob<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p><div><div style="border:none;border-top:solid #E1E1E1
1.0pt;padding:3.0pt 0in 0in 0in"><p class="MsoNormal"><b>From:</b> Anna Smith
&lt;anna@example.com&gt; <br><b>Sent:</b> Monday, March 2, 2026 10:00 AM<br><b>To:</b> Bob<br>
<b>Subject:</b> Discount<o:p></o:p></p></div></div><p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Can you approve 10%?<o:p></o:p></p></div></body></html>"""
    body = render_body(html)
    assert body.text == "Approved.\n\nRegards,\nBob"
    assert body.quoted == (
        "From: Anna Smith <anna@example.com>\nSent: Monday, March 2, 2026 10:00 AM\nTo: Bob\n"
        "Subject: Discount\n\nCan you approve 10%?"
    )


APPLE_MAIL_REPLY = """\
<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>
<body dir="auto">Yes, Thursday works.<div><br></div><div>Sent from my iPhone</div><div><br>
<blockquote type="cite">On 2 Mar 2026, at 10:00, Anna Smith &lt;anna@example.com&gt;
wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">Does Thursday
work?</div></blockquote></body></html>"""


def test_apple_mail_cite_blockquotes_are_folded() -> None:
    body = render_body(APPLE_MAIL_REPLY)
    assert body.text == "Yes, Thursday works.\n\nSent from my iPhone"
    assert body.quoted == (
        "> On 2 Mar 2026, at 10:00, Anna Smith <anna@example.com> wrote:\n>\n> Does Thursday work?"
    )


NEWSLETTER = """\
<!DOCTYPE html><html><head><title>Acme News</title><style>td{padding:0}</style></head><body>
<div style="display:none;max-height:0;overflow:hidden">Our biggest launch yet
&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;</div>
<table width="100%" cellpadding="0" cellspacing="0" role="presentation"><tr><td align="center">
 <table width="600" role="presentation">
  <tr><td><img src="https://news.example/logo.png" alt="Acme News" width="200"></td></tr>
  <tr><td height="20">&nbsp;</td></tr>
  <tr><td><h1>Big launch</h1><p>We launched <a href="https://news.example/launch?utm=1">our
   product</a>.</p></td></tr>
  <tr><td width="20">&nbsp;</td><td>Left column</td><td width="20"></td>
   <td>Right column</td></tr>
  <tr><td><table role="presentation"><tr><td><a href="https://news.example/unsub">Unsubscribe
   </a></td></tr><tr><td>Acme Inc, 1 Main St</td></tr></table></td></tr>
 </table>
</td></tr></table>
<img src="https://track.example/open.gif?id=42" width="1" height="1" alt="">
</body></html>"""


def test_newsletter_layout_tables_read_as_lines() -> None:
    body = render_body(NEWSLETTER)
    assert body.text == (
        "[image: Acme News]\n"
        "\n"
        "Big launch\n"
        "\n"
        "We launched our product [1].\n"
        "\n"
        "Left column | Right column\n"
        "\n"
        "Unsubscribe [2]\n"
        "Acme Inc, 1 Main St"
    )
    assert body.quoted == ""
    assert body.links == ("https://news.example/launch?utm=1", "https://news.example/unsub")
    # The 1×1 tracking pixel is neither shown nor counted; the hidden preheader is dropped.
    assert body.images == 1


def test_html_table_with_header_row() -> None:
    html = (
        "<p>Quote:</p><table border=1><thead><tr><th>Item</th><th>Qty</th><th>Price</th></tr>"
        "</thead><tbody><tr><td>Widget</td><td>2</td><td>&euro;10.00</td>"
        # Rows and cells left unclosed, an empty cell: still one row per line.
        "<tr><td>Gadget<td><td>&euro;5.00</table><p>Total &euro;25.00</p>"
    )
    assert render_body(html).text == (
        "Quote:\n\nItem | Qty | Price\nWidget | 2 | €10.00\nGadget | €5.00\n\nTotal €25.00"
    )


def test_inline_images_are_labelled_counted_and_never_linked() -> None:
    html = (
        '<p>Logo: <img src="cid:logo@01D9" alt="Acme logo"> and '
        '<img src="https://cdn.example/banner.png"> '
        '<a href="https://acme.example/"><img src="https://cdn.example/btn.png" alt="Shop now">'
        '</a> <a href="cid:att1">attachment</a> <img src="x.png" style="display: none"></p>'
    )
    body = render_body(html)
    assert body.text == "Logo: [image: Acme logo] and [image] [image: Shop now] [1] attachment"
    assert body.images == 3
    assert body.links == ("https://acme.example/",)


# --- links ---------------------------------------------------------------------------------


def test_links_are_numbered_deduplicated_and_offset() -> None:
    html = (
        '<p><a href="https://a.example/x">First</a>, <a href="https://b.example/">second</a>, '
        '<a href="https://a.example/x">first again</a>, '
        '<a href="mailto:bob@example.com">mail Bob</a>, <a href="tel:+4930123">call</a>, '
        '<a href="javascript:alert(1)">click me</a>, <a href="data:text/html,x">data</a>, '
        '<a href="/relative">relative</a>, <a href=" JAVA&#9;SCRIPT:alert(1)">obfuscated</a>, '
        '<a href="https://empty.example/"></a>'
        "bare https://c.example/path?q=1. and https://a.example/x</p>"
    )
    body = render_body(html, first_link=7)
    assert body.text == (
        "First [7], second [8], first again [7], mail Bob [9], call [10], click me, data, "
        "relative, obfuscated, bare https://c.example/path?q=1 [11]. and https://a.example/x [7]"
    )
    assert body.links == (
        "https://a.example/x",
        "https://b.example/",
        "mailto:bob@example.com",
        "tel:+4930123",
        "https://c.example/path?q=1",
    )


def test_duplicate_href_first_one_counts_as_in_a_browser() -> None:
    html = (
        '<a HREF="https://good.example/" href="javascript:x">t</a> '
        "<a href=javascript:x href=https://evil.example>u</a>"
    )
    body = render_body(html)
    assert (body.text, body.links) == ("t [1] u", ("https://good.example/",))


def test_link_around_blocks_marks_its_last_line() -> None:
    html = '<a href="https://x.example/a"><div>Read</div><div>more</div></a><p>after</p>'
    assert render_body(html).text == "Read\nmore [1]\n\nafter"


def test_unclosed_link_is_closed_by_the_next_one() -> None:
    html = '<a href="https://a.example/">one <a href="https://b.example/">two'
    body = render_body(html)
    assert body.text == "one [1]two [2]"
    assert body.links == ("https://a.example/", "https://b.example/")


def test_plain_text_urls_are_numbered_and_left_visible() -> None:
    text = (
        "See https://x.example/a, and <https://y.example/b>.\n"
        "Wiki: https://en.wikipedia.org/wiki/Foo_(bar)). Again https://x.example/a\n"
        "Not a link: javascript:alert(1) ftp://files.example/ https://"
    )
    body = render_body(text, first_link=3)
    assert body.text == (
        "See https://x.example/a [3], and <https://y.example/b> [4].\n"
        "Wiki: https://en.wikipedia.org/wiki/Foo_(bar) [5]). Again https://x.example/a [3]\n"
        "Not a link: javascript:alert(1) ftp://files.example/ https://"
    )
    assert body.links == (
        "https://x.example/a",
        "https://y.example/b",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
    )


# --- plain text folding --------------------------------------------------------------------


def test_plain_text_on_wrote_history_is_folded() -> None:
    text = (
        "Hi Anna,\r\n\r\nThursday works.  \r\n\r\n"
        "On Mon, 2 Mar 2026 at 10:00, Anna <anna@example.com> wrote:\r\n"
        "> Does Thursday work?\r\n>\r\n> > older\r\n\r\n"
    )
    assert render_body(text, html=False) == MailBody(
        text="Hi Anna,\n\nThursday works.",
        quoted="On Mon, 2 Mar 2026 at 10:00, Anna <anna@example.com> wrote:\n"
        "> Does Thursday work?\n>\n> > older",
        links=(),
        images=0,
    )


@pytest.mark.parametrize(
    "attribution",
    [
        "Le lun. 2 mars 2026 à 10:00, Anna <anna@example.fr> a écrit :",
        "Am Mo., 2. März 2026 um 10:00 Uhr schrieb Anna Smith <anna@example.de>:",
        "El lun, 2 mar 2026 a las 10:00, Anna (<anna@example.es>) escribió:",
        "Op ma 2 mrt. 2026 om 10:00 schreef Anna <anna@example.nl>:",
        "Anna Smith wrote:",
        # Wrapped by the sender's client at 76 columns.
        "On Mon, Mar 2, 2026 at 10:00 AM Anna Smith <anna.smith@example.com>\nwrote:",
        "On Mon, Mar 2, 2026 at 10:00 AM Anna Smith <\nanna.smith@example.com> wrote:",
    ],
)
def test_plain_text_attribution_variants(attribution: str) -> None:
    body = render_body(f"Thanks!\n\n{attribution}\n\n> Hallo\n> ---\n", html=False)
    assert body.text == "Thanks!"
    assert body.quoted == f"{attribution}\n\n> Hallo\n> ---"


def test_plain_text_quote_run_without_attribution() -> None:
    body = render_body("Agreed.\n\n> We propose 10%\n>\n> Anna\n", html=False)
    assert (body.text, body.quoted) == ("Agreed.", "> We propose 10%\n>\n> Anna")


@pytest.mark.parametrize(
    "text",
    [
        # Inline replies: quotes followed by new text stay in the text.
        "> Price?\n1200 EUR.\n\n> Date?\nFriday.",
        "On Mon, Anna wrote:\n> Price?\n1200 EUR.\n",
        # A message that is only a quote (a forward): nothing would be left, so nothing folds.
        "> only a quote\n> more",
        "On Mon, Anna wrote:\n> only a quote",
        # "wrote:" mid-message, with no quote after it.
        "I wrote:\nthe plan\n",
    ],
)
def test_plain_text_not_folded(text: str) -> None:
    body = render_body(text, html=False)
    assert body.quoted == ""
    assert body.text == text.strip("\n")


def test_plain_text_outlook_header_block_and_original_message() -> None:
    outlook = (
        "Thanks!\n\n________________________________\nFrom: Anna\nSent: Monday, 2 March 2026\n"
        "To: Bob\nSubject: RE: Offer\n\nold text\n> older"
    )
    body = render_body(outlook, html=False)
    assert body.text == "Thanks!"
    assert body.quoted == outlook.split("\n\n", 1)[1]
    original = "See below.\n\n-----Original Message-----\nFrom: Anna\nold text\n\nmore old"
    body = render_body(original, html=False)
    assert (body.text, body.quoted) == (
        "See below.",
        "-----Original Message-----\nFrom: Anna\nold text\n\nmore old",
    )
    # "From:" alone is not a header block.
    assert render_body("Hi\nFrom: the team\nBye", html=False).quoted == ""


def test_html_inline_replies_and_quoted_outlook_header_are_not_folded() -> None:
    # An Outlook reply header inside a quote, followed by the user's answers, is not history.
    html = (
        '<p>Hi</p><blockquote type="cite"><div id="x_divRplyFwdMsg"><b>From:</b> A</div>'
        "<div>old</div></blockquote><p>my inline answer</p><blockquote>more old</blockquote>"
        "<p>answer 2</p>"
    )
    body = render_body(html)
    assert body.quoted == ""
    assert body.text == "Hi\n\n> From: A\n> old\n\nmy inline answer\n\n> more old\n\nanswer 2"


def test_html_only_a_quote_stays_in_text() -> None:
    assert render_body("<blockquote>all quoted</blockquote>") == MailBody("> all quoted", "", (), 0)


# --- HTML conversion -----------------------------------------------------------------------


def test_html_structure() -> None:
    html = (
        "<h2>Summary</h2><p>a<br>b</p><pre>\n  code  x\n\n    indented</pre>"
        "<p>b&nbsp;&nbsp;c&amp;d&lt;e&gt;&quot;&#39;&hellip;</p>"
        '<ol start="3"><li>three<li>four<ol><li>nested<li value="9">nine</ol><li>five</ol>'
        "<ul><li>dot<ul><li>sub</ul></ul><hr>end"
    )
    assert render_body(html).text == (
        "Summary\n\na\nb\n\n  code  x\n\n    indented\n\nb c&d<e>\"'…\n\n"
        "3. three\n4. four\n  1. nested\n  9. nine\n5. five\n\n• dot\n  • sub\n\n"
        + "-" * 20
        + "\n\nend"
    )


def test_hidden_content_and_invisible_padding_are_dropped() -> None:
    html = (
        '<div style="display:none;max-height:0">Preheader&zwnj;&nbsp;&zwnj;&nbsp;</div>'
        '<p>Visible&#8203;&shy; text</p><p hidden>gone</p><span style="mso-hide: all">x</span>'
        # A ZWNJ inside a word is spelling (Persian), not padding.
        "<p>\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645</p>"
    )
    assert (
        render_body(html).text == "Visible text\n\n\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )


def test_script_style_head_dropped_and_unclosed_head_recovers() -> None:
    html = (
        '<html><head><title>T</title><style>p{}</style><script>alert("<p>x</p>")</script>'
        '<body><p>Body</p><script>document.write("LEAK")</script><noscript>NS</noscript>'
        "<template>TPL</template><svg><text>SVG</text></svg></body>"
    )
    assert render_body(html).text == "Body"
    assert render_body("<html><head><meta charset=utf-8>Text, no body</html>").text == (
        "Text, no body"
    )


# --- hostile input -------------------------------------------------------------------------

HOSTILE = (
    "Title\x1b]0;pwned\x07 erase\x1b[2J clip\x1b]52;c;ZXZpbA==\x07 "
    "link\x1b]8;;https://evil.example\x07here\x1b]8;;\x07 dcs\x1bPq#0;2\x1b\\ c1\x9b31m "
    "nul\x00 bidi\u202egpj.exe [bold red]x[/] [/]"
)
HOSTILE_CLEAN = "Title erase clip linkhere dcs c1 nul bidigpj.exe [bold red]x[/] [/]"


@pytest.mark.parametrize("html", [False, True])
def test_escape_sequences_and_controls_are_removed(html: bool) -> None:
    body = render_body(f"<p>{HOSTILE}</p>" if html else HOSTILE, html=html)
    assert body.text == HOSTILE_CLEAN


def test_escapes_in_attributes_and_quoted_part_are_removed() -> None:
    html = (
        '<p>x <a href="https://x.example/\x1b]0;t\x07a">t\x1b[2J</a>'
        '<img alt="\x1b]0;t\x07logo\u202e"></p><blockquote>q\x1b]52;c;eA==\x07\x9b2J</blockquote>'
    )
    body = render_body(html)
    assert (body.text, body.quoted, body.links) == (
        "x t [1][image: logo]",
        "> q",
        ("https://x.example/a",),
    )


def test_rich_markup_is_literal() -> None:
    body = render_body("<p>[bold]not bold[/] [link=x]y[/link] [/] [red]</p>")
    assert body.text == "[bold]not bold[/] [link=x]y[/link] [/] [red]"


def test_malformed_html_never_raises() -> None:
    html = (
        "<div><p>open <b>bold <i>both</div> after</b></i></span></td></tr></table></blockquote>"
        " text<![CDATA[ hidden ]]> more<!-- comment --> end"
        f"<div title=\"{'x' * 100_000}\" data-x='{'y' * 100_000}'>big</div>"
        '<p>1 < 2 & 3 > 2</p><a href="https://x.example/" <b>weird</b></a><p>unclosed'
        '<img alt="cut off at the end'
    )
    assert render_body(html).text == (
        "open bold both\n\nafter text more end\nbig\n\n1 < 2 & 3 > 2\n\nweird [1]\n\nunclosed"
    )
    assert render_body("<p>a<!-- never closed <p>b").text == "a"
    assert render_body("</x></p><</<!<?>", html=True).text == "<"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Hello</p>", True),
        ("Hi<br>there", True),
        ('Click <a href="https://x.example">here</a>', True),
        ("Fish&nbsp;&amp; chips", True),
        ("<!DOCTYPE html><html>", True),
        ("Plain text, 1 < 2 and a > b", False),
        ("Use <angle brackets> and [bold]", False),
    ],
)
def test_looks_like_html(body: str, expected: bool) -> None:
    assert looks_like_html(body) is expected


def test_plain_text_is_kept_as_it_is() -> None:
    text = "\n\n  Indented <b>not a tag</b>\tx  \n\n\n\nlast\x85line\n"
    assert render_body(text, html=False).text == "  Indented <b>not a tag</b>\tx\n\n\n\nlast\nline"


def test_empty_bodies() -> None:
    assert render_body(None) == MailBody("", "", (), 0)
    assert render_body("") == MailBody("", "", (), 0)
    assert render_body("<html><body><p> </p></body></html>") == MailBody("", "", (), 0)


# --- size ----------------------------------------------------------------------------------


def _big_html() -> tuple[str, str, int]:
    """About 1 MB of HTML mail, the text it must render to, and its number of links."""
    row = (
        '<div class="row"><p style="margin:0;color:#333">Paragraph {i} with <b>bold</b> '
        '&amp; a <a href="https://example.com/p/{i}">link</a>.</p>'
        "<table><tr><td>a{i}</td><td>b&nbsp;c</td></tr></table></div>\n"
    )
    count = 6_000
    html = "".join(row.format(i=i) for i in range(count))
    text = "\n\n".join(
        f"Paragraph {i} with bold & a link [{i + 1}].\n\na{i} | b c" for i in range(count)
    )
    return html, text, count


def _big_plain() -> tuple[str, str, int]:
    line = "Line {i}: plain text with a URL https://example.com/x/{i} and more words.\r\n"
    count = 13_000
    text = "\n".join(
        f"Line {i}: plain text with a URL https://example.com/x/{i} [{i + 1}] and more words."
        for i in range(count)
    )
    return "".join(line.format(i=i) for i in range(count)), text, count


def _tag_soup() -> tuple[str, str, int]:
    # html.parser takes minutes on this; here the rest is one tag cut off by the end of input.
    return "<p>start</p>" + "<a" * 500_000, "start", 0


@pytest.mark.parametrize("make", [_big_html, _big_plain, _tag_soup], ids=["html", "plain", "soup"])
def test_one_megabyte_bodies_render_fast(make: Callable[[], tuple[str, str, int]]) -> None:
    raw, expected, link_count = make()
    assert len(raw) >= 1_000_000
    started = time.perf_counter()
    body = render_body(raw)
    elapsed = time.perf_counter() - started
    # Generous: about 0.3 s for HTML and 0.1 s for text here; a freeze would take seconds.
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert body.text == expected
    assert body.quoted == ""
    assert len(body.links) == link_count


def test_over_long_body_is_cut_with_a_note() -> None:
    line = "0123456789" * 9 + "abcdefghi\n"  # 100 characters
    raw = line * (MAX_BODY_CHARS // 100 + 5_000)
    body = render_body(raw, html=False)
    shown = MAX_BODY_CHARS // 100 - 1  # the cut falls on the line end before the limit
    omitted = len(raw) - (shown * 100 + 99)
    assert body.text == (line * shown).rstrip("\n") + "\n" + line[:99] + (
        f"\n[… {omitted} more characters not shown]"
    )


def test_html_to_text_survives_tag_soup() -> None:
    # html_to_text shares the linear scanner: the same input must not freeze it either.
    assert html_to_text("<p>ok</p>" + "<a" * 200_000) == "ok"
    assert html_to_text("<p>x</p></>" + "</" * 200_000) == "x"
