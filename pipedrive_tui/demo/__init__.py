"""The embedded demo Pipedrive: a deterministic fake account served in-process or on loopback."""
