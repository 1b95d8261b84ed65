"""pipedrive-tui's own Textual theme, ``pipedrive``: dark, built around Pipedrive's green.

The stylesheets only use theme variables (``styles/*.tcss``), so this module is the one place
that names colours for the whole app. What each variable paints here:

* ``$background`` / ``$surface`` / ``$boost``: the board's gaps, its stage columns and its cards
  (the card is the column plus ``$boost``), the tables' rows;
* ``$panel`` (derived from ``$surface`` tinted with the primary): the account bar, the status
  line, column headers and the footer;
* ``$primary`` / ``$primary-muted``: the board's card cursor (``$primary`` at 45%), the title
  bars and the current stage column;
* ``$block-cursor-*``: the row cursor of the deals, leads and mail lists;
* ``$accent``: section titles, the count of deals in a column, footer keys;
* ``$warning``: the DEMO badge (dark text on it), lost deals; ``$error``: rotting deals, read-only
  badge, error lines; ``$success``: deal values and won deals.

Each text colour reads at WCAG 4.5:1 or more on the background it is drawn on (checked by
``tests/pilot/test_themes_keymap.py``; the board's snapshot shows them together).
"""

from __future__ import annotations

from textual.theme import Theme

__all__ = ["PIPEDRIVE_THEME", "THEMES"]

#: Pipedrive's green, a shade deeper than its buttons' so that the green deal values still read
#: on the board's card cursor (primary at 45%), and its logo's deep green for row cursors.
_GREEN = "#0B8A47"
_DEEP_GREEN = "#017737"

PIPEDRIVE_THEME = Theme(
    name="pipedrive",
    primary=_GREEN,
    secondary=_DEEP_GREEN,
    accent="#7CC4FA",
    warning="#F5B041",
    error="#FF6B66",
    success="#4CD38A",
    foreground="#E4E8EC",
    background="#15181B",
    surface="#1E2226",
    # No panel: Textual only applies ``boost`` (the cards' lift) when it derives the panel itself.
    boost="#FFFFFF0F",
    dark=True,
    variables={
        # The row cursor of the lists: white on the deep green (6:1), bold.
        "block-cursor-background": _DEEP_GREEN,
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#017737 45%",
        "block-cursor-blurred-foreground": "#E4E8EC",
        "footer-key-foreground": "#7CC4FA",
        "input-selection-background": "#0B8A47 60%",
        "input-cursor-background": "#E4E8EC",
        "screen-selection-background": "#0B8A47 60%",
        "border": _GREEN,
        "link-color-hover": "#FFFFFF",
    },
)

#: Every theme pipedrive-tui adds to Textual's built-in ones.
THEMES = (PIPEDRIVE_THEME,)
