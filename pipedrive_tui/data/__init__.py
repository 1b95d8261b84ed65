"""Cached lookups (fields, labels, users, pipelines, stages, currencies) in memory and on disk."""
