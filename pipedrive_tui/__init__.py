"""pipedrive-tui: a fast, keyboard-driven terminal client for the Pipedrive CRM."""

__version__ = "0.1.0"
