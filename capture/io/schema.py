"""The JSON Schemas of the outputs, shipped in the package (capture/io/schema/*.json)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

SCHEMAS = ("photo", "session")


@lru_cache(maxsize=4)
def load_schema(name: str) -> dict:
    """The schema document `name` ("photo" or "session")."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown schema {name!r}")
    text = (
        resources.files("capture.io")
        .joinpath("schema", f"{name}.schema.json")
        .read_text("utf-8")
    )
    return json.loads(text)


@lru_cache(maxsize=1)
def _registry():
    return Registry().with_resources(
        (load_schema(n)["$id"], Resource.from_contents(load_schema(n))) for n in SCHEMAS
    )


def validator(name: str):
    """A jsonschema validator for `name`, resolving the cross-file $refs."""
    return Draft202012Validator(load_schema(name), registry=_registry())


def validate(doc: dict, name: str) -> None:
    """Raise jsonschema.ValidationError (the most relevant one) when `doc` breaks the schema."""
    error = best_match(validator(name).iter_errors(doc))
    if error is not None:
        raise error


def errors(doc: dict, name: str) -> list[str]:
    """Every violation as "path: message" (empty when valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator(name).iter_errors(doc)
    ]
