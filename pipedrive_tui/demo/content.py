"""Word lists and text templates of the demo account: names, companies, addresses, notes, mail.

Pure data: the generator picks from these with its seeded RNG, so the same seed always gives the
same words. Nothing here is random by itself. The hostile strings at the end are used on a few
fixed records so that later tests can check that the app never interprets text from Pipedrive.
"""

from __future__ import annotations

__all__ = [
    "CITIES",
    "COMPANY_HEADS",
    "COMPANY_TAILS",
    "DEAL_SUFFIXES",
    "FIRST_NAMES",
    "HOSTILE_ESCAPE_TITLE",
    "HOSTILE_MARKUP_TITLE",
    "HOSTILE_PERSON_FIRST",
    "HOSTILE_PERSON_LAST",
    "HOSTILE_SUBJECT",
    "JOB_TITLES",
    "LAST_NAMES",
    "LEAD_SUFFIXES",
    "LOST_REASONS",
    "MAIL_HTML_BODIES",
    "MAIL_SUBJECTS",
    "MAIL_TEXT_BODIES",
    "NOTE_TEMPLATES",
    "PARTNER_NAMES",
    "REQUIREMENT_TEXTS",
]

FIRST_NAMES: tuple[str, ...] = (
    "Alice", "Aaron", "Beatrice", "Bruno", "Camille", "Carlos", "Dana", "Dmitri", "Elena",
    "Emeka", "Fatima", "Felix", "Greta", "Gustavo", "Hannah", "Hiroshi", "Ingrid", "Ivan",
    "Jasmine", "Jonas",
    "Keiko", "Kwame", "Laura", "Lars", "Maya", "Mateo", "Nadia", "Nils", "Olivia", "Omar",
    "Paula", "Pedro", "Quinn", "Rafael", "Rosa", "Sanjay", "Sofia", "Stefan", "Tamara", "Tomás",
    "Uma", "Victor", "Wanda", "William", "Ximena", "Yusuf", "Yara", "Zoltan", "Zara", "Anika",
    "Björn", "Chloé", "Desmond", "Elif", "François", "Grace", "Henrik", "Isabel", "Jakub", "Kirsi",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Andersson", "Baker", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ito",
    "Jensen", "Kowalski", "Larsen", "Müller", "Nakamura", "Okafor", "Petrov", "Quintero", "Rossi",
    "Schmidt", "Tanaka", "Underwood", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Novak",
    "O'Brien", "Silva", "Moreau", "Lindqvist", "Haddad", "Kim", "Patel", "Nguyen", "Smith",
    "Johansson", "Bianchi", "Horvat", "Kaur", "Lefèvre", "Mensah", "Navarro", "Popescu", "Rahman",
    "Sato", "Thompson", "Van Dijk", "Wójcik", "Ahmed",
)  # fmt: skip

COMPANY_HEADS: tuple[str, ...] = (
    "Acme", "Blue Harbor", "Cobalt", "Delta Forge", "Evergreen", "Fjord", "Granite", "Helix",
    "Ironwood", "Juniper", "Kestrel", "Lumen", "Meridian", "Northstar", "Oakridge", "Pioneer",
    "Quartz", "Redwood", "Summit", "Tidewater", "Umbra", "Vertex", "Willow", "Xenon", "Yellowfin",
    "Zephyr", "Aurora", "Beacon", "Cedar", "Driftwood",
)  # fmt: skip

COMPANY_TAILS: tuple[str, ...] = (
    "Logistics", "Analytics", "Foods", "Robotics", "Health", "Energy", "Media", "Labs", "Capital",
    "Textiles", "Software", "Outfitters", "Consulting", "Pharma", "Studios", "Systems",
)  # fmt: skip

#: ``(locality, country, postal code, admin area, street)`` of plausible addresses.
CITIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("London", "United Kingdom", "EC1A 1BB", "England", "High Street"),
    ("Manchester", "United Kingdom", "M1 1AE", "England", "Market Street"),
    ("Berlin", "Germany", "10115", "Berlin", "Hauptstraße"),
    ("Munich", "Germany", "80331", "Bavaria", "Leopoldstraße"),
    ("Paris", "France", "75002", "Île-de-France", "Rue de Rivoli"),
    ("Lyon", "France", "69002", "Auvergne-Rhône-Alpes", "Rue de la République"),
    ("Stockholm", "Sweden", "111 52", "Stockholm County", "Drottninggatan"),
    ("Gothenburg", "Sweden", "411 03", "Västra Götaland", "Kungsportsavenyen"),
    ("Tallinn", "Estonia", "10115", "Harju maakond", "Mustamäe tee"),
    ("New York", "United States", "10001", "NY", "Fifth Avenue"),
    ("Austin", "United States", "78701", "TX", "Congress Avenue"),
    ("San Francisco", "United States", "94105", "CA", "Market Street"),
    ("Tokyo", "Japan", "100-0005", "Tokyo", "Chūō-dōri"),
    ("Osaka", "Japan", "530-0001", "Osaka", "Midōsuji"),
    ("Zürich", "Switzerland", "8001", "Zürich", "Bahnhofstrasse"),
    ("Lisbon", "Portugal", "1100-148", "Lisboa", "Rua Augusta"),
    ("Madrid", "Spain", "28013", "Comunidad de Madrid", "Gran Vía"),
    ("Toronto", "Canada", "M5H 2N2", "ON", "King Street West"),
)

JOB_TITLES: tuple[str, ...] = (
    "CEO", "CTO", "Head of Sales", "Procurement Manager", "Operations Director", "IT Manager",
    "Finance Controller", "Marketing Lead", "Office Manager", "Founder", "VP Engineering",
    "Purchasing Agent",
)  # fmt: skip

DEAL_SUFFIXES: tuple[str, ...] = (
    "annual licence", "pilot project", "expansion", "renewal", "onboarding package",
    "enterprise upgrade", "support contract", "hardware refresh", "consulting retainer",
    "data migration", "training workshop", "multi-year agreement", "API integration",
    "regional rollout", "proof of concept",
)  # fmt: skip

LEAD_SUFFIXES: tuple[str, ...] = (
    "inbound enquiry", "webinar sign-up", "trade show contact", "referral", "pricing request",
    "demo request", "newsletter reply", "partner introduction", "chat conversation",
)  # fmt: skip

LOST_REASONS: tuple[str, ...] = (
    "Price too high", "Went with a competitor", "No budget this year", "Project cancelled",
    "No response", "Timing", "Missing feature: SSO", "Chose an in-house solution",
)  # fmt: skip

PARTNER_NAMES: tuple[str, ...] = (
    "Channel One Partners", "Nordic Resellers AB", "Atlas Distribution", "BrightPath Agency",
    "Keystone Integrators", "Westbridge Advisory",
)  # fmt: skip

REQUIREMENT_TEXTS: tuple[str, ...] = (
    "Needs SSO with Azure AD.\nData must stay in the EU.",
    "Wants a 30-day pilot before signing. Budget approval expected in Q1.",
    "Three sites, 40 users each.\nIntegration with their ERP (SAP) is a must.",
    "Looking for a replacement of their legacy CRM; migration of ~20k contacts.",
    "Price sensitive. Compare against competitor quote of 18k.",
    "Requires on-site training for the support team and a dedicated account manager.",
)

#: Note bodies (Pipedrive stores notes as HTML); ``{name}`` is the related person or company.
NOTE_TEMPLATES: tuple[str, ...] = (
    "<p>Call with <b>{name}</b>: they liked the demo, follow up next week.</p>",
    "<p>Sent the proposal to {name}.</p><ul><li>Pricing: tier 2</li><li>Term: 12 months</li></ul>",
    "<p>Meeting notes</p><ol><li>Budget confirmed</li><li>Legal review pending</li>"
    "<li>Kick-off in January</li></ol>",
    '<p>{name} asked about the API — shared <a href="https://developers.pipedrive.com">the docs'
    "</a>.</p>",
    "<p>Decision maker is on holiday until the 3rd.<br>Ping again after that.</p>",
    "<p><i>Reminder:</i> competitor quote came in 10% lower. Prepare a counter-offer.</p>",
    "<p>Contract signed &amp; returned. 🎉</p>",
    "<p>Left a voicemail for {name}.</p>",
)

MAIL_SUBJECTS: tuple[str, ...] = (
    "Proposal for {org}", "Quick question about pricing", "Meeting next Tuesday?",
    "Contract draft v2", "Follow-up from our call", "Invoice #{num}", "Your trial is ending soon",
    "Intro: {org} × Northwind", "Renewal options for {year}", "Updated quote attached",
    "Re: onboarding schedule", "Feedback on the pilot", "Security questionnaire",
    "Agenda for the workshop",
)  # fmt: skip

#: HTML mail bodies: links, quoting, lists and tables. Placeholders: ``{to}`` (the recipient's
#: first name), ``{sender}`` (the sender's), ``{org}`` and ``{num}``.
MAIL_HTML_BODIES: tuple[str, ...] = (
    "<html><body><p>Hi {to},</p><p>Thanks for your time today. As promised, here is the "
    '<a href="https://northwind-demo.example.com/proposal/{num}">proposal for {org}</a>.</p>'
    "<p>Best regards,<br>{sender}</p></body></html>",
    '<div dir="ltr"><p>Hello {to},</p><p>Sounds good to us. A few points:</p><ul>'
    "<li>Start date: 1 February</li><li>Seats: 25 to begin with</li>"
    "<li>Invoicing quarterly</li></ul><p>Cheers,<br>{sender}</p>"
    '<blockquote type="cite"><p>On Monday, {to} wrote:</p><p>Could you confirm the start '
    "date and the number of seats?</p></blockquote></div>",
    "<p>Hi {to},</p><p>Here is the updated price breakdown:</p>"
    '<table border="1"><thead><tr><th>Item</th><th>Qty</th><th>Price</th></tr></thead>'
    "<tbody><tr><td>Licence</td><td>25</td><td>12,500.00</td></tr>"
    "<tr><td>Onboarding</td><td>1</td><td>2,000.00</td></tr>"
    "<tr><td><b>Total</b></td><td></td><td><b>14,500.00</b></td></tr></tbody></table>"
    "<p>Let me know if anything is unclear.</p><p>{sender}</p>",
    "<p>{to},</p><p>We reviewed the contract internally. Comments inline below.</p>"
    "<blockquote><p>3.1 The term is twelve (12) months.</p>"
    "<blockquote><p>Can we make it 24 months with a discount?</p></blockquote></blockquote>"
    '<p>Also see <a href="https://example.org/terms">the standard terms</a>.</p>'
    "<p>Kind regards,<br>{sender}</p>",
    "<p>Dear {to},</p><p>Next steps for {org}:</p><ol><li>Sign the order form</li>"
    "<li>Book the kick-off</li><li>Invite your admins</li></ol>"
    '<p>Agenda: <a href="https://example.org/agenda?id={num}&amp;lang=en">workshop agenda</a>'
    '</p><hr><p style="color:#888">{sender} · sent from my phone</p>',
)

#: Plain-text mail bodies, with ``>`` quoting the way mail clients write it.
MAIL_TEXT_BODIES: tuple[str, ...] = (
    "Hi {to},\n\nJust checking whether you had a chance to look at the questions.\n\n"
    "Thanks,\n{sender}",
    "Hello {to},\n\nAttached is invoice {num}. Payment terms: 30 days.\n\n-- \n{sender}",
    "{to},\n\nSure, Tuesday 10:00 works.\n\nOn Mon, {to} wrote:\n> Would Tuesday morning work"
    " for a call?\n> We could go through the pilot results.\n\n{sender}",
    "Hi {to},\n\nA quick summary for {org}:\n\n* Keep your data\n* Add more seats\n"
    "* Details: https://example.org/contact\n\n{sender}",
)

# --- hostile text, used on a few fixed records ------------------------------------------------

#: Rich/Textual markup in a deal title: must show literally, never style or crash.
HOSTILE_MARKUP_TITLE = "[bold]x[/] markup test — Acme [red]renewal[/red]"
#: An OSC "set terminal title" escape sequence (ESC ] 0 ; … BEL) in a deal title.
HOSTILE_ESCAPE_TITLE = "\x1b]0;pwned\x07 Escape sequence deal"
#: A person's name with an emoji and right-to-left text (with bidi marks).
HOSTILE_PERSON_FIRST = "Zoë 🚀"
HOSTILE_PERSON_LAST = "\u200fمريم الحسيني\u200e"
#: A mail subject with an escape sequence and bidi override.
HOSTILE_SUBJECT = "Re: \x1b[31mURGENT\x1b[0m invoice \u202egnp.exe"
