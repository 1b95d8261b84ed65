"""The hostile corpus of the demo account: text that tries to style, rewrite or break a terminal.

Pure data, used by :mod:`pipedrive_tui.demo.hostile` to plant hostile records: Rich markup,
terminal escape sequences (CSI, OSC 0/8/52, DCS, 8-bit C1), C0 controls and NUL, bidirectional
overrides and zero-width characters, wide CJK and emoji (ZWJ sequences too), combining marks, a
100,000-character note, a 1,000-character title, and values that pretend to be numbers or dates.
Each hostile name has a *readable* counterpart in :data:`READABLE`, written by hand: what a user
must still be able to read once the sequences are gone.
"""

from __future__ import annotations

__all__ = [
    "BIDI",
    "BIDI_TITLE",
    "C1",
    "CONTROL_TITLE",
    "CSI",
    "DCS",
    "EMPTY_LOOKING_TITLE",
    "ERROR_TEXT",
    "ESCAPE_TITLE",
    "FILTER_NAME",
    "HTML_NOTE",
    "LABEL_NAME",
    "LEAD_TITLE",
    "LONG_NOTE_LENGTH",
    "LONG_TITLE",
    "MAIL_BODY",
    "MARKUP",
    "MARKUP_TITLE",
    "ODD_VALUES",
    "ORG_NAME",
    "OSC0",
    "OSC8",
    "OSC52",
    "PERSON_NAME",
    "PIPELINE_NAME",
    "READABLE",
    "STAGE_NAMES",
    "SUBJECT",
    "USER_NAME",
    "WIDE",
    "WIDE_TITLE",
    "ZALGO",
    "ZERO_WIDTH",
    "long_note",
]

# --- the pieces ---------------------------------------------------------------------------------

#: Rich markup, balanced and not: must show as these very characters.
MARKUP = "[bold red]x[/bold red] [link=https://evil.example]click[/link] [/] ["
#: ANSI CSI: clear the screen, then red text and a reset.
CSI = "\x1b[2J\x1b[31mred\x1b[0m"
#: OSC 52: write "pwned" (base64) to the clipboard.
OSC52 = "\x1b]52;c;cHduZWQ=\x07"
#: OSC 8: a hyperlink whose text is "link".
OSC8 = "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
#: DCS (a sixel picture), terminated by ST.
DCS = "\x1bPq#0;2;0;0;0#0~~@@vv@@~~@@~~$-\x1b\\"
#: OSC 0: set the window title.
OSC0 = "\x1b]0;pwned\x07"
#: 8-bit C1 introducers: CSI (clear screen), OSC (title) ended by BEL, DCS ended by ST.
C1 = "\x9b2J\x9d0;c1\x07\x90dcs\x9c"
#: Bidi overrides and isolates: "exe.png" drawn backwards as "gnp.exe".
BIDI = "\u202egnp.exe\u202c \u2066iso\u2069"
#: Zero-width characters: space, word joiner, BOM, and the harmless marks LRM and RLM.
ZERO_WIDTH = "ze\u200bro\u2060wj\ufeffbom\u200e\u200f"
#: Wide CJK, emoji, ZWJ sequences (family, rainbow flag) and a skin tone.
WIDE = "日本語の取引 🚀 👩\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 👍🏽"
#: Combining marks piled on each letter.
ZALGO = "Z\u0334\u0321\u031b\u0324a\u0338\u0322\u032cl\u0337\u0328\u0319g\u0336\u0323\u034eo\u0335"

# --- the titles and names ---------------------------------------------------------------------

#: A deal title made of markup only (its readable form is itself).
MARKUP_TITLE = f"Zorblax {MARKUP}"
#: A deal title with every 7-bit escape sequence.
ESCAPE_TITLE = f"Esc {CSI} {OSC52}{OSC8} {DCS}{OSC0}deal"
#: A deal title with C0 controls, NUL, DEL and 8-bit C1 sequences.
CONTROL_TITLE = "Ctl\x00nul\x01\x07bel\x08bs\x0bvt\x0cff\x7fdel\ttab" + C1 + " deal"
#: A deal title with bidi overrides and zero-width characters.
BIDI_TITLE = f"Bidi {BIDI} {ZERO_WIDTH} deal"
#: A deal title in CJK, emoji and zalgo.
WIDE_TITLE = f"{WIDE} {ZALGO}"
#: A 1,000-character deal title.
LONG_TITLE = ("Long title " + "lorem ipsum dolor sit amet " * 40)[:1000]
#: A title that holds only invisible things: must show a placeholder, not nothing.
EMPTY_LOOKING_TITLE = f"{OSC0}\u202e\u200b{OSC52}"
#: The pipeline of the hostile deals, and its stages.
PIPELINE_NAME = f"Hostile [b]pipeline[/b] {OSC0}🚀"
STAGE_NAMES = (
    f"[red]Stage[/red] {CSI}",
    f"Clear {OSC52}",
    "日本語ステージ 👩\u200d👩\u200d👧\u200d👦",
)
#: A person, an organization and a user with hostile names.
PERSON_NAME = f"[bold]Mallory[/bold] {OSC52}Persona {WIDE[:6]}"
ORG_NAME = f"[link=https://evil.example]Evil Corp[/link] {OSC8} {BIDI}"
USER_NAME = f"[red]Eve[/red] {OSC0}Admin"
#: A lead title and a lead label name.
LEAD_TITLE = f"Lead [bold red]inbound[/] {CSI} {OSC52}{ZALGO}"
LABEL_NAME = f"[red]VIP[/red] {OSC52}label"
#: A saved filter's name.
FILTER_NAME = f"[bold]Filter[/bold] {OSC0}{CSI} 🚀"
#: A mail thread's subject.
SUBJECT = f"Re: [bold red]URGENT[/] {CSI}invoice {BIDI} {OSC52}"
#: The error message of a write a hostile server refuses.
ERROR_TEXT = f"[bold red]Denied[/] {OSC52}{CSI} by {OSC8} {C1}proxy"

#: What must stay readable of each hostile string once its sequences are gone (by hand).
READABLE: dict[str, str] = {
    MARKUP_TITLE: "Zorblax [bold red]x[/bold red] [link=https://evil.example]click[/link] [/] [",
    ESCAPE_TITLE: "Esc red link deal",
    CONTROL_TITLE: "Ctlnulbelbsvtffdel",
    BIDI_TITLE: "Bidi gnp.exe iso",
    WIDE_TITLE: "日本語の取引 🚀",
    LONG_TITLE: "Long title lorem ipsum",
    PIPELINE_NAME: "Hostile [b]pipeline[/b]",
    STAGE_NAMES[0]: "[red]Stage[/red] red",
    STAGE_NAMES[1]: "Clear",
    STAGE_NAMES[2]: "日本語ステージ",
    PERSON_NAME: "[bold]Mallory[/bold] Persona",
    ORG_NAME: "[link=https://evil.example]Evil Corp[/link] link",
    USER_NAME: "[red]Eve[/red] Admin",
    LEAD_TITLE: "Lead [bold red]inbound[/] red",
    LABEL_NAME: "[red]VIP[/red] label",
    FILTER_NAME: "[bold]Filter[/bold] red 🚀",
    SUBJECT: "Re: [bold red]URGENT[/] redinvoice gnp.exe iso",
    ERROR_TEXT: "[bold red]Denied[/] red by link proxy",
}

#: The length of the long note.
LONG_NOTE_LENGTH = 100_000
#: A note body (HTML) with hostile text, markup and encoded escapes.
HTML_NOTE = (
    f"<p>Note [bold red]markup[/] {CSI} &#x1b;]52;c;cHduZWQ=&#7; {OSC8}</p>"
    "<script>alert('x')</script><p>&#0;nul &#x9b;2J &#x202e;gnp.exe</p>"
    f"<ul><li>{WIDE}</li><li>{ZALGO}</li></ul>"
)
#: A mail body (HTML): hostile text, entity-encoded escapes, a javascript: link, a style block.
MAIL_BODY = (
    "<html><head><style>body{color:red}</style><title>\x1b]0;t\x07</title></head><body>"
    f"<p>Body [bold red]markup[/] and [link=https://evil.example]a link[/link] [/]</p>"
    f"<p>Raw: {CSI} {OSC52} {OSC8} {DCS} {OSC0} {C1} {BIDI} {ZERO_WIDTH}</p>"
    "<p>Encoded: &#x1b;[2J&#x1b;]52;c;cHduZWQ=&#x07; &#27;]0;t&#7; &#0; &#x202e;x</p>"
    '<p><a href="javascript:alert(1)">click me</a> '
    '<a href="https://evil.example/\x1b]52;c;cHduZWQ=\x07">evil link</a></p>'
    f"<p>{WIDE} {ZALGO}</p></body></html>"
)
#: A value that pretends to be a number, a date or a time.
ODD_VALUES = ("20/11/2026", "2026-13-45", "tomorrow", "25:99", "1e309")


def long_note() -> str:
    """A 100,000-character note: paragraphs of text with hostile bits sprinkled in."""
    piece = (
        f"<p>Paragraph [b]{{n}}[/b] {CSI} lorem ipsum dolor sit amet, consectetur "
        f"adipiscing elit {OSC52} sed do eiusmod tempor incididunt {WIDE}</p>"
    )
    parts, size, n = [], 0, 0
    while size < LONG_NOTE_LENGTH:
        n += 1
        part = piece.replace("{n}", str(n))
        parts.append(part)
        size += len(part)
    return "".join(parts)[:LONG_NOTE_LENGTH]
