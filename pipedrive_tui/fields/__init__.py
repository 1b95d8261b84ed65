"""Custom-field naming and formatting: pure functions, no I/O, no widgets."""
