"""The inbox's HTTP side: the upload endpoint and the engineers' pages (Starlette)."""
