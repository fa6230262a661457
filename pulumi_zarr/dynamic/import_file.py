"""A `pulumi import --file` document that adopts existing collections as ZarrCollections.

The engine imports a resource by calling Read with no inputs and no state, and the dynamic
provider host cannot serve that call (it finds its provider in the inputs). An import file
entry that carries ``inputs`` and ``outputs`` skips that Read (Pulumi CLI 3.254 and later):
the engine takes them as they are, then calls Check. This module writes such entries, read
from the service, so that ``pulumi import --file`` adopts the collections as they are now.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..api.client import ZarrClient
from ..errors import NotFound, no_collection


def import_document(client: ZarrClient, resources: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The import file for ``resources``, (Pulumi resource name, collection id) pairs."""
    from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider

    from ..collection import lifecycle
    from .provider import ZarrCollectionProvider
    from .resource import TYPE_TOKEN

    provider = serialize_provider(ZarrCollectionProvider())
    entries = []
    for name, collection_id in resources:
        found = lifecycle.read(client, collection_id, {})
        if found is None:
            raise NotFound(no_collection(collection_id))
        inputs, outputs = found
        entries.append(
            {
                "type": TYPE_TOKEN,
                "name": name,
                "id": collection_id,
                "inputs": {**inputs, PROVIDER_KEY: provider},
                "outputs": {**outputs, PROVIDER_KEY: provider},
            }
        )
    return {"resources": entries}
