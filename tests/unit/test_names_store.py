"""Names kept in the record store are used again for a day, then asked for again."""

from __future__ import annotations

from pathlib import Path

from pipedrive_tui.data.names import STORED_NAMES_MAX_AGE, NameBook
from pipedrive_tui.data.store import RecordStore
from tests.ui import demo_app


def _name_calls(demo: object) -> int:
    return sum(
        1
        for r in demo.requests  # type: ignore[attr-defined]
        if r.path.endswith(("/persons", "/organizations"))
    )


async def test_stored_names_spare_requests_for_a_day(tmp_path: Path) -> None:
    now = [1_000_000.0]
    app, demo = demo_app()
    client = app.session.client
    persons = [p["id"] for p in demo.store.persons][:5]
    orgs = [o["id"] for o in demo.store.organizations][:3]
    store = RecordStore.open(tmp_path, clock=lambda: now[0])

    first = NameBook(client, store=store, clock=lambda: now[0])
    await first.resolve(persons, orgs)
    asked = _name_calls(demo)
    assert asked == 2 and all(first.person_name(i) for i in persons)
    assert store.get("person", persons[0]) is not None

    # The next session: the same names, no request.
    second = NameBook(client, store=store, clock=lambda: now[0] + 60)
    await second.resolve(persons, orgs)
    assert _name_calls(demo) == asked
    assert [second.person_name(i) for i in persons] == [first.person_name(i) for i in persons]

    # A day later they are asked for again (a renamed person shows its new name).
    demo.store.persons.get(persons[0])["name"] = "Renamed Person"
    later = NameBook(client, store=store, clock=lambda: now[0] + STORED_NAMES_MAX_AGE + 1)
    await later.resolve(persons, orgs)
    assert _name_calls(demo) == asked + 2
    assert later.person_name(persons[0]) == "Renamed Person"
    await client.aclose()


async def test_without_a_store_names_are_fetched_each_session() -> None:
    app, demo = demo_app()
    persons = [p["id"] for p in demo.store.persons][:4]
    for _ in range(2):
        await NameBook(app.session.client).resolve(persons)
    assert _name_calls(demo) == 2
    await app.session.client.aclose()
