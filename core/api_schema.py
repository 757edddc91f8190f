"""The OpenAPI schema's generator: drf-spectacular's, with the answers the API really gives.

Every read documents 404 (an unknown object, a page past the end); every list 400 (a filter
value the API refuses, e.g. an unknown ``network`` slug, with the reasons per parameter).
``page`` and ``page_size`` are declared with their lower bounds (``core.api``
refuses a ``page_size`` below it with 400; a page that does not exist is a 404). schemathesis checks the API against
the result (tests/api/test_schema_conformance.py). A list's choice parameters take the empty
value too (no filter).
"""

from django.db import DatabaseError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

NOT_FOUND = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID_FILTERS = {
    "type": "object",
    "description": "Je ungültigem Parameter die Gründe.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def existing_values(queryset, field: str = "slug") -> list | None:
    """The values of ``field`` there are (a filter's valid choices), for a parameter's enum;
    None (no enum) where the database cannot be read, as when ``manage.py check`` generates
    the schema before any migration."""
    try:
        return list(queryset.order_by(field).values_list(field, flat=True))
    except DatabaseError:
        return None


class PortalAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        """A list's choice parameters also take the empty value: "no filter", as the
        directory's form sends it (``?kind=&district=Jena``)."""
        operation = super().get_operation(*args, **kwargs)
        if operation and self.method == "GET" and self._is_list_view():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                for part in (schema, schema.get("items", {})):
                    choices = part.get("enum")
                    # Only a text parameter can be empty: "" is no integer.
                    if choices is not None and "" not in choices and part.get("type") != "integer":
                        choices.append("")
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or self.method != "GET":
            return responses
        if self._is_list_view():
            responses.setdefault(
                "400",
                self._get_response_for_code(
                    OpenApiResponse(
                        INVALID_FILTERS,
                        description="Ein Filter hat einen ungültigen Wert.",
                    ),
                    "400",
                    direction=direction,
                ),
            )
            description = "Die Seite gibt es nicht."
        else:
            description = "Nicht gefunden (oder nicht veröffentlicht)."
        responses.setdefault(
            "404",
            self._get_response_for_code(
                OpenApiResponse(NOT_FOUND, description=description), "404", direction=direction
            ),
        )
        return responses

    def _get_pagination_parameters(self):
        parameters = super()._get_pagination_parameters()
        for parameter in parameters:
            if parameter["name"] == "page":
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == "page_size":
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "Einträge je Seite (Vorgabe 50; mehr als 500 gibt 500)."
        return parameters
