from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app only so that Django finds its template tag library (``portal``); it has no
    models of its own (``core.models`` holds abstract ones)."""

    name = "core"
