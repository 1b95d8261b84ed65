"""Render a mail body for the thread view: plain text, numbered links, quoted history folded.

:func:`render_body` turns a Pipedrive mail body (HTML or plain text) into a :class:`MailBody`:
the new part of the message, the quoted history split off so the view can fold it, the link
targets numbered in reading order (the text shows ``text [N]``), and how many inline images it
held. Images are never fetched. The output is plain text passed through :func:`clean_text`;
nothing in it is markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipedrive_tui.fields.text import VOID_ELEMENTS, HtmlScanner, clean_line, clean_text

__all__ = ["MAX_BODY_CHARS", "MailBody", "looks_like_html", "render_body"]

#: Bodies longer than this are cut, and the text says how much was left out.
MAX_BODY_CHARS = 2_000_000


@dataclass(frozen=True)
class MailBody:
    """A mail body ready to show: see :func:`render_body`."""

    text: str
    """The new part of the message, plain text, safe for a terminal."""
    quoted: str
    """The quoted history folded away, plain text ("" when there is none)."""
    links: tuple[str, ...]
    """Link targets in the order they are numbered (the first has number ``first_link``)."""
    images: int
    """Inline images seen (never fetched)."""


def render_body(body: str | None, *, first_link: int = 1, html: bool | None = None) -> MailBody:
    """Render a mail body; ``html=None`` guesses from the body whether it is HTML.

    HTML becomes readable text (paragraphs, lists, "> " quotes, table cells joined " | ",
    ``[image: alt]``); plain text is kept as it is. Links to http(s), mailto: and tel: targets,
    and bare http(s) URLs in text, are followed by `` [N]``; one target keeps one number. The
    trailing quoted history (see :func:`_fold_start`) goes to ``quoted``; quotes followed by new
    text (inline replies) stay. Bodies past :data:`MAX_BODY_CHARS` are cut with a note.
    """
    if not body:
        return MailBody("", "", (), 0)
    if html is None:
        html = looks_like_html(body)
    omitted = 0
    if len(body) > MAX_BODY_CHARS:
        cut = _cut_point(body, html)
        body, omitted = body[:cut], len(body) - cut
    links = _Links(first_link)
    images = 0
    regions: list[tuple[int, int, bool]] = []
    if html:
        converter = _MailHtml(links)
        converter.feed(body)
        converter.close()
        lines, images, regions = converter.lines, converter.images, converter.regions
    else:
        lines = [line.rstrip() for line in _linkify(clean_text(body), links).split("\n")]
    text_lines, quoted_lines = _split_history(lines, regions)
    note = [f"[… {omitted} more characters not shown]"] if omitted else []
    if quoted_lines:
        quoted_lines += note
    else:
        text_lines += note
    return MailBody(
        text=clean_text("\n".join(_trim_blank(text_lines))),
        quoted=clean_text("\n".join(_trim_blank(quoted_lines))),
        links=tuple(links.targets),
        images=images,
    )


_HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|div|p|br|hr|table|tr|td|span|font|b|i|u|strong|em|ul|ol|li"
    r"|blockquote|h[1-6]|img|meta|style|center|pre)(?=[\s/>])|<a\s+href"
    r"|&(?:nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)


def looks_like_html(body: str) -> bool:
    """Whether ``body`` holds HTML tags or entities (the guess :func:`render_body` makes)."""
    return _HTML_HINT.search(body) is not None


def _cut_point(body: str, html: bool) -> int:
    """Where to cut an over-long body: not inside a tag, at a line end when one is near."""
    cut = MAX_BODY_CHARS
    if html:
        start = body.rfind("<", cut - 65_536, cut)
        if start != -1 and body.find(">", start, cut) == -1:
            cut = start
    else:
        newline = body.rfind("\n", cut - 65_536, cut)
        cut = newline if newline != -1 else cut
    return cut


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


# --- links ---------------------------------------------------------------------------------

# Schemes worth a number: a key can open them. javascript:, data:, cid:, file: and relative
# targets are shown as their text only.
_NUMBERED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# A URL written out in text, or one in angle brackets ("<https://…>", where the number goes
# after the ">").
_BARE_URL = re.compile(r"<(https?://[^\s<>]+)>|\bhttps?://[^\s<>\"]+", re.IGNORECASE)
_URL_TRAILER = ".,;:!?'\")]}*"


class _Links:
    """Numbers link targets in reading order; a target seen again keeps its first number."""

    def __init__(self, first: int) -> None:
        self.first = first
        self.targets: list[str] = []
        self._numbers: dict[str, int] = {}

    def number(self, target: str) -> int:
        """The number of ``target``, giving it the next one if it is new."""
        number = self._numbers.get(target)
        if number is None:
            number = self.first + len(self.targets)
            self.targets.append(target)
            self._numbers[target] = number
        return number


def _link_target(href: str | None) -> str | None:
    """The target of an ``href`` worth numbering, or None (other schemes, relative links)."""
    if not href:
        return None
    # Browsers drop tabs and newlines inside URLs and spaces around them.
    target = clean_text(href).replace("\t", "").replace("\n", "").strip()
    scheme = _SCHEME.match(target)
    if scheme is None or scheme.group(1).lower() not in _NUMBERED_SCHEMES:
        return None
    return target if len(target) > len(scheme.group(0)) else None


def _split_url(url: str) -> tuple[str, str]:
    """Split punctuation that ends a sentence off a URL found in text; keep balanced ")"."""
    opened, closed = url.count("("), url.count(")")
    end = len(url)
    while end and url[end - 1] in _URL_TRAILER:
        if url[end - 1] == ")":
            if opened >= closed:
                break
            closed -= 1
        end -= 1
    return url[:end], url[end:]


def _linkify(text: str, links: _Links) -> str:
    """Number the URLs written out in ``text``: "see https://x.example/a [1]."."""
    if "://" not in text:
        return text

    def number(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{match.group(0)} [{links.number(match.group(1))}]"
        url, rest = _split_url(match.group(0))
        if url.endswith("://"):
            return match.group(0)
        return f"{url} [{links.number(url)}]{rest}"

    return _BARE_URL.sub(number, text)


# --- quoted history ------------------------------------------------------------------------

# "On Mon, 2 Mar 2026 at 10:00, Anna <anna@example.com> wrote:", in a few languages: "Le … a
# écrit :", "Am … schrieb Anna <…>:", "El … escribió:", "Il … ha scritto:", "Op … schreef …:".
_ATTRIBUTION = re.compile(
    r"\b(?:wrote|writes|a\s+écrit|schrieb|escribió|escribio|ha\s+scritto|schreef|escreveu"
    r"|skrev|napisał|kirjoitti|написал\w*)\b[^:]{0,200}:\s*$",
    re.IGNORECASE,
)
# How an attribution line begins (case matters: "On", not "on").
_ATTRIBUTION_START = re.compile(r"\s*(?:On|Le|Am|El|Il|Op|Em|No dia|Den|På|W dniu|Dne)\s")
_ORIGINAL_MESSAGE = re.compile(
    r"\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine"
    r"|mensaje original|messaggio originale|oorspronkelijk bericht|originalmeddelande"
    r"|mensagem original|original meddelelse)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# An Outlook header block: "From:" then, within a few lines, "Sent:"/"Date:" and "Subject:".
_HEADER_FROM = re.compile(r"\s*\*?(?:from|von|de|da|van|fra|från|od)\s*\*?\s*:\s*\*?\s*\S", re.I)
_HEADER_SENT = re.compile(
    r"\s*\*?(?:sent|date|gesendet|datum|envoyé|enviado|enviada|inviato|data|verzonden|sendt"
    r"|skickat|wysłano)\s*\*?\s*:",
    re.IGNORECASE,
)
_HEADER_SUBJECT = re.compile(
    r"\s*\*?(?:subject|betreff|objet|asunto|oggetto|onderwerp|emne|ämne|assunto|temat)\s*\*?\s*:",
    re.IGNORECASE,
)
_HEADER_SPAN = 8
_HEADER_HINT = re.compile(r"\s*[-*dfovDFOV]")  # a cheap first test that most lines fail
# A line that only separates the reply from the history (Outlook's "____", an <hr>).
_SEPARATOR = re.compile(r"\s*[-_=~*]{3,}\s*")


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _is_attribution(line: str) -> bool:
    return len(line) <= 500 and _ATTRIBUTION.search(line) is not None


def _quote_run_start(lines: list[str]) -> int | None:
    """Start of the trailing run of "> " lines (blank lines allowed), with its attribution."""
    index, start = len(lines), None
    while index:
        line = lines[index - 1].lstrip()
        if line and not line.startswith(">"):
            break
        index -= 1
        if line:
            start = index
    if start is None:
        return None
    before = start - 1
    while before >= 0 and start - before <= 2 and not lines[before].strip():
        before -= 1
    if before < 0 or _quoted(lines[before]):
        return start
    line = lines[before]
    previous = lines[before - 1] if before else ""
    # A long attribution is often wrapped: "On …, Anna Smith <anna@…>" / "wrote:".
    wrapped = (
        len(previous) <= 500
        and _ATTRIBUTION_START.match(previous) is not None
        and _ATTRIBUTION_START.match(line) is None
    )
    if _is_attribution(line):
        return before - 1 if wrapped else before
    if wrapped and _is_attribution(f"{previous} {line}"):
        return before - 1
    return start


def _header_start(lines: list[str]) -> int | None:
    """The first "-----Original Message-----" line or Outlook header block outside quotes."""
    # Quoted lines ("> From: …") match neither pattern: they belong to the quote run.
    for index, line in enumerate(lines):
        if not _HEADER_HINT.match(line):
            continue
        if _ORIGINAL_MESSAGE.match(line):
            return index
        if _HEADER_FROM.match(line):
            following = lines[index + 1 : index + 1 + _HEADER_SPAN]
            if any(_HEADER_SENT.match(x) for x in following) and any(
                _HEADER_SUBJECT.match(x) for x in following
            ):
                return index
    return None


def _region_start(lines: list[str], regions: list[tuple[int, int, bool]]) -> int | None:
    """The first HTML history element (Gmail's quote, Outlook's reply header) that is trailing.

    ``(start, end, rest)``: with ``rest`` (Outlook) all from ``start`` on is history; else the
    element must end the message and hold no new text after its first quoted line (a reply
    written between the quotes).
    """
    if not regions:
        return None
    # For each line, the next quoted line and the next line of new text at or after it: O(1)
    # checks per element, however many (hostile) history elements there are.
    count = len(lines)
    next_quote, next_new = [count] * (count + 1), [count] * (count + 1)
    for index in range(count - 1, -1, -1):
        line = lines[index]
        quoted = _quoted(line)
        next_quote[index] = index if quoted else next_quote[index + 1]
        next_new[index] = index if line.strip() and not quoted else next_new[index + 1]
    last_text = count - 1
    while last_text >= 0 and not lines[last_text].strip("> "):
        last_text -= 1
    for start, end, rest in sorted(regions):
        if rest:
            return start
        if end > last_text and next_new[min(next_quote[start], end)] >= end:
            return start
    return None


def _fold_start(lines: list[str], regions: list[tuple[int, int, bool]]) -> int | None:
    """Where the trailing quoted history starts, or None.

    The earliest of: an HTML history element (:func:`_region_start`), a "-----Original
    Message-----" line or a "From:/Sent:/Subject:" header block (all after it is history), and
    the trailing run of "> " lines (HTML blockquotes are rendered so) with the "On … wrote:"
    line just before it.
    """
    found = [
        start
        for start in (
            _region_start(lines, regions),
            _header_start(lines),
            _quote_run_start(lines),
        )
        if start is not None
    ]
    return min(found) if found else None


def _split_history(
    lines: list[str], regions: list[tuple[int, int, bool]]
) -> tuple[list[str], list[str]]:
    """Split ``lines`` into the new part and the history (none when the new part is empty)."""
    start = _fold_start(lines, regions)
    if start is None:
        return lines, []
    # Separator lines and blank lines just above the history go with it.
    while start and (not lines[start - 1].strip() or _SEPARATOR.fullmatch(lines[start - 1])):
        start -= 1
    if not any(line.strip("> ") for line in lines[:start]):
        return lines, []
    return lines[:start], lines[start:]


# --- HTML ----------------------------------------------------------------------------------

# Content of these elements is never shown (code, styling, metadata, embedded media).
_SKIPPED = frozenset(
    {"script", "style", "head", "title", "template", "svg", "math", "noscript", "object"}
    | {"iframe", "noembed", "noframes", "frameset", "applet", "audio", "video", "canvas"}
)
# What a <head> may hold; anything else ends a <head> left open (as in a browser).
_HEAD_CONTENT = frozenset(
    {"meta", "link", "style", "script", "title", "base", "noscript", "template", "basefont"}
)
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "menu", "dir", "table", "pre"}
    | {"listing", "xmp", "textarea", "blockquote", "dl"}
)
_LINES = frozenset(
    {"div", "section", "article", "header", "footer", "main", "nav", "aside", "address", "tr"}
    | {"li", "dt", "dd", "figure", "figcaption", "center", "form", "fieldset", "caption"}
    | {"details", "summary", "legend", "hgroup", "body", "html"}
)
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
_PREFORMATTED = frozenset({"pre", "listing", "xmp", "textarea"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all", re.IGNORECASE)
# Where clients put the quoted history: Gmail, Yahoo and Proton wrap it in an element of this
# class (checked like a quote); Outlook marks the reply header with these ids, after which the
# whole rest is the earlier message. ("x_" prefixes appear when Outlook quotes Outlook.)
_QUOTE_CLASSES = frozenset(
    {"gmail_quote", "gmail_quote_container", "yahoo_quoted", "protonmail_quote"}
)
_REST_IDS = frozenset(
    {
        "divrplyfwdmsg",
        "appendonsend",
        "olk_src_body_section",
        "mail-editor-reference-message-container",
    }
)
_MAX_DEPTH_SHOWN = 12  # deeper quotes and lists are drawn at this depth (hostile nesting)
_SPACES = re.compile(r"\s+")
_SPACES_ZWNJ = re.compile(r"[\s\u200c]+")
# Invisible characters newsletters pad their preview text with.
_INVISIBLE = re.compile("[\u00ad\u034f\u200b\u2060\ufeff]")

# What an open element changed, to undo when it closes.
_SKIP, _PARAGRAPH, _LINE, _PRE, _QUOTE, _LIST, _TABLE, _REGION = (1 << i for i in range(8))


class _Open:
    """One element on the stack of open elements."""

    __slots__ = ("closed", "flags", "index", "link", "region", "tag")

    def __init__(self, tag: str, flags: int, index: int) -> None:
        self.tag = tag
        self.flags = flags
        self.index = index
        self.closed = False
        self.link: _Link | None = None
        self.region: _Region | None = None


class _List:
    """One open list: ordered or not, the next number, its open item."""

    __slots__ = ("counter", "item", "ordered")

    def __init__(self, ordered: bool, start: int) -> None:
        self.ordered = ordered
        self.counter = start
        self.item: _Open | None = None


class _Table:
    """One open table: its open row and cell (closed by the next ``<tr>`` and ``<td>``)."""

    __slots__ = ("cell", "row")

    def __init__(self) -> None:
        self.row: _Open | None = None
        self.cell: _Open | None = None


class _Link:
    """The open ``<a>``: its numbered target (None: not numbered) and whether it shows text."""

    __slots__ = ("shown", "target")

    def __init__(self, target: str | None) -> None:
        self.target = target
        self.shown = False


class _Region:
    """A history element: the lines it spans; ``rest``: all after its start is history."""

    __slots__ = ("end", "rest", "start")

    def __init__(self, start: int, rest: bool) -> None:
        self.start = start
        self.end: int | None = None
        self.rest = rest


def _collapse(text: str) -> str:
    """Fold whitespace runs into one space; zero-width non-joiners next to spaces go too."""
    if "\u200c" not in text:
        return _SPACES.sub(" ", text)
    # Newsletters pad preview text with "&zwnj;&nbsp;" runs; inside a word a ZWNJ is spelling.
    return _SPACES_ZWNJ.sub(lambda m: " " if m.group().strip("\u200c") else m.group(), text)


def _int(value: str | None, default: int) -> int:
    value = (value or "").strip()
    # isdigit() alone accepts "²", which int() rejects.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


class _MailHtml(HtmlScanner):
    """Collects the lines of an HTML mail; see :func:`render_body`.

    Keeps a stack of open elements, so a stray end tag is ignored and an end tag closes the
    elements left open inside it, as in a browser; ``<li>``, ``<tr>``, ``<td>``, ``<p>`` and
    ``<a>`` close the previous one.
    """

    def __init__(self, links: _Links) -> None:
        self.links = links
        self.lines: list[str] = []
        self.images = 0
        self._line: list[str] = []
        self._line_shown = False  # the current line holds visible text
        self._separator = False  # a table cell began: " | " goes before its first text
        self._nbsp = False  # the current line holds a no-break space: shown even if blank
        self._pre_start = False  # a <pre> just began: a newline right after it is not shown
        # The blank line owed before the next text (None: none), with the quote prefix of the
        # place it was asked for: between quoted paragraphs ">", around a quote "".
        self._blank: str | None = None
        self._stack: list[_Open] = []
        self._open_count: dict[str, int] = {}
        self._skip = self._pre = self._quote = 0
        self._lists: list[_List] = []
        self._tables: list[_Table] = []
        self._link: _Link | None = None
        self._head: _Open | None = None
        self._regions: list[_Region] = []

    @property
    def regions(self) -> list[tuple[int, int, bool]]:
        """The history elements seen: (first line, line after the last, rest-is-history)."""
        end = len(self.lines)
        return [(r.start, end if r.end is None else r.end, r.rest) for r in self._regions]

    # -- lines --

    def _emit(self, text: str) -> None:
        if not text:
            return
        shown = not text.isspace()
        if self._separator:
            if not shown:
                return
            self._separator = False
            if self._line_shown:
                self._line.append(" | ")
        self._line.append(text)
        if shown:
            self._line_shown = True
            if self._link is not None:
                self._link.shown = True

    def _flush(self, force: bool = False) -> None:
        """End the current line; an empty one is kept only when ``force`` (a ``<br>``).

        A line of no-break spaces counts as forced: ``<div>&nbsp;</div>`` is a blank line in a
        browser (Outlook's and Word's empty paragraphs).
        """
        if not (self._line or force or self._nbsp):
            return  # nothing to end (the common case: a block right after a block)
        raw = "".join(self._line)
        force = force or self._nbsp
        self._line = []
        self._line_shown = self._separator = self._nbsp = False
        text = raw.rstrip() if self._pre else _SPACES.sub(" ", raw).strip()
        if not text and not force:
            return
        if self._blank is not None and self.lines and self.lines[-1].strip("> "):
            self.lines.append(self._blank)
        self._blank = None
        depth = min(self._quote, _MAX_DEPTH_SHOWN)
        indent = "  " * min(max(len(self._lists) - 1, 0), _MAX_DEPTH_SHOWN)
        line = ("> " * depth + indent + text).rstrip()
        # Runs of empty lines (<br><br><br>) show as one, except in preformatted text.
        if text or self._pre or (self.lines and self.lines[-1].strip("> ")):
            self.lines.append(line)

    def _paragraph_break(self) -> None:
        self._flush()
        prefix = ("> " * min(self._quote, _MAX_DEPTH_SHOWN)).rstrip()
        # When breaks pile up at a quote's edge, the outermost one decides how the blank looks.
        if self._blank is None or len(prefix) < len(self._blank):
            self._blank = prefix

    # -- the stack --

    def _push(self, tag: str, flags: int) -> _Open:
        entry = _Open(tag, flags, len(self._stack))
        self._stack.append(entry)
        self._open_count[tag] = self._open_count.get(tag, 0) + 1
        return entry

    def _close_to(self, entry: _Open | None) -> None:
        """Close ``entry`` and every element opened inside it (if it is still open)."""
        if entry is None or entry.closed:
            return
        while len(self._stack) > entry.index:
            self._close(self._stack.pop())

    def _close(self, entry: _Open) -> None:
        entry.closed = True
        self._open_count[entry.tag] -= 1
        if entry.link is not None and entry.link is self._link:
            self._end_link()
        flags = entry.flags
        if not flags:
            return
        if flags & _SKIP:
            self._skip -= 1
            return
        # Break before undoing the element's state: its last line keeps its quote prefix.
        if flags & _PARAGRAPH:
            self._paragraph_break()
        elif flags & _LINE:
            self._flush()
        if flags & _PRE:
            self._pre -= 1
        if flags & _QUOTE:
            self._quote -= 1
            self._paragraph_break()
        if flags & _LIST:
            self._lists.pop()
        if flags & _TABLE:
            self._tables.pop()
        if entry.region is not None:
            entry.region.end = len(self.lines)

    # -- scanner callbacks --

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element: skip it, break lines, start a list item, link, cell or image."""
        if self._head is not None and tag not in _HEAD_CONTENT:
            self._leave_head()
        if self._skip:
            if tag not in VOID_ELEMENTS:
                self._push(tag, 0)
            return
        attributes = {name: value or "" for name, value in attrs}
        hidden = tag in _SKIPPED or "hidden" in attributes
        if not hidden and "style" in attributes:
            hidden = _HIDDEN_STYLE.search(attributes["style"]) is not None
        if tag in VOID_ELEMENTS:
            if not hidden:
                self._void(tag, attributes)
            return
        if hidden:
            self._skip += 1
            entry = self._push(tag, _SKIP)
            if tag == "head":
                self._head = entry
            return
        self._close_implied(tag)
        self._start(tag, attributes)

    def _close_implied(self, tag: str) -> None:
        if tag == "li" and self._lists:
            self._close_to(self._lists[-1].item)
        elif tag in ("td", "th") and self._tables:
            self._close_to(self._tables[-1].cell)
        elif tag == "tr" and self._tables:
            self._close_to(self._tables[-1].row)
        elif tag == "p" and self._stack and self._stack[-1].tag == "p":
            self._close_to(self._stack[-1])
        elif tag == "a" and self._link is not None:
            self._end_link()

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        # History elements inside a quote are part of the quote (and may be followed by replies).
        history = self._history(attributes) if attributes and not self._quote else None
        region = None
        if history is not None:
            self._flush()
            region = _Region(len(self.lines), rest=history)
            self._regions.append(region)
        flags = _REGION if region else 0
        if tag in _LISTS and self._lists:
            flags |= _LINE  # a nested list only breaks the line
        elif tag in _PARAGRAPHS:
            flags |= _PARAGRAPH
        elif tag in _LINES:
            flags |= _LINE
        if flags & _PARAGRAPH:
            self._paragraph_break()
        elif flags & _LINE:
            self._flush()
        if tag in _PREFORMATTED:
            self._pre += 1
            self._pre_start = True
            flags |= _PRE
        elif tag == "blockquote":
            self._quote += 1
            flags |= _QUOTE
        elif tag in _LISTS:
            self._lists.append(_List(tag == "ol", _int(attributes.get("start"), 1)))
            flags |= _LIST
        elif tag == "table":
            self._tables.append(_Table())
            flags |= _TABLE
        entry = self._push(tag, flags)
        entry.region = region
        if tag == "li":
            self._start_item(entry, attributes)
        elif tag == "a":
            self._link = entry.link = _Link(_link_target(attributes.get("href")))
        elif tag == "tr" and self._tables:
            self._tables[-1].row = entry
        elif tag in ("td", "th") and self._tables:
            self._tables[-1].cell = entry
            self._separator = True

    @staticmethod
    def _history(attributes: dict[str, str]) -> bool | None:
        """Whether the element holds history: True all after it, False a quote, None not."""
        element_id = attributes.get("id", "").lower().removeprefix("x_")
        if element_id in _REST_IDS:
            return True
        classes = attributes.get("class", "")
        if classes and not _QUOTE_CLASSES.isdisjoint(classes.lower().split()):
            return False
        return None

    def _start_item(self, entry: _Open, attributes: dict[str, str]) -> None:
        if not self._lists:
            self._emit("• ")
            return
        current = self._lists[-1]
        current.item = entry
        if current.ordered:
            current.counter = _int(attributes.get("value"), current.counter)
            self._emit(f"{current.counter}. ")
            current.counter += 1
        else:
            self._emit("• ")

    def _void(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "br":
            self._flush(force=True)
        elif tag == "hr":
            self._paragraph_break()
            self._emit("-" * 20)
            self._paragraph_break()
        elif tag == "img":
            size = (attributes.get("width", "").strip(), attributes.get("height", "").strip())
            if not {"0", "1", "0px", "1px"}.isdisjoint(size):
                return  # a tracking pixel or spacer, invisible in any mail client
            self.images += 1
            alt = clean_line(attributes.get("alt", ""))
            self._emit(f"[image: {alt}]" if alt else "[image]")

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost open element named ``tag`` and all opened inside it."""
        if not self._open_count.get(tag):
            return  # a stray end tag
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index].tag == tag:
                self._close_to(self._stack[index])
                break
        if self._head is not None and self._head.closed:
            self._head = None

    def _leave_head(self) -> None:
        """Close a ``<head>`` left open: body content began (a browser does the same)."""
        self._close_to(self._head)
        self._head = None

    def _end_link(self) -> None:
        link, self._link = self._link, None
        if link is None or link.target is None or not link.shown:
            return
        marker = f" [{self.links.number(link.target)}]"
        if self._line_shown:
            self._line.append(marker)
            return
        # The link's text already ended its line (a block inside the link): mark that line.
        index = len(self.lines) - 1
        while index >= 0 and not self.lines[index].strip("> "):
            index -= 1
        if index >= 0:
            self.lines[index] += marker

    def handle_data(self, data: str) -> None:
        """Add text: whitespace collapsed outside ``<pre>``, bare URLs numbered."""
        head = self._head
        if head is not None and self._stack and self._stack[-1] is head and not data.isspace():
            self._leave_head()
        if self._skip or not data:
            return
        data = _INVISIBLE.sub("", clean_text(data))
        if self._pre:
            if self._pre_start and data.startswith("\n"):
                data = data[1:]
            self._pre_start = False
            first, *rest = data.split("\n")
            self._emit(self._linked(first))
            for line in rest:
                self._flush(force=True)
                self._emit(self._linked(line))
            return
        if "\u00a0" in data:
            self._nbsp = True
        self._emit(self._linked(_collapse(data)))

    def _linked(self, text: str) -> str:
        return text if self._link is not None else _linkify(text, self.links)

    def close(self) -> None:
        """Close all open elements and flush the last line."""
        self._close_to(self._stack[0] if self._stack else None)
        self._end_link()
        self._flush()
