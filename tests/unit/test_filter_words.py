"""Saved-filter conditions in words, against the demo account's fields, filters and helpers."""

from __future__ import annotations

from typing import Any

import pytest

from pipedrive_tui.api.models import (
    Currency,
    FieldDefinition,
    FieldOption,
    Filter,
    FilterCondition,
    FilterConditionGroup,
    FilterConditions,
)
from pipedrive_tui.demo.filter_helpers import HELPERS
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.fields.filter_words import (
    FilterVocabulary,
    FilterWords,
    condition_words,
    filter_words,
    operator_key,
)

PRIORITY = [FieldOption(id=101, label="Low"), FieldOption(id=104, label="Critical")]
PRODUCTS = [FieldOption(id=111, label="CRM"), FieldOption(id=112, label="Analytics")]


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    return generate(7, 200)


def build_vocab(account: DemoAccount, **changes: Any) -> FilterVocabulary:
    """The vocabulary the filters screen would build for the demo account."""
    pipelines = {p["id"]: p["name"] for p in account.pipelines}
    options: dict[str, Any] = {
        "fields": {
            "deal": [FieldDefinition.model_validate(f) for f in account.deal_fields],
            "lead": [FieldDefinition.model_validate(f) for f in account.lead_fields],
            "person": [FieldDefinition.model_validate(f) for f in account.person_fields],
            "org": [FieldDefinition.model_validate(f) for f in account.organization_fields],
        },
        "users": {u["id"]: u["name"] for u in account.users},
        "stages": {s["id"]: f"{pipelines[s['pipeline_id']]} › {s['name']}" for s in account.stages},
        "pipelines": pipelines,
        "persons": {12: "Dana Reed"},
        "organizations": {5: "Acme Ltd"},
        "currencies": {c["code"]: Currency.model_validate(c) for c in account.currencies},
        "helpers": HELPERS,
        "default_currency": "EUR",
    }
    options.update(changes)
    return FilterVocabulary(**options)


@pytest.fixture(scope="module")
def vocab(account: DemoAccount) -> FilterVocabulary:
    return build_vocab(account)


def cond(field_id: Any, operator: str, value: Any = None, **extra: Any) -> FilterCondition:
    return FilterCondition(
        object=extra.pop("obj", "deal"),
        field_id=field_id,
        operator=operator,
        value=value,
        **extra,
    )


def words(vocab: FilterVocabulary, *args: Any, **kwargs: Any) -> str:
    return condition_words(cond(*args, **kwargs), vocab)


# --- every operator of every field type ---------------------------------------------------------


def definition(key: str, field_type: str, **extra: Any) -> FieldDefinition:
    return FieldDefinition(
        id=900, key=key, name=f"Test {field_type}", field_type=field_type, **extra
    )


#: For each key of HELPERS["operators"]: a field whose operators it lists, a value, its words.
SAMPLES: dict[str, tuple[FieldDefinition, str, str]] = {
    "int": (definition("seats", "int"), "42", "42"),
    "double": (definition("discount", "double"), "12.5", "12.5"),
    "monetary": (definition("fee", "monetary"), "50000", "€50,000"),
    "time": (definition("call", "time"), "14:30", "14:30"),
    "date": (definition("renewal", "date"), "today", "today"),
    "entered_stage": (definition("entered", "entered_stage"), "2026-01-31", "2026-01-31"),
    "timerange": (definition("hours", "timerange"), "09:00", "09:00"),
    "daterange": (definition("period", "daterange"), "last_quarter", "last quarter"),
    "varchar": (definition("code", "varchar"), "renewal", "“renewal”"),
    "stage": (definition("stage_id", "stage"), "4", "Sales › Proposal made"),
    "title": (definition("title", "varchar"), "Acme", "“Acme”"),
    "set": (definition("interest", "set", options=PRODUCTS), "112", "Analytics"),
    "enum": (definition("priority", "enum", options=PRIORITY), "104", "Critical"),
    "deal": (definition("deal_id", "deal"), "77", "Deal #77"),
    "product": (definition("product_id", "product"), "8", "Product #8"),
    "user": (definition("manager", "user"), "106", "Frank Miller"),
    "status": (definition("status", "status"), "open", "open"),
    "visible_to": (definition("visible_to", "visible_to"), "3", "Entire company"),
    "currency": (definition("currency", "varchar"), "EUR", "EUR"),
    "pipeline": (definition("pipeline_id", "int"), "1", "Sales"),
    "person": (definition("contact", "people"), "12", "Dana Reed"),
    "organization": (definition("partner", "org"), "5", "Acme Ltd"),
}


def helper_operators(key: str) -> dict[str, str]:
    table = HELPERS["operators"][key]
    entries = table if isinstance(table, list) else [table]  # enum: a list of one-entry maps
    return {op: label for entry in entries for op, label in entry.items()}


def operator_cases() -> list[tuple[str, str, str]]:
    cases = [
        (key, op, label)
        for key in HELPERS["operators"]
        for op, label in helper_operators(key).items()
    ]
    cases += [("varchar", op, label) for op, label in HELPERS["deprecated_operators"].items()]
    return cases


def test_the_samples_cover_every_helper_key() -> None:
    assert set(SAMPLES) == set(HELPERS["operators"])
    assert isinstance(HELPERS["operators"]["enum"], list)
    for key, (field, _, _) in SAMPLES.items():
        assert operator_key(field) == key


@pytest.mark.parametrize(("key", "operator", "label"), operator_cases())
def test_every_helper_operator_reads_as_words(
    account: DemoAccount, key: str, operator: str, label: str
) -> None:
    field, value, shown = SAMPLES[key]
    vocab = build_vocab(account, fields={"deal": [field]})
    takes_value = operator not in ("IS NULL", "IS NOT NULL")
    sentence = words(vocab, 900, operator, value if takes_value else None)
    if operator == "belongs_to_team":
        shown = f"#{value}"
    expected = f"{field.name} {label}" + (f" {shown}" if takes_value else "")
    assert sentence == expected


# --- the demo's saved filters --------------------------------------------------------------------

SAVED = {
    1: "Status is Open and Owner is Ava Thornton",
    2: "Pipeline is Sales and Value is more or equal to €50,000, and any of: "
    "Stage is Sales › Proposal made or Stage is Sales › Negotiations started",
    3: "Expected close date is exactly or later than 2026-10-01 and "
    "Expected close date is exactly or earlier than 2026-12-31 and Status is Open",
    4: "Any of: Status is Won or Status is Lost",
    5: "Title contains “renewal”, and any of: "
    "Title starts with “Acme” or Value is less than €1,000",
    6: "Priority is Critical and Organization is empty, and any of: "
    "Owner is not Frank Miller or Value is more than €10,000",
    7: "Expected close date is empty and Status is not Lost",
    8: "Contract number is not empty, and any of: Priority is High or Priority is Critical",
    9: "Owner is Ava Thornton, and any of: Title contains “pilot” or Value is more than €5,000",
    10: "Value is empty, and any of: Expected close date is earlier than 2026-12-01 "
    "or Expected close date is empty",
    11: "Owner is Frank Miller and Status is not Won, and any of: "
    "Deal created is exactly or earlier than 2025-06-30 or Discount % is more than 20",
}


def test_every_saved_filter_reads_as_a_sentence(
    account: DemoAccount, vocab: FilterVocabulary
) -> None:
    sentences = {
        f["id"]: filter_words(Filter.model_validate(f).conditions, vocab).sentence()
        for f in account.filters
    }
    assert sentences == SAVED


def test_saved_filter_groups(account: DemoAccount, vocab: FilterVocabulary) -> None:
    saved = Filter.model_validate(next(f for f in account.filters if f["id"] == 6))
    found = filter_words(saved.conditions, vocab)
    assert found == FilterWords(
        all_of=("Priority is Critical", "Organization is empty"),
        any_of=("Owner is not Frank Miller", "Value is more than €10,000"),
    )


# --- values ----------------------------------------------------------------------------------


def test_values_by_field(vocab: FilterVocabulary) -> None:
    assert words(vocab, 13, ">", "today") == "Expected close date is later than today"
    assert words(vocab, 13, "=", "last_quarter") == "Expected close date is last quarter"
    assert words(vocab, 13, "<", "2026-03-05") == "Expected close date is earlier than 2026-03-05"
    assert words(vocab, 7, "=", "5") == "Organization is Acme Ltd"
    assert words(vocab, 7, "=", "99") == "Organization is Organization #99"
    assert words(vocab, 6, "!=", "12") == "Contact person is not Dana Reed"
    assert words(vocab, 6, "=", "13") == "Contact person is Person #13"
    assert words(vocab, 4, "=", "999") == "Owner is User #999"
    assert words(vocab, 9, "=", "99") == "Stage is Stage #99"
    assert words(vocab, 20, "=", "1") == "Label is Hot"
    assert words(vocab, 61, "contains", "111") == "Products of interest contains CRM"
    assert (
        words(vocab, 61, "not_contains", "113")
        == "Products of interest does not contain Mobile app"
    )
    assert words(vocab, 61, "=", "111,112") == "Products of interest is CRM, Analytics"
    assert words(vocab, 60, "=", "105") == "Priority is option 105"
    assert words(vocab, 60, "=", 104) == "Priority is Critical"
    assert words(vocab, 21, "=", "1") == "Visible to is Owner & followers"
    assert words(vocab, 69, "=", "1") == "NDA signed is yes"
    assert words(vocab, 54, ">", "7.50") == "Discount % is more than 7.5"
    assert words(vocab, 58, "<", "09:30") == "Preferred call time is before 09:30"
    assert words(vocab, 57, "ends_before", "2026-12-31") == "Contract period ends before 2026-12-31"
    assert words(vocab, 2, "=", None) == "Title is (no value)"
    assert words(vocab, 209, "=", "1", obj="lead") == "Seen is Yes"


def test_money(account: DemoAccount, vocab: FilterVocabulary) -> None:
    assert words(vocab, 5, ">=", "1234.5") == "Value is more or equal to €1,234.50"
    assert words(vocab, 5, ">=", "lots") == "Value is more or equal to lots"
    assert words(build_vocab(account, default_currency=None), 5, ">", 50000) == (
        "Value is more than 50,000"
    )
    unknown = build_vocab(account, default_currency="xyz")
    assert words(unknown, 55, "<", "700") == "Setup fee is less than 700 XYZ"
    assert (
        words(build_vocab(account, default_currency="GBP"), 5, ">", "9") == "Value is more than £9"
    )


def test_extra_values(vocab: FilterVocabulary) -> None:
    assert words(vocab, 66, "LIKE '%$%'", "Berlin", extra_value="locality") == (
        "Delivery address (City/town/village/locality) contains “Berlin”"
    )
    assert words(vocab, 57, "=", "2026-01-01", extra_value="2026-03-31") == (
        "Contract period starts at 2026-01-01 (extra value: 2026-03-31)"
    )


def test_other_objects_are_named(vocab: FilterVocabulary) -> None:
    email = cond(306, "LIKE '%$%'", "@acme", obj="person")
    assert condition_words(email, vocab, main_object="deal") == "Person › Email contains “@acme”"
    assert condition_words(email, vocab, main_object="person") == "Email contains “@acme”"
    assert condition_words(email, vocab, main_object="people") == "Email contains “@acme”"
    assert words(vocab, 10, "=", "archived") == "Status is archived"
    industry = cond(408, ">", "50", obj="organization")  # the vocabulary keys it "org"
    assert condition_words(industry, vocab) == "Number of employees is more than 50"
    tree = FilterConditions(
        conditions=[FilterConditionGroup(conditions=[cond(10, "=", "won"), email])]
    )
    assert filter_words(tree, vocab).sentence() == (
        "Status is Won and Person › Email contains “@acme”"
    )


# --- what is not understood is shown as it is ------------------------------------------------


def test_unknown_operators_and_fields(account: DemoAccount, vocab: FilterVocabulary) -> None:
    assert words(vocab, 60, "~~", "104") == "Priority ~~ 104"
    assert words(vocab, 60, "LIKE '%$%'", "x") == "Priority LIKE '%$%' x"
    assert words(vocab, 60, "", None) == "Priority ?"
    assert words(vocab, 2, "has_been", "4") == "Title has_been 4"
    code = "13deef86ab1031d0f646e1f40a097c976bf46c69"
    assert words(vocab, 999, "=", "104", field_code=code) == "Field #999 (13deef86…) is 104"
    assert words(vocab, 998, "IS NULL", field_code="org_id") == "Field #998 (org_id) is empty"
    assert words(vocab, 997, "~", "z") == "Field #997 ~ z"
    assert words(vocab, 3, "=", "5", obj="product") == "Field #3 is 5"
    # Without helpers (not loaded yet) the spec's operators still read as words.
    bare = build_vocab(account, helpers={})
    assert words(bare, 13, ">", "today") == "Expected close date is more than today"
    assert words(bare, 2, "NOT LIKE '%$'", "x") == "Title does not end with “x”"
    assert words(FilterVocabulary(), 60, "=", "104") == "Field #60 is 104"


def test_hostile_values_stay_inert_text(account: DemoAccount) -> None:
    hostile = "\x1b]0;pwned\x07[bold red]boom[/]\x1b[2J\r\nnext\u202e"
    field = FieldDefinition(
        id=51,
        key="34b9b5df9e7769b10f4205b4907a70c31012f037",
        name=f"Contract {hostile}",
        field_type="enum",
        options=[FieldOption(id=1, label=f"[link=x]{hostile}")],
    )
    vocab = build_vocab(
        account,
        fields={
            "deal": [field, FieldDefinition(id=4, key="owner_id", name="Owner", field_type="user")]
        },
        users={101: f"Ava {hostile}"},
        helpers={**HELPERS, "operators": {**HELPERS["operators"], "enum": {"=": f"is {hostile}"}}},
    )
    found = [
        words(vocab, 51, "=", "1"),
        words(vocab, 4, "=", "101"),
        words(vocab, 52, f"~{hostile}", hostile, field_code=hostile),
        words(vocab, 51, "IS NULL", extra_value=hostile),
    ]
    assert found[0] == (
        "Contract [bold red]boom[/] next is [bold red]boom[/] next [link=x][bold red]boom[/] next"
    )
    assert found[1] == "Owner is Ava [bold red]boom[/] next"
    for sentence in found:
        assert sentence.isprintable(), sentence
        assert "pwned" not in sentence and "[bold red]boom[/]" in sentence


# --- sentences -------------------------------------------------------------------------------


#: Condition lines by short name, and how they read.
LINES = {
    "open": (cond(10, "=", "open"), "Status is Open"),
    "won": (cond(10, "=", "won"), "Status is Won"),
    "lost": (cond(10, "=", "lost"), "Status is Lost"),
    "ava": (cond(4, "=", "101"), "Owner is Ava Thornton"),
    "ben": (cond(4, "=", "102"), "Owner is Ben Okoro"),
}


def tree(*groups: str, glue: str = "and") -> FilterConditions:
    """A conditions tree from groups written "or: won lost"."""
    built = []
    for group in groups:
        group_glue, _, names = group.partition(":")
        lines = [LINES[name][0] for name in names.split()]
        built.append(FilterConditionGroup(glue=group_glue, conditions=lines))
    return FilterConditions(glue=glue, conditions=built)


def test_sentences() -> None:
    assert FilterWords().sentence() == "No conditions: every record."
    assert FilterWords(all_of=("A",)).sentence() == "A"
    assert FilterWords(all_of=("A", "B")).sentence() == "A and B"
    assert FilterWords(any_of=("C",)).sentence() == "C"
    assert FilterWords(all_of=("A",), any_of=("C",)).sentence() == "A and C"
    assert FilterWords(any_of=("C", "D")).sentence() == "Any of: C or D"
    assert FilterWords(all_of=("A", "B"), any_of=("C", "D")).sentence() == (
        "A and B, and any of: C or D"
    )


@pytest.mark.parametrize(
    ("conditions", "all_of", "any_of"),
    [
        (None, (), ()),
        (tree("and:", "or:"), (), ()),
        (tree("or: won lost", "and: open"), ("open",), ("won", "lost")),
        (
            tree("and: open", "or: won lost", "or: ava ben"),
            ("open", "(ava or ben)"),
            ("won", "lost"),
        ),
        (
            tree("and: open", "or:", "and: ava", "xor: won lost"),
            ("open", "ava", "(won xor lost)"),
            (),
        ),
        (tree("and: open ava", "or: won", glue="or"), (), ("(open and ava)", "won")),
        (tree("and: open", "or: won", glue="or"), (), ("open", "won")),
        (tree("and: open ava", glue="or"), ("open", "ava"), ()),
    ],
)
def test_groups_of_any_shape(
    vocab: FilterVocabulary,
    conditions: FilterConditions | None,
    all_of: tuple[str, ...],
    any_of: tuple[str, ...],
) -> None:
    def spell(phrase: str) -> str:
        inner = phrase.strip("()")
        spelled = " ".join(LINES[w][1] if w in LINES else w for w in inner.split())
        return f"({spelled})" if phrase.startswith("(") else spelled

    expected = FilterWords(tuple(map(spell, all_of)), tuple(map(spell, any_of)))
    assert filter_words(conditions, vocab) == expected
