"""Make strings from Pipedrive safe to show in a terminal, and turn HTML mail into plain text.

Everything a user typed into Pipedrive (deal titles, field values, notes, mail bodies) may hold
control characters or terminal escape sequences. Written to a terminal verbatim they could
retitle the window, move the cursor or hide text, so every Pipedrive string goes through
:func:`clean_text` before it is displayed. Square brackets are ordinary characters here: the UI
shows the results as plain text, never as Rich markup.
"""

from __future__ import annotations

import re
from html import unescape

__all__ = ["HtmlScanner", "clean_line", "clean_text", "html_to_text"]

# Escape sequences are removed whole; stripping only the ESC byte would leave "]0;title" or "[2J"
# behind as visible garbage. String sequences (OSC, DCS, SOS, PM, APC) run up to their
# terminator; a 7-bit one left unterminated is cut at the end of its line, so one stray ESC hides
# at most a line of a long note. An 8-bit introducer is removed only with its terminator: a lone
# C1 byte (mis-decoded text) is dropped by _CONTROLS without eating the text after it.
_ESCAPES = re.compile(
    r"""
      \x1b[\]PX^_] .*? (?: \x07 | \x1b\\ | \x9c | (?=\n) | $ )  # OSC / DCS / SOS / PM / APC
    | [\x9d\x90\x98\x9e\x9f] [^\x07\x1b\x9c\n]* (?: \x07 | \x1b\\ | \x9c )  # the same, 8-bit
    | \x1b\[ [0-?]* [ -/]* [@-~]?                        # CSI (7-bit)
    | \x9b [0-?]* [ -/]* [@-~]?                          # CSI (8-bit)
    | \x1b [ -/]* [0-~]?                                 # nF / Fp / Fe / Fs escapes, lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)

# C0 controls except TAB and LF, DEL, C1 controls; plus the bidi embedding/override/isolate
# characters, which can make a terminal show text in a different order than it is stored, and
# the invisible characters that only hide or split text (zero-width space, word joiner and the
# invisible operators, BOM): a title made of them would look empty yet not get its placeholder.
# The joiners (ZWNJ, ZWJ: Persian words, emoji sequences) and the direction marks (LRM, RLM,
# ALM: they reorder nothing, and right-to-left names need them) are kept.
_CONTROLS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_WHITESPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Remove escape sequences, control characters and zero-width spaces, keeping newlines, tabs.

    CR LF and lone CR become LF (a lone CR would let later text overwrite the start of the line).
    """
    if not text:
        return ""
    text = _NEWLINES.sub("\n", text)
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)


def clean_line(text: str) -> str:
    """Like :func:`clean_text`, then fold all whitespace (newlines too) into single spaces.

    For names and table cells, which must stay on one line.
    """
    return _WHITESPACE.sub(" ", clean_text(text)).strip()


# --- HTML to text ---------------------------------------------------------------------------

# The markup a browser's tokenizer recognises after a "<". Every construct may run to the end of the
# input (an unclosed comment, tag or quoted attribute value), so no match ever has to look for a
# terminator again from a later "<": scanning stays linear even on "<a<a<a…", which takes
# html.parser quadratic time. A "<" that starts none of these ("1 < 2") is text.
_MARKUP = re.compile(
    r"""<(?:
        !--(?:-?>|.*?(?:--!?>|\Z))                   # comment
      | [!?][^>]*(?:>|\Z)                            # doctype, CDATA, processing instruction
      | /(?![a-zA-Z])[^>]*(?:>|\Z)                   # "</>" or "</ x>": a bogus comment
      | (?P<close>/)?(?P<name>[a-zA-Z][^\t\n\f\r />]*)
        (?P<attrs>(?:[^>"'=]+|=[\t\n\f\r ]*"[^"]*(?:"|\Z)|=[\t\n\f\r ]*'[^']*(?:'|\Z)|[="'])*+)
        (?P<end>>|\Z)
    )""",
    re.VERBOSE | re.DOTALL,
)
_ATTRIBUTE = re.compile(
    r"""([^\t\n\f\r /=][^\t\n\f\r /=]*)
        (?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"?|'([^']*)'?|([^\t\n\f\r ]*)))?""",
    re.VERBOSE,
)
# Elements whose content is raw text up to their end tag (markup inside is not markup).
_RAW_TEXT = frozenset(
    {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript"}
)
_RAW_END: dict[str, re.Pattern[str]] = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />]|\Z)", re.IGNORECASE) for name in _RAW_TEXT
}
# Elements that never have content; an end tag for them is ignored ("</br>" aside).
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track"}
    | {"wbr", "param", "keygen", "frame", "basefont", "bgsound"}
)


class HtmlScanner:
    """Walks HTML in one linear pass, calling ``handle_*`` like :class:`html.parser.HTMLParser`.

    A small tag-soup tokenizer instead of ``html.parser``, which takes quadratic time on input
    such as ``"<a" * 100_000`` (seconds for a few hundred kilobytes) and so could freeze the app
    on a hostile mail. It never raises: a construct left open at the end of the input is dropped
    the way a browser drops it, a ``<`` that opens nothing is text. Tag and attribute names are
    lower-cased, entities decoded in text and attribute values. A self-closing slash is ignored
    (as browsers do); void elements such as ``<br>`` get no end call.
    """

    def feed(self, html: str) -> None:
        """Scan a whole document (not incrementally: each call is a new document)."""
        pos = 0
        length = len(html)
        while pos < length:
            match = _MARKUP.search(html, pos)
            if match is None:
                self._text(html[pos:])
                return
            if match.start() > pos:
                self._text(html[pos : match.start()])
            pos = match.end()
            name, close, raw, end = match.group("name", "close", "attrs", "end")
            if name is None or not end:
                continue  # a comment, a declaration, or a tag cut off by the end of the input
            tag = name.lower()
            if close:
                if tag == "br":  # browsers read "</br>" as "<br>"
                    self.handle_starttag("br", [])
                elif tag not in VOID_ELEMENTS:
                    self.handle_endtag(tag)
                continue
            self.handle_starttag(tag, self._attributes(raw) if raw.strip(" /\t\n\r\f") else [])
            if tag in _RAW_TEXT:
                closing = _RAW_END[tag].search(html, pos)
                stop = closing.start() if closing else length
                if stop > pos:
                    content = html[pos:stop]
                    self.handle_data(unescape(content) if tag in ("title", "textarea") else content)
                pos = stop

    def _text(self, text: str) -> None:
        self.handle_data(unescape(text) if "&" in text else text)

    @staticmethod
    def _attributes(raw: str) -> list[tuple[str, str | None]]:
        attributes: list[tuple[str, str | None]] = []
        seen: set[str] = set()
        for match in _ATTRIBUTE.finditer(raw):
            name, double, single, bare = match.groups()
            name = name.lower()
            if name in seen:
                continue  # the first of duplicate attributes wins, as in a browser
            seen.add(name)
            value = double if double is not None else single if single is not None else bare
            if value is not None and "&" in value:
                value = unescape(value)
            attributes.append((name, value))
        return attributes

    def close(self) -> None:
        """Finish the document (nothing is buffered; subclasses flush their own state)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An element opens (attribute values are ``None`` when the attribute has none)."""

    def handle_endtag(self, tag: str) -> None:
        """An element closes (or a stray end tag: matching is the subclass's business)."""

    def handle_data(self, data: str) -> None:
        """Text between tags, entities decoded (raw for script and style content)."""


# Content of these elements is never shown (code, styling, metadata).
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "svg", "noscript", "object"})
# Elements that start and end a paragraph (a blank line before and after).
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "blockquote", "dl"}
)
# Elements that only start and end a line.
_LINES = frozenset(
    {"div", "section", "article", "header", "footer", "main", "nav", "aside", "address", "tr"}
    | {"li", "dt", "dd", "figure", "figcaption", "center", "form", "fieldset", "caption"}
)
# Links whose target is worth printing next to their text.
_SHOWN_SCHEMES = ("http://", "https://", "mailto:", "tel:", "ftp://")


class _ListState:
    """One open ``<ul>``/``<ol>``: its kind and the number of the next item."""

    __slots__ = ("counter", "ordered")

    def __init__(self, ordered: bool, start: int) -> None:
        self.ordered = ordered
        self.counter = start


class _HtmlToText(HtmlScanner):
    """Collects lines of text while walking the HTML; see :func:`html_to_text`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._line: list[str] = []
        # The blank line owed before the next text (None: none owed), with the quote prefix of
        # the place where it was asked for: between quoted paragraphs it is ">", around a quote "".
        self._blank: str | None = None
        self._skip_depth = 0
        self._pre_depth = 0
        self._quote_depth = 0
        self._lists: list[_ListState] = []
        # One entry per open <a>: its href and the text seen inside it so far.
        self._links: list[tuple[str, list[str]]] = []
        # Cells seen so far in each open <tr>, to know when a " | " separator is needed.
        self._cells: list[int] = []

    # -- line assembly --

    def _prefix(self) -> str:
        indent = "  " * max(len(self._lists) - 1, 0)
        return "> " * self._quote_depth + indent

    def _emit(self, text: str) -> None:
        self._line.append(text)
        for _, seen in self._links:
            seen.append(text)

    def _flush(self, force: bool = False) -> None:
        """End the current line; an empty line is kept only when ``force`` (a ``<br>``)."""
        raw = "".join(self._line)
        self._line = []
        if self._pre_depth:
            text = raw.rstrip()
        else:
            text = re.sub(r"[ \t]+", " ", raw).strip()
        if not text and not force:
            return
        if self._blank is not None and self.lines and self.lines[-1].strip("> "):
            self.lines.append(self._blank)
        self._blank = None
        self.lines.append((self._prefix() + text).rstrip())

    def _paragraph_break(self) -> None:
        self._flush()
        self._owe_blank()

    def _owe_blank(self) -> None:
        prefix = ("> " * self._quote_depth).rstrip()
        # When breaks pile up at a quote's edge, the outermost one decides how the blank looks.
        if self._blank is None or len(prefix) < len(self._blank):
            self._blank = prefix

    # -- parser callbacks --

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element: skip, break lines, start list items, links or table cells."""
        if tag in _SKIPPED:
            self._skip_depth += 1
            return
        if self._skip_depth:
            return
        attributes = {name: value or "" for name, value in attrs}
        if tag in _PARAGRAPHS and not self._nested_list(tag):
            self._paragraph_break()
        elif tag in _LINES:
            self._flush()
        if tag == "br":
            self._flush(force=True)
        elif tag == "hr":
            self._paragraph_break()
            self._emit("-" * 20)
            self._paragraph_break()
        elif tag == "pre":
            self._pre_depth += 1
        elif tag == "blockquote":
            self._quote_depth += 1
        elif tag in ("ul", "ol"):
            start = attributes.get("start", "1")
            # isdigit() alone accepts "²" (and any length), which int() rejects.
            valid = start.isascii() and start.isdigit() and len(start) < 10
            self._lists.append(_ListState(tag == "ol", int(start) if valid else 1))
        elif tag == "li":
            self._start_item()
        elif tag == "a":
            self._links.append((attributes.get("href", "").strip(), []))
        elif tag == "tr":
            self._cells.append(0)
        elif tag in ("td", "th") and self._cells:
            if self._cells[-1] and self._line:
                self._emit(" | ")
            self._cells[-1] += 1

    def _nested_list(self, tag: str, closing: bool = False) -> bool:
        """Whether ``tag`` is a list inside another list, which only breaks the line."""
        if tag not in ("ul", "ol"):
            return False
        nested = len(self._lists) > (1 if closing else 0)
        if nested:
            self._flush()
        return nested

    def _start_item(self) -> None:
        if not self._lists:
            self._emit("• ")
            return
        current = self._lists[-1]
        if current.ordered:
            self._emit(f"{current.counter}. ")
            current.counter += 1
        else:
            self._emit("• ")

    def handle_endtag(self, tag: str) -> None:
        """Close an element: end its line or paragraph, print a link's target."""
        if tag in _SKIPPED:
            self._skip_depth = max(self._skip_depth - 1, 0)
            return
        if self._skip_depth:
            return
        if tag == "a" and self._links:
            self._end_link(*self._links.pop())
        elif tag == "tr" and self._cells:
            self._cells.pop()
        # Pop the state of the closing element only after its last line is flushed, so that the
        # line still gets the element's quote prefix or list indentation.
        if tag in _PARAGRAPHS and not self._nested_list(tag, closing=True):
            self._paragraph_break()
        elif tag in _LINES:
            self._flush()
        if tag == "pre":
            self._pre_depth = max(self._pre_depth - 1, 0)
        elif tag == "blockquote":
            self._quote_depth = max(self._quote_depth - 1, 0)
            self._owe_blank()
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()

    def _end_link(self, href: str, seen: list[str]) -> None:
        text = re.sub(r"\s+", " ", "".join(seen)).strip()
        if not text or not href.lower().startswith(_SHOWN_SCHEMES):
            return
        # A link whose text already is its target would only repeat itself.
        bare = href.split(":", 1)[1] if href.lower().startswith(("mailto:", "tel:")) else href
        if text in (href, bare, href.rstrip("/")):
            return
        self._emit(f" <{href}>")

    def handle_data(self, data: str) -> None:
        """Add text, collapsing whitespace outside ``<pre>``."""
        if self._skip_depth:
            return
        data = clean_text(data).replace("\u00a0", " ")
        if self._pre_depth:
            first, *rest = data.split("\n")
            self._emit(first)
            for line in rest:
                self._flush(force=True)
                self._emit(line)
            return
        self._emit(re.sub(r"\s+", " ", data))

    def close(self) -> None:
        """Flush the last line."""
        self._flush()


def html_to_text(html: str) -> str:
    """Render an HTML fragment or mail body as readable plain text.

    Paragraphs and headings are separated by blank lines, ``<br>`` and ``<div>`` break lines,
    list items start with "• " (or "1. " in ordered lists), links read "text <url>",
    blockquotes are prefixed with "> ", table cells are joined with " | " one row per line,
    and scripts, styles and the ``<head>`` are dropped. Entities are decoded and the result is
    passed through :func:`clean_text`.
    """
    if not html:
        return ""
    parser = _HtmlToText()
    parser.feed(html)
    parser.close()
    lines = parser.lines
    while lines and not lines[-1].strip("> "):
        lines.pop()
    return clean_text("\n".join(lines))
