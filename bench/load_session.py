"""The scripted load session of issue #10 point 5: its key script, the app it runs on, its probes.

Shared by ``bench/bench_load_session.py`` (which prints the figures) and
``tests/pilot/test_load_session.py`` (which asserts on a small run of the same script).

* :func:`build_script` makes a deterministic list of keys that tours every screen: the board
  (cursor moves, pickers, a stage move and its revert, the next pipeline and back, a deal's
  detail and its tabs), the deals list (scrolling, paging far enough to load more pages, sorting,
  search typing, pickers, the status tabs, a deal's detail), the leads (scrolling, a lead's
  detail and tabs, the label picker, the archived view, sorting, search), the mail (folders, a
  thread, search), the saved filters (the list, the builder), the account overview, the command
  palette (typing a deal search) and the help panel. It writes only the stage move it reverts
  (opening a lead or an unread thread also marks it seen or read, as in the app).
* :func:`demo_session` builds the app on the demo as ``pipedrive-tui --demo`` does (each answer
  from a worker thread, ``freeze_gc``, the default client limiter), with latency on every
  request and the demo's burst limit enforced (a burst the limiter let through gets a 429).
* :class:`Probe` watches the app: the first frame after each key, notifications, worker errors,
  the status of every answer the demo gave.
* :func:`play` presses the keys one by one; after each it waits until no worker runs (so the
  next key meets the same state on every run), with a limit that marks a key as hung. A
  ``quick`` run (the test's) posts the keys and skips the pilot's waits for an idle process:
  the same screens and requests, in half the time, but no figure worth printing.

What "key to frame" measures here: from the call of ``pilot.press(key)`` to the first call of
``App._display`` with a compositor update after it (the frame Textual would write to the
terminal; headless, nothing is written). The pilot sends the key and waits for idle, Textual's
own refresh timer draws the frame, so the figure includes the key's handling and the first
redraw, not the data the key asked for (that is "key to settled"). A key that changes nothing
on screen (the cursor already at the bottom) draws no frame and is counted apart. A blinking
cursor in an input may draw a frame of its own; it can only make a figure shorter.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.worker import Worker, WorkerState

from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.cli import DEMO_BASE_URL, DEMO_TOKEN
from pipedrive_tui.config import Settings
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive

__all__ = [
    "SCREEN_NAMES",
    "TOUR_SCREENS",
    "KeyRecord",
    "PassResult",
    "Probe",
    "Problem",
    "build_script",
    "demo_session",
    "latency_line",
    "memory_mib",
    "percentile",
    "play",
    "post_key",
    "screen_name",
    "settle",
]

#: What each screen is called in the figures (``help`` is the help panel over any screen).
SCREEN_NAMES = {
    "PipelinesScreen": "board",
    "DealDetailScreen": "deal detail",
    "DealsScreen": "deals list",
    "LeadsScreen": "leads",
    "LeadDetailScreen": "lead detail",
    "LabelPicker": "label picker",
    "MailScreen": "mail",
    "MailThreadScreen": "mail thread",
    "FiltersScreen": "filters",
    "FilterBuilderScreen": "filter builder",
    "OverviewScreen": "account",
    "CommandPalette": "palette",
    "ChoicePicker": "picker",
    "ColumnPicker": "column picker",
}
#: The places a whole tour reaches (the test checks each was visited).
TOUR_SCREENS = frozenset(SCREEN_NAMES.values()) | {"help"}


def _there_and_back(down: str, up: str, count: int) -> list[str]:
    """``count`` presses of ``down`` then as many of ``up``: the cursor ends where it began."""
    return [down] * count + [up] * count


def _tour(scroll: int, round_: int) -> list[str]:
    """One tour of every screen, ending on the account overview.

    ``scroll``: the length of each scroll burst; ``round_`` picks which card, row and thread
    are opened (each tour opens other ones, the cursor returns where it was).
    """
    pick = round_ % 4
    board = [
        "1",
        *_there_and_back("j", "k", scroll),
        "l", "end", "home", "pagedown", "pageup", "G", "g",
        "L", "H",  # a stage move, and back (the cursor follows the card)
        *["j"] * pick, "enter",
        "t", "n", "p", "m", "f", "j", "k", "e", "e",
        "escape", *["k"] * pick,
        "p", "escape", "f", "escape",
        "right_square_bracket", "left_square_bracket",
        "question_mark", "question_mark",
    ]  # fmt: skip
    deals = [
        "2",
        *_there_and_back("j", "k", scroll),
        *["pagedown"] * scroll, "G", "pagedown", "g",  # G nears the end: more pages load
        "s", "s", "S",
        "slash", "a", "c", "m", "e", "backspace", "escape",
        *["j"] * pick, "enter", "t", "f", "escape", "g",
        "f", "escape", "c", "escape",
        "t", "left_square_bracket",  # the won deals, and back: each loads the list again
        "question_mark", "question_mark",
    ]  # fmt: skip
    leads = [
        "3",
        *_there_and_back("j", "k", scroll),
        *["j"] * pick, "enter", "n", "M", "f", "escape", *["k"] * pick,
        "l", "down", "up", "escape",
        "v", "v", "S", "S",
        "slash", "s", "y", "s", "escape",
        "b", "escape",
        "question_mark", "question_mark",
    ]  # fmt: skip
    mail = [
        "4",
        *_there_and_back("j", "k", scroll),
        "right_square_bracket", "right_square_bracket", "left_square_bracket",
        "left_square_bracket",
        *["j"] * pick, "enter", "j", "z", "z", "k", "escape", *["k"] * pick,
        "slash", "p", "r", "i", "escape",
        "question_mark", "question_mark",
    ]  # fmt: skip
    filters = [
        "5",
        *_there_and_back("j", "k", min(scroll, 4)),
        "j", "e", "j", "k", "escape", "k",
        "question_mark", "question_mark",
    ]  # fmt: skip
    account = [
        "0",
        *_there_and_back("j", "k", scroll),
        "G", "g",
        "ctrl+p", "a", "c", "m", "e", "escape",
        "question_mark", "question_mark",
    ]  # fmt: skip
    return [*board, *deals, *leads, *mail, *filters, *account]


#: The keys of a tour whose scroll bursts are empty.
CORE_KEYS = len(_tour(0, 0))


def build_script(keys: int, *, tour_keys: int = 250) -> list[str]:
    """Exactly ``keys`` keys: tours of every screen, then cursor moves on the overview.

    Tours are about ``tour_keys`` long (their scroll bursts take up the slack); a script too
    short for one tour with scrolling gets one tour with the least scrolling that fits.
    """
    if keys < CORE_KEYS:
        raise ValueError(f"a session needs at least {CORE_KEYS} keys to visit every screen")

    def length(tours: int, scroll: int) -> int:
        return sum(len(_tour(scroll, round_)) for round_ in range(tours))

    tours = max(1, round(keys / tour_keys))
    while tours > 1 and length(tours, 0) > keys:
        tours -= 1
    scroll = 0
    while length(tours, scroll + 1) <= keys:
        scroll += 1
    script = [key for round_ in range(tours) for key in _tour(scroll, round_)]
    padding = keys - len(script)
    script += ["j", "k"] * (padding // 2) + ["j"] * (padding % 2)
    return script


# --- the app ---------------------------------------------------------------------------------


def demo_session(
    deals: int,
    *,
    latency: float = 0.02,
    enforce_burst_limit: bool = True,
    offload: bool = True,
    freeze_gc: bool = True,
    seed: int = 7,
) -> tuple[PipedriveApp, DemoPipedrive]:
    """The app on a demo of ``deals`` deals, built as ``cli.build_session`` builds the demo's.

    Every answer comes ``latency`` seconds late; the demo answers 429 past its burst limit when
    ``enforce_burst_limit``. The account is generated here, before the app starts.
    ``freeze_gc``: as the app does (a test process, which outlives the account, says no).
    """
    settings = Settings.model_validate({"demo": True, "demo_size": deals, "demo_seed": seed})
    faults = FaultPlan().latency(latency) if latency > 0 else FaultPlan()
    demo = DemoPipedrive(
        seed=seed,
        size=deals,
        token=DEMO_TOKEN,
        faults=faults,
        enforce_burst_limit=enforce_burst_limit,
        freeze_gc=freeze_gc,
    )
    _ = demo.store  # generated now, so that it is not part of the app's figures
    client = PipedriveClient(
        DEMO_BASE_URL,
        api_token=DEMO_TOKEN,
        transport=demo.async_transport(offload=offload),
        timeout=settings.timeout,
        read_only=settings.read_only,
        limiter=Limiter(settings.burst_limit, 2.0),
    )
    session = AccountSession(client, Lookups(client), is_demo=True)
    return PipedriveApp(session, settings), demo


# --- probes ----------------------------------------------------------------------------------


@dataclass
class KeyRecord:
    """One key of the session: where it was pressed, how soon a frame came, how long it took."""

    key: str
    screen: str
    frame: float | None
    settled: float
    hung: bool = False


@dataclass
class Problem:
    """An error notification or a failed worker."""

    kind: str
    where: str
    text: str


class Probe:
    """Watches an app (hooks set before ``run_test``): frames, notifications, worker errors,
    and the status of every answer its demo gave."""

    def __init__(self, app: PipedriveApp, demo: DemoPipedrive) -> None:
        self.statuses: Counter[int] = Counter()
        self.notices: Counter[str] = Counter()
        self.problems: list[Problem] = []
        #: The most requests the demo counted in one of its 2-second windows.
        self.fullest_window = 0
        self._armed = False
        self._frame_at: float | None = None
        self._hook_display(app)
        self._hook_notify(app)
        self._hook_workers(app)
        self._hook_demo(demo)

    def _hook_display(self, app: PipedriveApp) -> None:
        display: Callable[[Any, Any], None] = app._display

        def timed(screen: Any, renderable: Any) -> None:
            if self._armed and renderable is not None and not app._batch_count:
                self._frame_at = time.perf_counter()
                self._armed = False
            display(screen, renderable)

        app._display = timed  # type: ignore[method-assign]

    def _hook_notify(self, app: PipedriveApp) -> None:
        notify = app.notify

        def noted(message: str, *, title: str = "", severity: Any = "information",
                  **options: Any) -> None:  # fmt: skip
            self.notices[str(severity)] += 1
            if severity == "error":
                where = SCREEN_NAMES.get(type(app.screen).__name__, type(app.screen).__name__)
                self.problems.append(Problem("notification", where, f"{title}: {message}"))
            notify(message, title=title, severity=severity, **options)

        app.notify = noted  # type: ignore[method-assign]

    def _hook_workers(self, app: PipedriveApp) -> None:
        manager = app.workers
        remove = manager._remove_worker

        def removed(worker: Worker[Any]) -> None:
            if worker.state is WorkerState.ERROR:
                node = type(worker.node).__name__
                self.problems.append(Problem("worker", node, f"{worker.name}: {worker.error!r}"))
            remove(worker)

        manager._remove_worker = removed  # type: ignore[method-assign]

    def _hook_demo(self, demo: DemoPipedrive) -> None:
        respond = demo.respond

        def counted(request: httpx.Request) -> Any:
            answer, delay = respond(request)
            if isinstance(answer, httpx.Response):
                self.statuses[answer.status_code] += 1
                limit = int(answer.headers.get("x-ratelimit-limit", 0))
                left = int(answer.headers.get("x-ratelimit-remaining", limit))
                self.fullest_window = max(self.fullest_window, limit - left)
            else:
                self.statuses[0] += 1  # a transport error (a timeout)
            return answer, delay

        demo.respond = counted  # type: ignore[method-assign]

    def arm(self) -> None:
        """Wait for the next frame (call just before a key is pressed)."""
        self._frame_at = None
        self._armed = True

    def frame_since(self, moment: float) -> float | None:
        """Seconds from ``moment`` to the frame after :meth:`arm`, or ``None`` (none drawn)."""
        self._armed = False
        return None if self._frame_at is None else self._frame_at - moment


def screen_name(app: App[Any]) -> str:
    """The current screen's name in the figures."""
    name = type(app.screen).__name__
    return SCREEN_NAMES.get(name, name)


async def settle(pilot: Pilot[Any], limit: float, *, quick: bool = False) -> bool:
    """Wait until no worker runs after a pause (``False``: still busy after ``limit`` seconds).

    Polls instead of awaiting the workers, so that a timeout cancels none of them. ``quick``:
    the pause only lets the screen handle its messages (twice), it does not wait for an idle
    process as ``pilot.pause()`` does.
    """
    app = pilot.app
    deadline = time.perf_counter() + limit
    while True:
        while any(not worker.is_finished for worker in app.workers):
            if time.perf_counter() > deadline:
                return False
            await asyncio.sleep(0.005)
        if quick:
            await pilot.pause(0)
            await pilot.pause(0)
        else:
            await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            return True


@dataclass
class PassResult:
    """What one pass of the script saw."""

    records: list[KeyRecord] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    seconds: float = 0.0


#: The characters of the named keys the script uses (as ``pilot.press`` sends them).
_CHARACTERS = {
    "backspace": "\x08",
    "escape": "\x1b",
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


async def post_key(pilot: Pilot[Any], key: str) -> None:
    """Send ``key`` as the terminal would and let the screen handle it, without the waits for
    an idle process that ``pilot.press`` adds (a quick run)."""
    event = events.Key(key, key if len(key) == 1 else _CHARACTERS.get(key))
    pilot.app.post_message(event)
    await pilot.pause(0)


async def play(
    pilot: Pilot[Any],
    probe: Probe,
    script: list[str],
    *,
    limit: float = 120.0,
    on_key: Callable[[int, KeyRecord], None] | None = None,
    quick: bool = False,
) -> PassResult:
    """Press every key of ``script``, each once the previous one settled; time each.

    ``quick`` (for tests): keys are posted (:func:`post_key`) and settled without the pilot's
    waits for an idle process; the figures then say less about a real terminal.
    """
    app = pilot.app
    result = PassResult()
    started = time.perf_counter()
    for index, key in enumerate(script):
        where = screen_name(app)
        probe.arm()
        pressed = time.perf_counter()
        await (post_key(pilot, key) if quick else pilot.press(key))
        done = await settle(pilot, limit, quick=quick)
        record = KeyRecord(
            key, where, probe.frame_since(pressed), time.perf_counter() - pressed, not done
        )
        result.records.append(record)
        result.visited.add(screen_name(app))
        if app.screen.query("HelpPanel"):
            result.visited.add("help")
        if on_key is not None:
            on_key(index, record)
    result.seconds = time.perf_counter() - started
    return result


# --- figures ---------------------------------------------------------------------------------


def memory_mib() -> float:
    """This process's resident size in MiB (``/proc/self/statm``), after a full collection."""
    gc.collect()
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def percentile(values: list[float], share: float) -> float:
    """The ``share`` (0–1) percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def latency_line(values: list[float]) -> str:
    """``median … p99 … max …`` in milliseconds."""
    if not values:
        return "no frames"
    ms = [v * 1000 for v in values]
    return (
        f"median {statistics.median(ms):6.1f} ms   p99 {percentile(ms, 0.99):7.1f} ms   "
        f"max {max(ms):7.1f} ms"
    )
