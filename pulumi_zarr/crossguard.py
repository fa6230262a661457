"""The rules of the CrossGuard policy pack in ``policies/``, on plain values.

Each rule takes what the analyzer shows of a resource (its type, its input properties, its
URN, whether it is protected) and returns the violations as messages. ``policies/__main__.py``
wraps them in ``pulumi_policy`` objects; nothing here imports ``pulumi_policy``, so the rules
run (and are tested) without it. Both resource types are recognized: the dynamic one, whose
inputs are snake_case, and the native one, whose inputs are their camelCase wire names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from .collection.spec import DEFAULTS, INPUT_FIELDS, PREFLIGHT_MODES
from .dynamic.resource import TYPE_TOKEN as DYNAMIC_TOKEN
from .native.names import TOKEN as NATIVE_TOKEN
from .native.names import wire_name

#: The type tokens of a ZarrCollection: the dynamic resource's and the native plugin's.
TYPE_TOKENS: tuple[str, ...] = (DYNAMIC_TOKEN, NATIVE_TOKEN)
#: The policies' configuration key: shell-style patterns of the stack names the stack rules
#: guard, and its default.
STACKS_KEY = "stacks"
DEFAULT_STACKS: tuple[str, ...] = ("prod*",)
#: The JSON schema of that configuration (each stack rule's ``config_schema``).
STACKS_SCHEMA: dict[str, Any] = {
    STACKS_KEY: {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "default": list(DEFAULT_STACKS),
        "description": "Shell-style patterns (fnmatch) of the stack names this rule guards.",
    }
}


def _input(name: str) -> str:
    """An input's field name, checked against the spec (a rename fails at import)."""
    if name not in INPUT_FIELDS:
        raise AssertionError(f"{name} is no ZarrCollection input")
    return name


PREFLIGHT = _input("preflight")
WAIT = _input("wait_for_ingestion")
BUCKET = _input("s3_bucket")
PATH = _input("path")
#: The ``preflight`` value guarded stacks must have: the strictest mode.
PREFLIGHT_REQUIRED = PREFLIGHT_MODES[-1]


def is_collection(resource_type: str) -> bool:
    return resource_type in TYPE_TOKENS


def spelled(field: str, resource_type: str) -> str:
    """``field`` as the resource's program writes it: snake_case (dynamic) or camelCase
    (native: YAML, TypeScript, Go, the native Python class)."""
    return wire_name(field) if resource_type == NATIVE_TOKEN else field


def value(props: Mapping[str, Any], field: str, resource_type: str, default: Any = None) -> Any:
    """One input of a collection, read under the resource's own spelling of its name (only
    that key: the analyzer raises for an unknown value when it is read, so the others stay
    unread)."""
    key = spelled(field, resource_type)
    return props.get(key, default)


def stack_of(urn: str) -> str:
    """The stack name in a resource URN: ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    head = urn.split("::", 1)[0]
    prefix = "urn:pulumi:"
    if not head.startswith(prefix):
        raise ValueError(f"not a Pulumi URN: {urn!r}")
    return head[len(prefix) :]


def stack_patterns(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The patterns a rule's configuration gives (the default when it gives none)."""
    patterns = config.get(STACKS_KEY)
    if patterns is None:
        return DEFAULT_STACKS
    if isinstance(patterns, str) or not all(isinstance(p, str) and p for p in patterns):
        raise ValueError(
            f"{STACKS_KEY} must be a list of stack name patterns, e.g. {list(DEFAULT_STACKS)}; "
            f"got {patterns!r}"
        )
    return tuple(patterns)


def guarded(urn: str, patterns: Sequence[str]) -> bool:
    """Whether the resource's stack matches one of ``patterns``."""
    stack = stack_of(urn)
    return any(fnmatchcase(stack, pattern) for pattern in patterns)


def _where(urn: str, patterns: Sequence[str]) -> str:
    return f"on stack {stack_of(urn)!r} (it matches {', '.join(map(repr, patterns))})"


def preflight_violation(
    resource_type: str, props: Mapping[str, Any], urn: str, patterns: Sequence[str]
) -> str | None:
    """A guarded collection must have ``preflight`` set to 'error'."""
    if not (is_collection(resource_type) and guarded(urn, patterns)):
        return None
    mode = value(props, PREFLIGHT, resource_type)
    if mode == PREFLIGHT_REQUIRED:
        return None
    field = spelled(PREFLIGHT, resource_type)
    shown = "not set (off)" if mode is None else repr(mode)
    return (
        f"{field} must be {PREFLIGHT_REQUIRED!r} {_where(urn, patterns)}: it is {shown}. "
        f"Set {field}={PREFLIGHT_REQUIRED!r} so that a Zarr group the service would refuse "
        "fails the preview, not the ingestion."
    )


def wait_violation(
    resource_type: str, props: Mapping[str, Any], urn: str, patterns: Sequence[str]
) -> str | None:
    """A guarded collection must wait for its ingestion (``wait_for_ingestion`` not false)."""
    if not (is_collection(resource_type) and guarded(urn, patterns)):
        return None
    if value(props, WAIT, resource_type, DEFAULTS[WAIT]) is not False:
        return None
    field = spelled(WAIT, resource_type)
    return (
        f"{field} must not be false {_where(urn, patterns)}: an update would end before the "
        f"ingestion does, and a FAILED ingestion would go unnoticed. Remove it or set it to true."
    )


def protect_violation(
    resource_type: str, protect: bool, urn: str, patterns: Sequence[str]
) -> str | None:
    """A guarded collection must be ``protect``ed."""
    if not (is_collection(resource_type) and guarded(urn, patterns)) or protect:
        return None
    return (
        f"the collection must be protected {_where(urn, patterns)}: a destroy or a replacement "
        "would delete it and its ingested data. Give it the resource option protect=True."
    )


class Placed(NamedTuple):
    """Where one collection of the stack ingests from."""

    urn: str
    bucket: str
    path: str


def place(resource_type: str, props: Mapping[str, Any], urn: str) -> Placed | None:
    """The bucket and path of a collection (None for another resource, or where either is
    not a string)."""
    if not is_collection(resource_type):
        return None
    bucket, path = value(props, BUCKET, resource_type), value(props, PATH, resource_type)
    if isinstance(bucket, str) and isinstance(path, str):
        return Placed(urn, bucket, path)
    return None


def duplicate_violations(collections: Iterable[Placed]) -> list[tuple[str, str]]:
    """Collections of one stack that share their bucket and path: (urn, message) for each of
    them, naming the others (the analyzer lists a stack's resources in no set order)."""
    places: dict[tuple[str, str], list[str]] = defaultdict(list)
    for collection in collections:
        places[collection.bucket, collection.path].append(collection.urn)
    found = []
    for (bucket, path), urns in places.items():
        if len(urns) < 2:
            continue
        names = sorted(urn.rsplit("::", 1)[-1] for urn in urns)
        for urn in sorted(urns):
            name = urn.rsplit("::", 1)[-1]
            others = ", ".join(repr(n) for n in names if n != name)
            verb = "does" if len(names) == 2 else "do"
            found.append(
                (
                    urn,
                    f"{name!r} ingests s3://{bucket}/{path}, as {others} also {verb}: one store, "
                    "more than one collection in this stack. Keep one collection per bucket "
                    "and path.",
                )
            )
    return found
