"""The program of tests/perf/test_scale.py: ``count`` resources of one ``kind``.

``kind``: ``noop`` (a dynamic resource whose provider does nothing: the engine's and the SDK's
floor), ``noop-wide`` (the same, registering every property ZarrCollection registers: the floor
for that schema), ``noop-get`` (``noop-wide`` whose read makes one GET of the collection
``probe`` names, ``{"url": ..., "token_url": ...}``, with a token fetched once per host: the
floor of a refresh that reads each resource from the service), ``dynamic`` (ZarrCollection) or
``native`` (NativeZarrCollection). Each
resource has the same five inputs; the collections do not wait for their ingestion. ``store``
(JSON): ``{"s3_bucket": ..., "path": ...}``; ``prefix``: the collections are named
``<prefix> <i>``.
"""

import json

import pulumi
import pulumi.dynamic

config = pulumi.Config()
kind = config.require("kind")
count = config.require_int("count")
prefix = config.get("prefix") or "scale"
store = json.loads(config.require("store"))
CRS = "http://www.opengis.net/def/crs/EPSG/0/4326"


def inputs(i: int) -> dict:
    return {"name": f"{prefix} {i}", **store, "crs": CRS, "wait_for_ingestion": False}


if kind.startswith("noop"):

    class NoOp(pulumi.dynamic.ResourceProvider):
        """Creates nothing: an id, and the inputs as outputs."""

        def create(self, props):
            import uuid

            return pulumi.dynamic.CreateResult(str(uuid.uuid4()), props)

        def read(self, id_, props):
            return pulumi.dynamic.ReadResult(id_, props)

        def delete(self, id_, props):
            return None

    class NoOpGet(NoOp):
        """As NoOp; each read GETs one collection, as bare as requests allows."""

        def __init__(self, url: str, token_url: str) -> None:
            super().__init__()
            self.url, self.token_url = url, token_url

        def configure(self, req):
            import threading

            self.credentials = (
                req.config.get("sentinelhub:clientId"),
                req.config.get("sentinelhub:clientSecret"),
            )
            self.lock, self.session = threading.Lock(), None

        def read(self, id_, props):
            import requests

            with self.lock:
                if self.session is None:
                    grant = {"grant_type": "client_credentials"}
                    answer = requests.post(
                        self.token_url, data=grant, auth=self.credentials, timeout=30
                    )
                    self.session = requests.Session()
                    token = answer.json()["access_token"]
                    self.session.headers["Authorization"] = f"Bearer {token}"
            self.session.get(self.url, timeout=30).raise_for_status()
            return super().read(id_, props)

    import pickle

    if kind == "noop-get":
        probe = json.loads(config.require("probe"))
        provider = NoOpGet(probe["url"], probe["token_url"])
    else:
        provider = NoOp()

    class NoOpResource(pulumi.dynamic.Resource, module="perf", name="NoOp"):
        def __init__(self, name: str, props: dict) -> None:
            # as ZarrCollection does: undo the pickler wrapper the SDK's serialize_provider
            # leaves behind per resource (RecursionError near 960 resources otherwise)
            saved = {n: getattr(pickle._Pickler, n) for n in ("_batch_setitems", "save_dict")}
            try:
                super().__init__(provider, name, props)
            finally:
                for n, method in saved.items():
                    setattr(pickle._Pickler, n, method)

    fields: tuple[str, ...] = ()
    if kind in ("noop-wide", "noop-get"):
        from pulumi_zarr.collection.spec import INPUT_FIELDS, OUTPUT_FIELDS

        fields = (*INPUT_FIELDS, *OUTPUT_FIELDS)
    made = [NoOpResource(f"c-{i}", {**dict.fromkeys(fields), **inputs(i)}) for i in range(count)]
else:
    from pulumi_zarr import ZarrCollection, ZarrCollectionArgs

    if kind == "native":
        from pulumi_zarr.native import NativeZarrCollection as Class
    else:
        Class = ZarrCollection
    made = [Class(f"c-{i}", ZarrCollectionArgs(**inputs(i))) for i in range(count)]

pulumi.export("ids", pulumi.Output.all(*[r.id for r in made]).apply(len))
