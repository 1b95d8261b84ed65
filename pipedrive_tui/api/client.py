"""``PipedriveClient``: typed calls to Pipedrive API v1 and v2 that return models.

Every method is built from the table in :mod:`pipedrive_tui.api.endpoints`; pagination happens
here, and sending (auth, limits, retries, costs, errors) in :mod:`pipedrive_tui.api.transport`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from pipedrive_tui.api import models as m
from pipedrive_tui.api.endpoints import BY_NAME, Endpoint
from pipedrive_tui.api.errors import InvalidResponseError
from pipedrive_tui.api.pagination import FetchResult, Page, collect, cursor_pages, offset_pages
from pipedrive_tui.api.ratelimit import RateLimitState, Sleep, TokenLedger
from pipedrive_tui.api.transport import Transport, company_base_url

__all__ = ["PipedriveClient"]

T = TypeVar("T", bound=BaseModel)

MAIL_FOLDERS = ("inbox", "drafts", "sent", "archive")
FILTER_TYPES = ("deals", "leads", "org", "people", "products", "activity", "projects")


def _time(value: datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class PipedriveClient:
    """One Pipedrive account, over one ``httpx.AsyncClient``.

    Build it with :meth:`for_company` (``acme`` → ``https://acme.pipedrive.com``) or with an
    explicit ``base_url`` (a proxy or a Pipedrive-compatible server such as the demo account).
    Close it with :meth:`aclose` (or use it as an async context manager).
    """

    def __init__(self, base_url: str, **transport_options: Any) -> None:
        self.transport = Transport(base_url, **transport_options)

    @classmethod
    def for_company(cls, company_domain: str, **transport_options: Any) -> PipedriveClient:
        """A client for ``https://{company_domain}.pipedrive.com``."""
        return cls(company_base_url(company_domain), **transport_options)

    async def __aenter__(self) -> PipedriveClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.transport.aclose()

    def set_api_token(self, api_token: str) -> None:
        """Use a new API token for the same company from now on (after Pipedrive refused one)."""
        self.transport.set_api_token(api_token)

    @property
    def base_url(self) -> str:
        """Where the client sends its calls (never holds the token)."""
        return self.transport.base_url

    @property
    def rate_limit(self) -> RateLimitState:
        """The latest rate-limit state (observable with ``subscribe``)."""
        return self.transport.rate_limit

    @property
    def sleep(self) -> Sleep:
        """How the client waits between retries (and between polls of a job)."""
        return self.transport.sleep

    @property
    def ledger(self) -> TokenLedger:
        """Tokens spent this session, per operation."""
        return self.transport.ledger

    @property
    def read_only(self) -> bool:
        """Whether writes are refused before they are sent."""
        return self.transport.read_only

    # --- generic machinery -----------------------------------------------------------------

    async def call(
        self,
        name: str,
        *,
        path: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
    ) -> Any:
        """Call an endpoint of the table by name and return its envelope's ``data``."""
        endpoint = BY_NAME[name]
        envelope = await self._send(endpoint, path, params, json_body, form)
        return envelope.get("data") if isinstance(envelope, dict) else None

    async def _send(
        self,
        endpoint: Endpoint,
        path: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
    ) -> Any:
        url = endpoint.url_path(**{k: quote(str(v), safe="") for k, v in (path or {}).items()})
        return await self.transport.request(
            endpoint.method,
            url,
            params=params,
            json_body=json_body,
            form=form,
            operation=endpoint.operation_id,
        )

    def _records(self, endpoint: Endpoint, envelope: Any) -> list[Any]:
        if not isinstance(envelope, dict):
            raise InvalidResponseError(
                f"Pipedrive's answer to {endpoint.operation_id} was not a JSON object.",
                operation=endpoint.operation_id,
            )
        data = envelope.get("data")
        if endpoint.data_key and isinstance(data, dict):
            data = data.get(endpoint.data_key)
        if data is None:
            return []
        if not isinstance(data, list):
            raise InvalidResponseError(
                f"Pipedrive's answer to {endpoint.operation_id} held no list of records.",
                operation=endpoint.operation_id,
            )
        return data

    def _parse_many(self, endpoint: Endpoint, envelope: Any) -> list[Any]:
        model = cast(type[BaseModel], endpoint.model)
        parsed = []
        for index, item in enumerate(self._records(endpoint, envelope)):
            try:
                parsed.append(model.model_validate(item))
            except ValidationError as exc:
                raise _shape_error(endpoint, exc, f"record {index}.") from exc
        return parsed

    def _parse_one(self, endpoint: Endpoint, envelope: Any) -> Any:
        model = cast(type[BaseModel], endpoint.model)
        data = envelope.get("data") if isinstance(envelope, dict) else None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise _shape_error(endpoint, exc) from exc

    async def get_one(self, name: str, **kwargs: Any) -> Any:
        """Call a single-record endpoint and parse its ``data`` into the endpoint's model."""
        endpoint = BY_NAME[name]
        envelope = await self._send(
            endpoint,
            kwargs.get("path"),
            kwargs.get("params"),
            kwargs.get("json_body"),
            kwargs.get("form"),
        )
        return self._parse_one(endpoint, envelope)

    async def get_list(
        self,
        name: str,
        *,
        path: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """Call an unpaginated list endpoint and parse every record."""
        endpoint = BY_NAME[name]
        return self._parse_many(endpoint, await self._send(endpoint, path, params))

    async def pages(
        self,
        name: str,
        *,
        path: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[Page[Any]]:
        """Yield the pages of a list endpoint, at its maximum page size unless ``limit`` is set."""
        endpoint = BY_NAME[name]
        page_size = min(limit or endpoint.max_limit, endpoint.max_limit) or None
        base = dict(params or {})

        def parse(envelope: Any) -> list[Any]:
            return self._parse_many(endpoint, envelope)

        if endpoint.paging == "cursor":

            async def fetch_cursor(cursor: Any) -> Any:
                query = {**base, "limit": page_size, "cursor": cursor}
                return await self._send(endpoint, path, query)

            async for page in cursor_pages(fetch_cursor, parse, endpoint.operation_id):
                yield page
        elif endpoint.paging == "offset":
            assert page_size is not None

            async def fetch_offset(start: Any) -> Any:
                query = {**base, "start": start, "limit": page_size}
                return await self._send(endpoint, path, query)

            async for page in offset_pages(fetch_offset, parse, endpoint.operation_id, page_size):
                yield page
        else:
            yield Page(parse(await self._send(endpoint, path, base)), None, 1)

    async def records(self, name: str, **kwargs: Any) -> AsyncIterator[Any]:
        """Yield every record of a list endpoint, page after page."""
        async for page in self.pages(name, **kwargs):
            for item in page.items:
                yield item

    async def fetch_all(
        self,
        name: str,
        *,
        ceiling: int | None = 10_000,
        path: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> FetchResult[Any]:
        """Every record up to ``ceiling``; the result says whether it stopped early and why."""
        return await collect(self.pages(name, path=path, params=params), ceiling)

    async def fetch_complete(
        self,
        name: str,
        *,
        path: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """Every record with no ceiling; any error, even after some pages, is raised."""
        result = await self.fetch_all(name, ceiling=None, path=path, params=params)
        if result.error is not None:
            raise result.error
        return result.items

    # --- v2: pipelines, stages --------------------------------------------------------------

    async def list_pipelines(self) -> list[m.Pipeline]:
        """Every pipeline, in ``order_nr`` order (the first is the default)."""
        items = await self.fetch_complete("list_pipelines")
        return sorted(items, key=lambda p: (p.order_nr, p.id))

    async def get_pipeline(self, pipeline_id: int) -> m.Pipeline:
        """One pipeline."""
        return cast(m.Pipeline, await self.get_one("get_pipeline", path={"id": pipeline_id}))

    async def list_stages(self, pipeline_id: int | None = None) -> list[m.Stage]:
        """The stages of one pipeline (or of all), in ``order_nr`` order."""
        params = {"pipeline_id": pipeline_id, "sort_by": "order_nr"}
        items = await self.fetch_complete("list_stages", params=params)
        return sorted(items, key=lambda s: (s.pipeline_id, s.order_nr, s.id))

    async def get_stage(self, stage_id: int) -> m.Stage:
        """One stage."""
        return cast(m.Stage, await self.get_one("get_stage", path={"id": stage_id}))

    # --- v2: deals --------------------------------------------------------------------------

    @staticmethod
    def deal_params(
        *,
        filter_id: int | None = None,
        ids: list[int] | None = None,
        pipeline_id: int | None = None,
        stage_id: int | None = None,
        status: str | list[str] | None = None,
        owner_id: int | None = None,
        person_id: int | None = None,
        org_id: int | None = None,
        updated_since: datetime | str | None = None,
        updated_until: datetime | str | None = None,
        sort_by: str | None = None,
        sort_direction: str | None = None,
        custom_fields: list[str] | None = None,
        include_fields: list[str] | None = None,
    ) -> dict[str, Any]:
        """The query of ``GET /api/v2/deals`` from keyword arguments (``None`` left out)."""
        return {
            "filter_id": filter_id,
            "ids": ids,
            "pipeline_id": pipeline_id,
            "stage_id": stage_id,
            "status": status,
            "owner_id": owner_id,
            "person_id": person_id,
            "org_id": org_id,
            "updated_since": _time(updated_since),
            "updated_until": _time(updated_until),
            "sort_by": sort_by,
            "sort_direction": sort_direction,
            "custom_fields": custom_fields,
            "include_fields": include_fields,
        }

    def iter_deal_pages(
        self, *, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[Page[m.Deal]]:
        """Pages of deals (not archived) matching the filters; see :meth:`deal_params`."""
        return self.pages("list_deals", params=self.deal_params(**filters), limit=limit)

    async def list_deals(
        self, *, ceiling: int | None = 10_000, **filters: Any
    ) -> FetchResult[m.Deal]:
        """Deals (not archived) matching the filters, up to ``ceiling``."""
        return await self.fetch_all(
            "list_deals", ceiling=ceiling, params=self.deal_params(**filters)
        )

    async def list_archived_deals(
        self, *, ceiling: int | None = 10_000, **filters: Any
    ) -> FetchResult[m.Deal]:
        """Archived deals matching the filters, up to ``ceiling``."""
        return await self.fetch_all(
            "list_archived_deals", ceiling=ceiling, params=self.deal_params(**filters)
        )

    async def get_deal(self, deal_id: int) -> m.Deal:
        """One deal with every custom field."""
        return cast(m.Deal, await self.get_one("get_deal", path={"id": deal_id}))

    async def update_deal(self, deal_id: int, **changes: Any) -> m.Deal:
        """``PATCH`` a deal: stage, status (won/lost with ``lost_reason``), owner, fields…"""
        return cast(
            m.Deal, await self.get_one("update_deal", path={"id": deal_id}, json_body=changes)
        )

    # --- v2: persons, organizations, fields -------------------------------------------------

    async def list_persons(
        self, *, ceiling: int | None = 10_000, **params: Any
    ) -> FetchResult[m.Person]:
        """Persons (``org_id``, ``owner_id``, ``filter_id``…), up to ``ceiling``."""
        return await self.fetch_all("list_persons", ceiling=ceiling, params=params)

    async def get_person(self, person_id: int) -> m.Person:
        """One person."""
        return cast(m.Person, await self.get_one("get_person", path={"id": person_id}))

    async def list_organizations(
        self, *, ceiling: int | None = 10_000, **params: Any
    ) -> FetchResult[m.Organization]:
        """Organizations, up to ``ceiling``."""
        return await self.fetch_all("list_organizations", ceiling=ceiling, params=params)

    async def get_organization(self, org_id: int) -> m.Organization:
        """One organization."""
        return cast(m.Organization, await self.get_one("get_organization", path={"id": org_id}))

    async def list_fields(self, kind: str) -> list[m.FieldDefinition]:
        """Field definitions of ``deal``, ``person``, ``organization`` (v2) or ``lead`` (v1).

        ``deal_v1`` is v1 ``/dealFields``: the same fields with the numeric ids that saved
        filters use.
        """
        name = {
            "deal": "list_deal_fields",
            "deal_v1": "list_deal_fields_v1",
            "person": "list_person_fields",
            "organization": "list_organization_fields",
            "lead": "list_lead_fields",
        }[kind]
        return await self.fetch_complete(name)

    # --- search (v2) --------------------------------------------------------------------------

    async def search(
        self,
        term: str,
        *,
        kind: str = "items",
        item_types: list[str] | None = None,
        exact_match: bool | None = None,
        fields: list[str] | None = None,
        limit: int = 20,
    ) -> list[m.SearchResult]:
        """One page of search hits: ``kind`` is deals, leads, persons, organizations or items."""
        name = {
            "deals": "search_deals",
            "leads": "search_leads",
            "persons": "search_persons",
            "organizations": "search_organizations",
            "items": "search_items",
        }[kind]
        params = {
            "term": term,
            "item_types": item_types if kind == "items" else None,
            "exact_match": exact_match,
            "fields": fields,
        }
        async for page in self.pages(name, params=params, limit=limit):
            return page.items
        return []

    # --- v1: leads, labels, sources -------------------------------------------------------------

    def iter_lead_pages(
        self, *, archived: bool = False, limit: int | None = None, **params: Any
    ) -> AsyncIterator[Page[m.Lead]]:
        """Pages of leads, filtered by ``owner_id``, ``person_id``, ``filter_id``, ``sort``…"""
        name = "list_archived_leads" if archived else "list_leads"
        return self.pages(name, params=params, limit=limit)

    async def list_leads(
        self, *, archived: bool = False, ceiling: int | None = 10_000, **params: Any
    ) -> FetchResult[m.Lead]:
        """Leads of the inbox (or the archived ones), up to ``ceiling``."""
        name = "list_archived_leads" if archived else "list_leads"
        return await self.fetch_all(name, ceiling=ceiling, params=params)

    async def get_lead(self, lead_id: str) -> m.Lead:
        """One lead."""
        return cast(m.Lead, await self.get_one("get_lead", path={"id": lead_id}))

    async def update_lead(self, lead_id: str, **changes: Any) -> m.Lead:
        """``PATCH`` a lead: ``label_ids``, ``is_archived``, ``was_seen``, ``value``, ``title``…"""
        return cast(
            m.Lead, await self.get_one("update_lead", path={"id": lead_id}, json_body=changes)
        )

    async def convert_lead(
        self, lead_id: str, *, stage_id: int | None = None, pipeline_id: int | None = None
    ) -> m.LeadConversion:
        """Start converting a lead into a deal; returns the job (poll it for the deal id).

        The deal goes to ``stage_id``, else to the first stage of ``pipeline_id``, else to the
        first stage of the default pipeline. Pipedrive moves the lead's notes, mail and
        activities to the deal and deletes the lead once the job completes.
        """
        body = {
            key: value
            for key, value in (("stage_id", stage_id), ("pipeline_id", pipeline_id))
            if value is not None
        }
        return cast(
            m.LeadConversion,
            await self.get_one("convert_lead_to_deal", path={"id": lead_id}, json_body=body),
        )

    async def lead_conversion_status(self, lead_id: str, conversion_id: str) -> m.LeadConversion:
        """The state of a conversion job: ``status``, and ``deal_id`` once completed."""
        path = {"id": lead_id, "conversion_id": conversion_id}
        return cast(m.LeadConversion, await self.get_one("get_lead_conversion_status", path=path))

    async def list_lead_labels(self) -> list[m.LeadLabel]:
        """Every lead label (unpaginated)."""
        return await self.get_list("list_lead_labels")

    async def add_lead_label(self, name: str, color: str) -> m.LeadLabel:
        """Create a lead label."""
        body = {"name": name, "color": color}
        return cast(m.LeadLabel, await self.get_one("add_lead_label", json_body=body))

    async def update_lead_label(self, label_id: str, **changes: Any) -> m.LeadLabel:
        """Rename or recolour a lead label."""
        return cast(
            m.LeadLabel,
            await self.get_one("update_lead_label", path={"id": label_id}, json_body=changes),
        )

    async def delete_lead_label(self, label_id: str) -> None:
        """Delete a lead label."""
        await self.call("delete_lead_label", path={"id": label_id})

    async def list_lead_sources(self) -> list[m.LeadSource]:
        """Pipedrive's lead sources (names only)."""
        return await self.get_list("list_lead_sources")

    # --- v1: mailbox ------------------------------------------------------------------------------

    def iter_mail_thread_pages(
        self, folder: str = "inbox", *, limit: int | None = None
    ) -> AsyncIterator[Page[m.MailThread]]:
        """Pages of the threads of a folder (inbox, drafts, sent, archive), newest first."""
        if folder not in MAIL_FOLDERS:
            raise ValueError(
                f"unknown mail folder {folder!r}; use one of {', '.join(MAIL_FOLDERS)}"
            )
        return self.pages("list_mail_threads", params={"folder": folder}, limit=limit)

    async def list_mail_threads(
        self, folder: str = "inbox", *, ceiling: int | None = 1_000
    ) -> FetchResult[m.MailThread]:
        """The threads of a folder, up to ``ceiling``."""
        return await collect(self.iter_mail_thread_pages(folder), ceiling)

    async def get_mail_thread(self, thread_id: int) -> m.MailThread:
        """One mail thread."""
        return cast(m.MailThread, await self.get_one("get_mail_thread", path={"id": thread_id}))

    async def list_mail_thread_messages(self, thread_id: int) -> list[m.MailMessage]:
        """The messages of a thread (without bodies)."""
        return await self.get_list("list_mail_thread_messages", path={"id": thread_id})

    async def get_mail_message(
        self, message_id: int, *, include_body: bool = True
    ) -> m.MailMessage:
        """One message, with its body when ``include_body``."""
        params = {"include_body": 1 if include_body else 0}
        return cast(
            m.MailMessage,
            await self.get_one("get_mail_message", path={"id": message_id}, params=params),
        )

    async def update_mail_thread(
        self,
        thread_id: int,
        *,
        read: bool | None = None,
        archived: bool | None = None,
        shared: bool | None = None,
        deal_id: int | None = None,
        lead_id: str | None = None,
        unlink_deal: bool = False,
        unlink_lead: bool = False,
    ) -> m.MailThread:
        """Mark a thread read/unread, archive it, or link it to a deal or lead (form-encoded).

        ``unlink_deal``/``unlink_lead`` send the link empty, which removes it. The spec does not
        say how to unlink; an empty form value is what clears an integer or uuid field here.
        """
        form: dict[str, Any] = {
            "read_flag": read,
            "archived_flag": archived,
            "shared_flag": shared,
            "deal_id": "" if unlink_deal else deal_id,
            "lead_id": "" if unlink_lead else lead_id,
        }
        return cast(
            m.MailThread,
            await self.get_one("update_mail_thread", path={"id": thread_id}, form=form),
        )

    # --- v1: filters ------------------------------------------------------------------------------

    async def list_filters(self, filter_type: str | None = None) -> list[m.Filter]:
        """Saved filters, of one type (deals, leads, org, people, …) or all."""
        if filter_type is not None and filter_type not in FILTER_TYPES:
            raise ValueError(f"unknown filter type {filter_type!r}")
        return await self.get_list("list_filters", params={"type": filter_type})

    async def get_filter(self, filter_id: int) -> m.Filter:
        """One filter with its conditions."""
        return cast(m.Filter, await self.get_one("get_filter", path={"id": filter_id}))

    async def add_filter(
        self, name: str, filter_type: str, conditions: Mapping[str, Any]
    ) -> m.Filter:
        """Create a filter."""
        body = {"name": name, "type": filter_type, "conditions": dict(conditions)}
        return cast(m.Filter, await self.get_one("add_filter", json_body=body))

    async def update_filter(
        self, filter_id: int, conditions: Mapping[str, Any], name: str | None = None
    ) -> m.Filter:
        """Replace a filter's conditions (and rename it)."""
        body: dict[str, Any] = {"conditions": dict(conditions)}
        if name is not None:
            body["name"] = name
        return cast(
            m.Filter, await self.get_one("update_filter", path={"id": filter_id}, json_body=body)
        )

    async def delete_filter(self, filter_id: int) -> None:
        """Delete a filter."""
        await self.call("delete_filter", path={"id": filter_id})

    async def get_filter_helpers(self) -> dict[str, Any]:
        """Operators per field type, relative dates and address parts, for a filter editor."""
        data = await self.call("get_filter_helpers")
        return data if isinstance(data, dict) else {}

    # --- v1: users, currencies, activity types ------------------------------------------------

    async def list_users(self) -> list[m.User]:
        """Every user of the company."""
        return await self.get_list("list_users")

    async def get_current_user(self) -> m.User:
        """The user the token belongs to, with the company's name and domain."""
        return cast(m.User, await self.get_one("get_current_user"))

    async def list_currencies(self) -> list[m.Currency]:
        """Every currency with its symbol and decimals."""
        return await self.get_list("list_currencies")

    async def list_activity_types(self) -> list[m.ActivityType]:
        """Every activity type."""
        return await self.get_list("list_activity_types")

    # --- v1: deal timeline, participants, mail, notes ------------------------------------------

    async def list_deal_flow(
        self, deal_id: int, *, ceiling: int | None = 500
    ) -> FetchResult[m.DealFlowItem]:
        """A deal's timeline: field changes, stage moves, notes, mails, activities."""
        return await self.fetch_all("list_deal_flow", ceiling=ceiling, path={"id": deal_id})

    async def list_deal_participants(self, deal_id: int) -> FetchResult[m.DealParticipant]:
        """The persons taking part in a deal."""
        return await self.fetch_all("list_deal_participants", ceiling=500, path={"id": deal_id})

    async def list_deal_mail_messages(
        self, deal_id: int, *, ceiling: int | None = 500
    ) -> FetchResult[m.MailMessage]:
        """Mail messages linked to a deal."""
        return await self.fetch_all(
            "list_deal_mail_messages", ceiling=ceiling, path={"id": deal_id}
        )

    async def list_notes(self, *, ceiling: int | None = 500, **params: Any) -> FetchResult[m.Note]:
        """Notes (``deal_id``, ``lead_id``, ``person_id``, ``org_id``…), up to ``ceiling``."""
        return await self.fetch_all("list_notes", ceiling=ceiling, params=params)


def _shape_error(
    endpoint: Endpoint, exc: ValidationError, prefix: str = ""
) -> InvalidResponseError:
    errors = exc.errors()
    where = ".".join(str(part) for part in errors[0]["loc"]) if errors else ""
    what = errors[0]["msg"] if errors else "invalid"
    return InvalidResponseError(
        f"Pipedrive's answer to {endpoint.operation_id} did not have the expected shape "
        f"({prefix}{where or 'body'}: {what}).",
        operation=endpoint.operation_id,
    )
