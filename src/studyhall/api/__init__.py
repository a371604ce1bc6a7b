"""The REST API at /api/v1/; see api.py and docs/api.md."""
