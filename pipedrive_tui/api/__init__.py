"""The only package that talks HTTP to Pipedrive: client, models, errors, rate limits."""
