"""The REST API root: /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="studyhall API", version="1.0.0", urls_namespace="api-1.0.0")
