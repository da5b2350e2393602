"""The API reference, rendered from the OpenAPI document `gamestats serve` publishes (`/openapi.json`): one page per
tag, each operation with its summary, description, key, parameters, body, answers and example, then the models
its operations answer and take, field by field."""

import json
from collections.abc import Iterator
from typing import Any

from gamestats_assets.manual.markdown import cell, paragraphs, table
from gamestats_assets.serve.core.contract import EVERY_REQUEST, KEYED

REF = "#/components/schemas/"
COMMON = ("Problem", "Invalids", "Invalid")
"""The models of every refusal, described once on the rules page rather than on each tag's."""
RULES = "../rules.md"
"""The page of the rules every operation keeps (paging, errors, authentication), relative to a reference page."""


def document() -> dict[str, Any]:
    """The OpenAPI document of the app as `gamestats serve` builds it (no database is opened to build it)."""
    from gamestats_assets.serve.app import create_app
    from gamestats_assets.serve.core.settings import ServeSettings

    return create_app(ServeSettings(pg_url="postgresql://reference@127.0.0.1/reference")).openapi()


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every operation of `schema`: its method, path and object, in the document's order."""
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def tags(schema: dict[str, Any]) -> list[str]:
    """The tags of `schema`'s operations, in the order they first appear."""
    return list(dict.fromkeys(tag for _, _, operation in operations(schema) for tag in operation.get("tags", ())))


def type_of(schema: dict[str, Any], rules: str = RULES) -> str:
    """A field's type in a few words, a model named by a link to its entry (a common refusal's on `rules`)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return f"[`{name}`]({rules if name in COMMON else ''}#{name})"
    if "anyOf" in schema:
        kinds = [type_of(option, rules) for option in schema["anyOf"] if option.get("type") != "null"]
        nullable = any(option.get("type") == "null" for option in schema["anyOf"])
        return " or ".join(kinds) + (" or null" if nullable else "")
    if "enum" in schema:
        return "one of " + ", ".join(f"`{json.dumps(value)}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_of(schema.get('items', {}), rules)}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_of(schema['additionalProperties'], rules)}"
    return f"`{kind}`" + (f" ({schema['format']})" if "format" in schema else "")


def bounds(schema: dict[str, Any]) -> str:
    """The limits a parameter or field keeps: range, length, pattern, default."""
    said = [f"{word} {schema[key]}" for key, word in (
        ("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<"),
        ("minLength", "length ≥"), ("maxLength", "length ≤"), ("minItems", "items ≥"), ("maxItems", "items ≤"))
        if key in schema]
    if "pattern" in schema:
        said.append(f"matching `{schema['pattern']}`")
    if "default" in schema:
        said.append(f"default `{json.dumps(schema['default'])}`")
    return ", ".join(said)


def references(node: Any) -> Iterator[str]:
    """The model names `node` refers to, at any depth."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].removeprefix(REF)
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def models_of(schema: dict[str, Any], start: list[Any]) -> list[str]:
    """Every model reachable from `start`, the common refusals aside, in the order first met."""
    found: dict[str, None] = {}
    pending = [name for node in start for name in references(node)]
    while pending:
        name = pending.pop(0)
        if name in found or name in COMMON:
            continue
        found[name] = None
        pending += list(references(schema["components"]["schemas"][name]))
    return list(found)


def model(name: str, schema: dict[str, Any], rules: str = RULES) -> str:
    """A model's entry: what it is, and each field with its type, whether it is always there, what it holds."""
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    parts = [f"### `{name}` {{#{name}}}", paragraphs(schema.get("description", ""))]
    if properties:
        parts.append(table(("field", "type", "always", "description"), [
            (f"`{field}`", type_of(spec, rules), "yes" if field in required else "no",
             cell(" ".join(filter(None, (spec.get("description", ""), bounds(spec))))))
            for field, spec in properties.items()]))
    else:
        parts.append(f"A value of type {type_of(schema, rules)}.")
    return "\n\n".join(part for part in parts if part)


def parameters(operation: dict[str, Any]) -> str:
    return table(("name", "in", "required", "type", "description"), [
        (f"`{parameter['name']}`", parameter["in"], "yes" if parameter.get("required") else "no",
         type_of(parameter.get("schema", {})),
         cell(" ".join(filter(None, (parameter.get("description", ""), bounds(parameter.get("schema", {})))))))
        for parameter in operation["parameters"]])


def answers(operation: dict[str, Any]) -> str:
    """The operation's own answers: its successes and the refusals it names; those every request or every keyed
    request can get are on the rules page."""
    shared = {str(status) for status in (*EVERY_REQUEST, *(KEYED if operation.get("security") else ()))}
    rows = []
    for status, answer in operation["responses"].items():
        if status in shared:
            continue
        bodies = [type_of(content["schema"]) for content in answer.get("content", {}).values() if "schema" in content]
        rows.append((f"`{status}`", cell(answer.get("description")), ", ".join(bodies) or "none"))
    statuses = ", ".join(f"`{status}`" for status in operation["responses"] if status in shared)
    return "\n\n".join([table(("status", "meaning", "body"), rows),
                        f"And, as [every request]({RULES}#errors) can: {statuses}."])


def example(operation: dict[str, Any]) -> str:
    """The success's example, folded: a real answer of a published test database."""
    for status, answer in operation["responses"].items():
        for content in answer.get("content", {}).values():
            if "example" in content:
                body = json.dumps(content["example"], indent=2, ensure_ascii=False)
                return "\n".join([f'??? example "A `{status}` answer"', "", "    ```json",
                                  *(f"    {line}" for line in body.splitlines()), "    ```"])
    return ""


def operation_entry(method: str, path: str, operation: dict[str, Any]) -> str:
    """One operation: its summary, description, key, parameters, body, answers and example."""
    parts = [f"### `{method} {path}` {{#{operation['operationId']}}}", f"**{operation.get('summary', '')}**",
             paragraphs(operation.get("description", ""))]
    if operation.get("security"):
        parts.append(f"**Key** `Authorization: Bearer <key>` ([accounts and roles]({RULES}#authentication)).")
    else:
        parts.append("**Key** none: public.")
    if operation.get("parameters"):
        parts += ["**Parameters**", parameters(operation)]
    body = operation.get("requestBody")
    if body:
        kinds = ", ".join(f"{kind} {type_of(content['schema'])}" for kind, content in body["content"].items())
        parts.append(f"**Body** {kinds}" + (" (required)" if body.get("required") else ""))
    parts += ["**Answers**", answers(operation), example(operation)]
    return "\n\n".join(part for part in parts if part)


def reference(schema: dict[str, Any], tag: str) -> str:
    """The reference page's body for `tag`: its operations, then the models they answer and take."""
    chosen = [(method, path, operation) for method, path, operation in operations(schema)
              if tag in operation.get("tags", ())]
    contents = table(("operation", "what it does"), [
        (f"[`{method} {path}`](#{operation['operationId']})", cell(operation.get("summary")))
        for method, path, operation in chosen])
    entries = [operation_entry(*found) for found in chosen]
    names = models_of(schema, [operation for _, _, operation in chosen])
    models = [model(name, schema["components"]["schemas"][name]) for name in names]
    return "\n\n".join([contents, "## Operations", *entries, "## Models", *models])


def common_models(schema: dict[str, Any]) -> str:
    """The models of every refusal (`COMMON`), for the rules page."""
    return "\n\n".join(model(name, schema["components"]["schemas"][name], rules="")
                       for name in COMMON if name in schema["components"]["schemas"])
