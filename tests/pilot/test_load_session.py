"""Issue #10 point 5, small: the load session's script on a small demo, every screen, no error.

The same script and runner as ``bench/bench_load_session.py`` (``bench/load_session.py``), on
2,000 deals without latency, the demo's burst limit enforced; keys are posted without the
pilot's waits for an idle process (``quick``), each still settled before the next.
"""

from __future__ import annotations

from textual.widgets import Footer

from bench.load_session import (
    CORE_KEYS,
    TOUR_SCREENS,
    Probe,
    build_script,
    demo_session,
    play,
    settle,
)

#: The most requests the session may make per key (it makes about half of that).
REQUESTS_PER_KEY = 1.0


def test_the_script_is_fixed_and_tours_every_screen_in_its_length() -> None:
    script = build_script(120)
    assert len(script) == 120 >= CORE_KEYS
    assert build_script(120) == script
    assert script[0] == "1" and {"2", "3", "4", "5", "0", "ctrl+p", "question_mark"} <= set(script)
    assert "q" not in script and "o" not in script  # neither quits nor opens a browser
    long = build_script(2_000)
    assert len(long) == 2_000 and long.count("1") >= 7  # tours again and again


async def test_a_scripted_session_visits_every_screen_without_error() -> None:
    app, demo = demo_session(2_000, latency=0.0, freeze_gc=False)
    stages = {deal["id"]: deal["stage_id"] for deal in demo.store.deals}
    probe = Probe(app, demo)
    script = build_script(120)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, 30.0)
        result = await play(pilot, probe, script, limit=30.0, quick=True)
        # Removed widgets are not kept alive by what they watched: footer keys on the footers,
        # headers on the app, help panels on the screens (all but the one on display).
        screens = [s for s in app._mode_screens.values() if s is not app.screen]
        watched = [app, *screens, *(s.query_one(Footer) for s in app._mode_screens.values())]
        kept = [
            node
            for target in watched
            for entries in getattr(target, "__watchers", {}).values()
            for node, _callback in entries
            if not node.is_attached
        ]
        assert kept == []
    assert result.visited >= TOUR_SCREENS, TOUR_SCREENS - result.visited
    assert len(result.records) == len(script)
    assert [r for r in result.records if r.hung] == []
    assert probe.problems == []
    assert probe.statuses[429] == 0 and set(probe.statuses) == {200}
    # The only deal writes: a stage move on the board, then its revert.
    assert demo.ledger["updateDeal"].calls == 2
    assert {deal["id"]: deal["stage_id"] for deal in demo.store.deals} == stages
    # The palette searched deals; no storm of requests.
    assert demo.ledger["searchItem"].calls >= 1
    calls = app.session.client.ledger.calls
    assert 0 < calls <= REQUESTS_PER_KEY * len(script), calls
