"""What a request body's schema says beyond its fields' types, so that what the server refuses is what the OpenAPI
document says it refuses: no property it does not name (`Body`: `additionalProperties: false`), and the rules
between fields a JSON Schema can state (`given`, `any_given`, `one_given`, `not_both`), and integers that are not
`true` or `false` (`Whole`). A field is given when it is present and not null: the server takes a null as
absent."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class Body(BaseModel):
    """A request body: a property it does not name is refused (422), as its schema says."""

    model_config = ConfigDict(extra="forbid")


def given(name: str) -> dict[str, Any]:
    """The schema of a body holding `name`, not null."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def any_given(*names: str) -> dict[str, Any]:
    """A body's rule: at least one of `names` given."""
    return {"anyOf": [given(name) for name in names]}


def one_given(*names: str) -> dict[str, Any]:
    """A body's rule: exactly one of `names` given."""
    return {"oneOf": [given(name) for name in names]}


def not_both(first: str, second: str) -> dict[str, Any]:
    """A body's rule: `first` and `second` not both given."""
    return {"not": {"allOf": [given(first), given(second)]}}


def rules(*parts: dict[str, Any]) -> ConfigDict:
    """A body's config stating every rule of `parts` (`allOf`)."""
    return ConfigDict(json_schema_extra={"allOf": list(parts)})


def not_a_flag(value: Any) -> Any:
    """`value`, unless it is `true` or `false`, which a JSON Schema `integer` is not."""
    if isinstance(value, bool):
        raise ValueError("an integer, not true or false")
    return value


Whole = Annotated[int, BeforeValidator(not_a_flag)]
"""An integer as a JSON Schema `integer` is one (`3`, `3.0`), never `true` or `false`."""
