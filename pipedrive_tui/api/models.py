"""Pydantic models of the Pipedrive records the app uses.

Every model ignores keys it does not know, so a new field on Pipedrive's side never breaks the app.
Only the fields the app relies on are typed; custom-field values stay raw (``custom_fields`` on v2
records; the hash-keyed root keys of v1 leads, gathered into ``custom_fields`` too) and are
named and formatted in :mod:`pipedrive_tui.fields`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ActivityType",
    "Currency",
    "Deal",
    "DealFlowItem",
    "DealParticipant",
    "FieldDefinition",
    "FieldOption",
    "FieldSubfield",
    "Filter",
    "FilterCondition",
    "FilterConditionGroup",
    "FilterConditions",
    "Lead",
    "LeadConversion",
    "LeadLabel",
    "LeadSource",
    "LeadValue",
    "MailMessage",
    "MailParty",
    "MailThread",
    "Note",
    "Organization",
    "Person",
    "Pipeline",
    "SearchItem",
    "SearchResult",
    "Stage",
    "User",
]

#: A custom field's key: 40 lowercase hex characters.
CUSTOM_KEY = re.compile(r"^[0-9a-f]{40}$")


class PipedriveModel(BaseModel):
    """Base of every model: unknown keys are ignored, values are validated, models are mutable."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _flag(value: Any) -> bool:
    """Turn Pipedrive's 0/1 numbers, "0"/"1" strings and booleans into a boolean."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _parse_time(value: Any) -> Any:
    """Accept Pipedrive's ``"2019-05-29 04:21:51"`` as well as RFC 3339 timestamps."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) >= 19 and text[10] == " ":
            text = text[:10] + "T" + text[11:]
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        return text
    return value


def _parse_date(value: Any) -> Any:
    """Accept a date, an empty string (as none) or a timestamp (cut to its date)."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return text[:10]
    return value


class _Timestamps(PipedriveModel):
    """``add_time`` and ``update_time`` in either of Pipedrive's timestamp formats."""

    add_time: datetime | None = None
    update_time: datetime | None = None

    @field_validator("add_time", "update_time", mode="before")
    @classmethod
    def _times(cls, value: Any) -> Any:
        return _parse_time(value)


# --- lookups -------------------------------------------------------------------------------


class User(PipedriveModel):
    """A user of the company account (owner of deals, leads and filters)."""

    id: int
    name: str = ""
    email: str = ""
    active_flag: bool = True
    is_admin: int | bool | None = None
    default_currency: str | None = None
    company_id: int | None = None
    company_name: str | None = None
    company_domain: str | None = None
    timezone_name: str | None = None
    locale: str | None = None


class Currency(PipedriveModel):
    """A currency with its symbol and number of decimals."""

    id: int | None = None
    code: str
    name: str = ""
    symbol: str = ""
    decimal_points: int = 2
    is_custom_flag: bool = False
    active_flag: bool = True


class ActivityType(PipedriveModel):
    """A type of activity (call, meeting, …) with its key and icon name."""

    id: int
    name: str
    key_string: str = ""
    icon_key: str = ""
    active_flag: bool = True
    order_nr: int = 0


class Pipeline(_Timestamps):
    """A sales pipeline (v2 shape)."""

    id: int
    name: str
    order_nr: int = 0
    is_deleted: bool = False
    is_deal_probability_enabled: bool = False


class Stage(_Timestamps):
    """A stage of a pipeline, with its win probability and rotting settings (v2 shape)."""

    id: int
    name: str
    order_nr: int = 0
    pipeline_id: int
    deal_probability: int = 100
    is_deleted: bool = False
    is_deal_rot_enabled: bool = False
    days_to_rotten: int | None = None


class FieldOption(PipedriveModel):
    """One option of an enum or set field."""

    id: int | str
    label: str = ""
    color: str | None = None


class FieldSubfield(PipedriveModel):
    """A part of a composite field (address parts, the currency of a monetary field)."""

    field_code: str = Field(validation_alias=AliasChoices("field_code", "key", "code"))
    field_name: str = Field(default="", validation_alias=AliasChoices("field_name", "name"))
    field_type: str = ""


class FieldDefinition(PipedriveModel):
    """A field's schema: v2 ``/dealFields`` (``field_code``…) or v1 ``/leadFields`` (``key``…)."""

    id: int | None = None
    key: str = Field(validation_alias=AliasChoices("field_code", "key"))
    name: str = Field(default="", validation_alias=AliasChoices("field_name", "name"))
    field_type: str = "varchar"
    is_custom_field: bool = Field(
        default=False, validation_alias=AliasChoices("is_custom_field", "edit_flag")
    )
    options: list[FieldOption] = Field(default_factory=list)
    subfields: list[FieldSubfield] = Field(default_factory=list)
    description: str | None = None
    order_nr: int | None = None
    #: v1 lead fields say whether a filter may use them; v2 deal fields do not (``None``: allowed).
    filtering_allowed: bool | None = None

    @field_validator("options", "subfields", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_validator(mode="after")
    def _custom_by_key(self) -> FieldDefinition:
        # v1 lead fields carry no edit_flag in some examples: a 40-hex key is always custom.
        if not self.is_custom_field and CUSTOM_KEY.match(self.key):
            self.is_custom_field = True
        return self

    def option_label(self, option_id: Any) -> str | None:
        """The label of an option, or ``None`` when the option no longer exists."""
        for option in self.options:
            if str(option.id) == str(option_id):
                return option.label
        return None


# --- contacts and deals ----------------------------------------------------------------------


class ContactValue(PipedriveModel):
    """An email address or phone number of a person, with its label."""

    value: str = ""
    primary: bool = False
    label: str | None = None


class Address(PipedriveModel):
    """An address with its formatted value and parts."""

    value: str | None = None
    country: str | None = None
    locality: str | None = None
    route: str | None = None
    street_number: str | None = None
    postal_code: str | None = None


class Person(_Timestamps):
    """A contact person (v2 shape)."""

    id: int
    name: str = ""
    first_name: str | None = None
    last_name: str | None = None
    owner_id: int | None = None
    org_id: int | None = None
    emails: list[ContactValue] = Field(default_factory=list)
    phones: list[ContactValue] = Field(default_factory=list)
    job_title: str | None = None
    label_ids: list[int] = Field(default_factory=list)
    visible_to: int | None = None
    is_deleted: bool = False
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("emails", "phones", "label_ids", mode="before")
    @classmethod
    def _none_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _none_dict(cls, value: Any) -> Any:
        return {} if value is None else value

    @property
    def primary_email(self) -> str | None:
        """The primary email address, or the first one."""
        return _primary(self.emails)

    @property
    def primary_phone(self) -> str | None:
        """The primary phone number, or the first one."""
        return _primary(self.phones)


def _primary(values: list[ContactValue]) -> str | None:
    for item in values:
        if item.primary and item.value:
            return item.value
    return next((item.value for item in values if item.value), None)


class Organization(_Timestamps):
    """An organization (v2 shape)."""

    id: int
    name: str = ""
    owner_id: int | None = None
    address: Address | None = None
    website: str | None = None
    industry: int | None = None
    label_ids: list[int] = Field(default_factory=list)
    visible_to: int | None = None
    is_deleted: bool = False
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("label_ids", mode="before")
    @classmethod
    def _none_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _none_dict(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("address", mode="before")
    @classmethod
    def _address(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"value": value}
        return value


DealStatus = Literal["open", "won", "lost", "deleted"]


class Deal(_Timestamps):
    """A deal (v2 shape); ``custom_fields`` holds the raw hash-keyed custom values."""

    id: int
    title: str = ""
    value: float = 0
    currency: str = "USD"
    status: str = "open"
    owner_id: int | None = None
    creator_user_id: int | None = None
    person_id: int | None = None
    org_id: int | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    probability: int | None = None
    lost_reason: str | None = None
    expected_close_date: date | None = None
    stage_change_time: datetime | None = None
    close_time: datetime | None = None
    won_time: datetime | None = None
    lost_time: datetime | None = None
    next_activity_id: int | None = None
    label_ids: list[int] = Field(default_factory=list)
    visible_to: int | None = None
    is_archived: bool = False
    is_deleted: bool = False
    origin: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("stage_change_time", "close_time", "won_time", "lost_time", mode="before")
    @classmethod
    def _more_times(cls, value: Any) -> Any:
        return _parse_time(value)

    @field_validator("expected_close_date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return _parse_date(value)

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> Any:
        return 0 if value is None else value

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> Any:
        return value or "USD"

    @field_validator("label_ids", mode="before")
    @classmethod
    def _none_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _none_dict(cls, value: Any) -> Any:
        return {} if value is None else value


# --- leads -----------------------------------------------------------------------------------


class LeadValue(PipedriveModel):
    """A lead's potential value: an amount and its currency."""

    amount: float
    currency: str


class Lead(_Timestamps):
    """A lead (v1 shape): UUID id, ``value`` as ``{amount, currency}``, UUID ``label_ids``.

    Custom fields sit at the root of a v1 lead under their hash keys; they are gathered into
    ``custom_fields`` so that leads and deals are named and formatted the same way.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str
    title: str = ""
    owner_id: int | None = None
    creator_id: int | None = None
    label_ids: list[str] = Field(default_factory=list)
    person_id: int | None = None
    organization_id: int | None = None
    source_name: str | None = None
    origin: str | None = None
    channel: int | None = None
    is_archived: bool = False
    was_seen: bool = False
    value: LeadValue | None = None
    expected_close_date: date | None = None
    next_activity_id: int | None = None
    visible_to: str | None = None
    cc_email: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("label_ids", mode="before")
    @classmethod
    def _none_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("expected_close_date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return _parse_date(value)

    @field_validator("visible_to", mode="before")
    @classmethod
    def _visible(cls, value: Any) -> Any:
        return None if value is None else str(value)

    @model_validator(mode="after")
    def _gather_custom(self) -> Lead:
        extra = self.__pydantic_extra__ or {}
        for key in list(extra):
            base = key.split("_", 1)[0]
            if CUSTOM_KEY.match(base):
                self.custom_fields[key] = extra.pop(key)
            else:
                extra.pop(key)
        return self


LabelColor = Literal[
    "blue", "brown", "dark-gray", "gray", "green", "orange", "pink", "purple", "red", "yellow"
]


class LeadLabel(_Timestamps):
    """A lead label with its colour (one of Pipedrive's ten)."""

    id: str
    name: str
    color: str = "gray"


class LeadSource(PipedriveModel):
    """Where leads come from; Pipedrive's sources have only a name."""

    name: str


class LeadConversion(PipedriveModel):
    """A lead-to-deal conversion job: its id, its status and, once completed, the new deal.

    ``status`` is one of ``not_started``, ``running``, ``completed``, ``failed`` or ``rejected``
    (absent from the answer that starts the job); ``deal_id`` is set only when completed.
    """

    conversion_id: str
    status: str | None = None
    deal_id: int | None = None
    lead_id: str | None = None


# --- mail ------------------------------------------------------------------------------------


class MailParty(PipedriveModel):
    """A sender or recipient of a mail message or thread."""

    id: int | None = None
    name: str | None = None
    email_address: str = ""
    linked_person_id: int | None = None
    linked_person_name: str | None = None
    latest_sent: bool | None = None

    @property
    def label(self) -> str:
        """The name when known, else the address."""
        return self.name or self.linked_person_name or self.email_address


class MailParties(PipedriveModel):
    """The parties of a thread."""

    to: list[MailParty] = Field(default_factory=list)
    from_: list[MailParty] = Field(default_factory=list, alias="from")


_THREAD_FLAGS = (
    "read_flag",
    "has_attachments_flag",
    "has_real_attachments_flag",
    "deleted_flag",
    "archived_flag",
    "shared_flag",
    "has_draft_flag",
    "has_sent_flag",
    "external_deleted_flag",
    "first_message_to_me_flag",
    "smart_bcc_flag",
)


class MailThread(_Timestamps):
    """A mail thread; Pipedrive's 0/1 ``*_flag`` numbers become booleans."""

    id: int
    subject: str = ""
    snippet: str = ""
    user_id: int | None = None
    account_id: str | None = None
    folders: list[str] = Field(default_factory=list)
    parties: MailParties = Field(default_factory=MailParties)
    message_count: int = 0
    read_flag: bool = False
    has_attachments_flag: bool = False
    has_real_attachments_flag: bool = False
    deleted_flag: bool = False
    archived_flag: bool = False
    shared_flag: bool = False
    has_draft_flag: bool = False
    has_sent_flag: bool = False
    external_deleted_flag: bool = False
    first_message_to_me_flag: bool = False
    smart_bcc_flag: bool = False
    last_message_timestamp: datetime | None = None
    first_message_timestamp: datetime | None = None
    deal_id: int | None = None
    deal_status: str | None = None
    lead_id: str | None = None

    @field_validator(*_THREAD_FLAGS, mode="before")
    @classmethod
    def _flags(cls, value: Any) -> bool:
        return _flag(value)

    @field_validator("last_message_timestamp", "first_message_timestamp", mode="before")
    @classmethod
    def _stamps(cls, value: Any) -> Any:
        return _parse_time(value)

    @field_validator("parties", mode="before")
    @classmethod
    def _parties(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("folders", mode="before")
    @classmethod
    def _folders(cls, value: Any) -> Any:
        return [] if value is None else value


_MESSAGE_FLAGS = (
    "read_flag",
    "draft_flag",
    "sent_flag",
    "has_body_flag",
    "has_attachments_flag",
    "has_real_attachments_flag",
    "deleted_flag",
    "sent_from_pipedrive_flag",
)


class MailMessage(_Timestamps):
    """A mail message with its parties and, when asked for, its body."""

    id: int
    mail_thread_id: int | None = None
    subject: str = ""
    snippet: str = ""
    body: str | None = None
    body_url: str | None = None
    from_: list[MailParty] = Field(default_factory=list, alias="from")
    to: list[MailParty] = Field(default_factory=list)
    cc: list[MailParty] = Field(default_factory=list)
    bcc: list[MailParty] = Field(default_factory=list)
    message_time: datetime | None = None
    mail_tracking_status: str | None = None
    read_flag: bool = False
    draft_flag: bool = False
    sent_flag: bool = False
    has_body_flag: bool = False
    has_attachments_flag: bool = False
    has_real_attachments_flag: bool = False
    deleted_flag: bool = False
    sent_from_pipedrive_flag: bool = False
    #: Files attached, where Pipedrive lists them (deal-flow mail items do): raw file objects.
    attachments: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("attachments", mode="before")
    @classmethod
    def _files(cls, value: Any) -> Any:
        return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []

    @field_validator(*_MESSAGE_FLAGS, mode="before")
    @classmethod
    def _flags(cls, value: Any) -> bool:
        return _flag(value)

    @field_validator("message_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return _parse_time(value)

    @field_validator("from_", "to", "cc", "bcc", mode="before")
    @classmethod
    def _parties(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        # /deals/{id}/mailMessages wraps each message as {object, timestamp, data}.
        if isinstance(data, dict) and data.get("object") == "mailMessage" and "data" in data:
            return data["data"]
        return data


# --- filters ---------------------------------------------------------------------------------


class FilterCondition(PipedriveModel):
    """One condition line: ``object.field_id operator value``."""

    object: str = "deal"
    field_id: str = ""
    operator: str = "="
    value: Any = None
    extra_value: Any = None
    json_value_flag: bool = False
    field_code: str | None = None

    @field_validator("field_id", mode="before")
    @classmethod
    def _field_id(cls, value: Any) -> Any:
        return "" if value is None else str(value)


class FilterConditionGroup(PipedriveModel):
    """A group of conditions glued with ``and`` or ``or``."""

    glue: str = "and"
    conditions: list[FilterCondition] = Field(default_factory=list)


class FilterConditions(PipedriveModel):
    """The conditions tree: an ``and`` of groups."""

    glue: str = "and"
    conditions: list[FilterConditionGroup] = Field(default_factory=list)


class Filter(_Timestamps):
    """A saved filter; ``conditions`` is present on a single filter (``GET /filters/{id}``)."""

    id: int
    name: str = ""
    type: str = "deals"
    user_id: int | None = None
    is_editable: bool = True
    active_flag: bool = True
    visible_to: str | None = None
    filter_code: str | None = None
    conditions: FilterConditions | None = None

    @field_validator("visible_to", mode="before")
    @classmethod
    def _visible(cls, value: Any) -> Any:
        return None if value is None else str(value)


# --- notes, flow, participants, search --------------------------------------------------------


class Note(_Timestamps):
    """A note (HTML content) pinned to a deal, lead, person or organization."""

    id: int
    content: str = ""
    user_id: int | None = None
    deal_id: int | None = None
    lead_id: str | None = None
    person_id: int | None = None
    org_id: int | None = None
    pinned_to_deal_flag: bool = False
    pinned_to_lead_flag: bool = False
    active_flag: bool = True

    @field_validator("pinned_to_deal_flag", "pinned_to_lead_flag", "active_flag", mode="before")
    @classmethod
    def _flags(cls, value: Any) -> bool:
        return _flag(value)


class DealFlowItem(PipedriveModel):
    """One entry of a deal's timeline (``/deals/{id}/flow``): a change, a note, a mail…"""

    object: str
    timestamp: datetime | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("timestamp", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return _parse_time(value)

    @field_validator("data", mode="before")
    @classmethod
    def _data(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}


class DealParticipant(PipedriveModel):
    """A person taking part in a deal."""

    id: int
    person_id: int | None = None
    person_name: str | None = None
    add_time: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _person(cls, data: Any) -> Any:
        # The spec nests the person as an object under person_id.
        if isinstance(data, dict):
            person = data.get("person_id")
            if isinstance(person, dict):
                data = dict(data)
                data["person_id"] = person.get("value") or person.get("id")
                data.setdefault("person_name", person.get("name"))
            elif isinstance(data.get("person"), dict):
                data = dict(data)
                data.setdefault("person_name", data["person"].get("name"))
        return data

    @field_validator("add_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return _parse_time(value)


class SearchItem(PipedriveModel):
    """A search hit summary: deal, person, organization, lead…"""

    id: int | str
    type: str = ""
    title: str | None = None
    name: str | None = None
    value: float | None = None
    currency: str | None = None
    status: str | None = None

    @property
    def label(self) -> str:
        """The title of a deal or lead, the name of anything else."""
        return self.title or self.name or str(self.id)


class SearchResult(PipedriveModel):
    """One scored search hit."""

    result_score: float = 0
    item: SearchItem
