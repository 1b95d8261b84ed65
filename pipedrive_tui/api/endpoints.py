"""Every Pipedrive operation the client calls, in one table.

The client builds its requests from these entries, the demo account serves them, and the contract
tests walk them: the list of endpoints comes from here, never from a hand-picked set in a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from pipedrive_tui.api import models as m

Version = Literal["v1", "v2"]
Paging = Literal["cursor", "offset", "none"]

#: The largest page a v2 list endpoint serves (``/itemSearch`` serves 100).
V2_MAX_LIMIT = 500
#: The largest page the v1 offset endpoints serve.
V1_MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One operation: how to call it, what it returns, and how it pages."""

    name: str
    method: str
    version: Version
    path: str
    operation_id: str
    model: type[BaseModel] | None
    many: bool = False
    paging: Paging = "none"
    max_limit: int = 0
    #: Where the records sit in ``data``: ``"items"`` for search results.
    data_key: str | None = None
    form: bool = False

    @property
    def prefix(self) -> str:
        """The path prefix of the API version: ``/v1`` or ``/api/v2``."""
        return "/v1" if self.version == "v1" else "/api/v2"

    def url_path(self, **path_params: object) -> str:
        """The concrete path, with ``{id}`` and friends filled in."""
        return self.prefix + self.path.format(**path_params)


def _v2_list(
    name: str, path: str, op: str, model: type[BaseModel], limit: int = V2_MAX_LIMIT
) -> Endpoint:
    return Endpoint(name, "GET", "v2", path, op, model, True, "cursor", limit)


def _v1_list(name: str, path: str, op: str, model: type[BaseModel]) -> Endpoint:
    return Endpoint(name, "GET", "v1", path, op, model, True, "offset", V1_MAX_LIMIT)


def _v2_search(name: str, path: str, op: str, limit: int = V2_MAX_LIMIT) -> Endpoint:
    return Endpoint(name, "GET", "v2", path, op, m.SearchResult, True, "cursor", limit, "items")


ENDPOINTS: tuple[Endpoint, ...] = (
    # v2: pipelines, stages, deals, persons, organizations, field schemas, search
    _v2_list("list_pipelines", "/pipelines", "getPipelines", m.Pipeline),
    Endpoint("get_pipeline", "GET", "v2", "/pipelines/{id}", "getPipeline", m.Pipeline),
    _v2_list("list_stages", "/stages", "getStages", m.Stage),
    Endpoint("get_stage", "GET", "v2", "/stages/{id}", "getStage", m.Stage),
    _v2_list("list_deals", "/deals", "getDeals", m.Deal),
    _v2_list("list_archived_deals", "/deals/archived", "getArchivedDeals", m.Deal),
    Endpoint("get_deal", "GET", "v2", "/deals/{id}", "getDeal", m.Deal),
    Endpoint("update_deal", "PATCH", "v2", "/deals/{id}", "updateDeal", m.Deal),
    _v2_list("list_persons", "/persons", "getPersons", m.Person),
    Endpoint("get_person", "GET", "v2", "/persons/{id}", "getPerson", m.Person),
    _v2_list("list_organizations", "/organizations", "getOrganizations", m.Organization),
    Endpoint(
        "get_organization", "GET", "v2", "/organizations/{id}", "getOrganization", m.Organization
    ),
    _v2_list("list_deal_fields", "/dealFields", "getDealFields", m.FieldDefinition),
    _v2_list("list_person_fields", "/personFields", "getPersonFields", m.FieldDefinition),
    _v2_list(
        "list_organization_fields",
        "/organizationFields",
        "getOrganizationFields",
        m.FieldDefinition,
    ),
    _v2_search("search_deals", "/deals/search", "searchDeals"),
    _v2_search("search_leads", "/leads/search", "searchLeads"),
    _v2_search("search_persons", "/persons/search", "searchPersons"),
    _v2_search("search_organizations", "/organizations/search", "searchOrganization"),
    _v2_search("search_items", "/itemSearch", "searchItem", limit=100),
    # v2: lead to deal conversion (an asynchronous job: start it, then poll its status)
    Endpoint(
        "convert_lead_to_deal",
        "POST",
        "v2",
        "/leads/{id}/convert/deal",
        "convertLeadToDeal",
        m.LeadConversion,
    ),
    Endpoint(
        "get_lead_conversion_status",
        "GET",
        "v2",
        "/leads/{id}/convert/status/{conversion_id}",
        "getLeadConversionStatus",
        m.LeadConversion,
    ),
    # v1: leads, labels, sources, lead fields
    _v1_list("list_lead_fields", "/leadFields", "getLeadFields", m.FieldDefinition),
    # v1 deal fields: the numeric ids saved filters name fields by (v2 has none)
    _v1_list("list_deal_fields_v1", "/dealFields", "getDealFields", m.FieldDefinition),
    _v1_list("list_leads", "/leads", "getLeads", m.Lead),
    _v1_list("list_archived_leads", "/leads/archived", "getArchivedLeads", m.Lead),
    Endpoint("get_lead", "GET", "v1", "/leads/{id}", "getLead", m.Lead),
    Endpoint("update_lead", "PATCH", "v1", "/leads/{id}", "updateLead", m.Lead),
    Endpoint("list_lead_labels", "GET", "v1", "/leadLabels", "getLeadLabels", m.LeadLabel, True),
    Endpoint("add_lead_label", "POST", "v1", "/leadLabels", "addLeadLabel", m.LeadLabel),
    Endpoint(
        "update_lead_label", "PATCH", "v1", "/leadLabels/{id}", "updateLeadLabel", m.LeadLabel
    ),
    Endpoint("delete_lead_label", "DELETE", "v1", "/leadLabels/{id}", "deleteLeadLabel", None),
    Endpoint(
        "list_lead_sources", "GET", "v1", "/leadSources", "getLeadSources", m.LeadSource, True
    ),
    # v1: mailbox
    _v1_list("list_mail_threads", "/mailbox/mailThreads", "getMailThreads", m.MailThread),
    Endpoint(
        "get_mail_thread", "GET", "v1", "/mailbox/mailThreads/{id}", "getMailThread", m.MailThread
    ),
    Endpoint(
        "list_mail_thread_messages",
        "GET",
        "v1",
        "/mailbox/mailThreads/{id}/mailMessages",
        "getMailThreadMessages",
        m.MailMessage,
        True,
    ),
    Endpoint(
        "get_mail_message",
        "GET",
        "v1",
        "/mailbox/mailMessages/{id}",
        "getMailMessage",
        m.MailMessage,
    ),
    Endpoint(
        "update_mail_thread",
        "PUT",
        "v1",
        "/mailbox/mailThreads/{id}",
        "updateMailThreadDetails",
        m.MailThread,
        form=True,
    ),
    # v1: filters
    Endpoint("list_filters", "GET", "v1", "/filters", "getFilters", m.Filter, True),
    Endpoint("get_filter", "GET", "v1", "/filters/{id}", "getFilter", m.Filter),
    Endpoint("add_filter", "POST", "v1", "/filters", "addFilter", m.Filter),
    Endpoint("update_filter", "PUT", "v1", "/filters/{id}", "updateFilter", m.Filter),
    Endpoint("delete_filter", "DELETE", "v1", "/filters/{id}", "deleteFilter", None),
    Endpoint("get_filter_helpers", "GET", "v1", "/filters/helpers", "getFilterHelpers", None),
    # v1: users, currencies, activity types
    Endpoint("list_users", "GET", "v1", "/users", "getUsers", m.User, True),
    Endpoint("get_current_user", "GET", "v1", "/users/me", "getCurrentUser", m.User),
    Endpoint("list_currencies", "GET", "v1", "/currencies", "getCurrencies", m.Currency, True),
    Endpoint(
        "list_activity_types",
        "GET",
        "v1",
        "/activityTypes",
        "getActivityTypes",
        m.ActivityType,
        True,
    ),
    # v1: a deal's timeline, participants, mail and notes
    _v1_list("list_deal_flow", "/deals/{id}/flow", "getDealUpdates", m.DealFlowItem),
    _v1_list(
        "list_deal_participants",
        "/deals/{id}/participants",
        "getDealParticipants",
        m.DealParticipant,
    ),
    _v1_list(
        "list_deal_mail_messages", "/deals/{id}/mailMessages", "getDealMailMessages", m.MailMessage
    ),
    _v1_list("list_notes", "/notes", "getNotes", m.Note),
)

BY_NAME: dict[str, Endpoint] = {endpoint.name: endpoint for endpoint in ENDPOINTS}
