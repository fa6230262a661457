"""The known deployments of the Zarr Import API, each declared once: its API and token URLs,
the regions its buckets must be in, and the principal it reads buckets as.

The AWS principal is taken from public code that sets up buckets for Sentinel Hub (the BYOC
statement, e.g. ``disturbancemonitor``'s ``byoc_principal``); the CDSE principal and storage from
CDSE's Zarr documentation. Check both against your deployment's docs before relying on them.
"""

from __future__ import annotations

from typing import NamedTuple

from .endpoints import TOKEN_PATH


class Deployment(NamedTuple):
    #: The short name users write (``deployment=``, ``sentinelhub:deployment``).
    name: str
    title: str
    base_url: str
    token_url: str
    #: Where its buckets must be: AWS regions, or CDSE's storage identifiers.
    regions: tuple[str, ...]
    #: The principal the deployment reads buckets as (``Principal: {"AWS": ...}``).
    principal: str
    #: The S3 endpoint of its object storage, when it is not AWS's.
    storage_endpoint: str | None = None


SH_EU = "https://services.sentinel-hub.com"
SH_US_WEST = "https://services-uswest2.sentinel-hub.com"
CDSE = "https://sh.dataspace.copernicus.eu"
_SH_TOKEN_URL = SH_EU + TOKEN_PATH
_SH_PRINCIPAL = "arn:aws:iam::614251495211:root"

DEPLOYMENTS: tuple[Deployment, ...] = (
    Deployment(
        "sentinel-hub-eu",
        "Sentinel Hub EU (AWS eu-central-1)",
        SH_EU,
        _SH_TOKEN_URL,
        ("eu-central-1",),
        _SH_PRINCIPAL,
    ),
    Deployment(
        "sentinel-hub-us-west",
        "Sentinel Hub US-West (AWS us-west-2)",
        SH_US_WEST,
        _SH_TOKEN_URL,  # US-West authenticates against the main deployment
        ("us-west-2",),
        _SH_PRINCIPAL,
    ),
    Deployment(
        "cdse",
        "Copernicus Data Space Ecosystem (CloudFerro object storage)",
        CDSE,
        "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token",
        ("waw3-1", "waw3-2", "waw4-1"),
        "arn:aws:iam::ddf4c98b5e6647f0a246f0624c8341d9:root",
        storage_endpoint="https://s3.waw3-1.cloudferro.com",
    ),
)
#: The default deployment (the default base URL's).
DEFAULT = DEPLOYMENTS[0]
BY_NAME: dict[str, Deployment] = {d.name: d for d in DEPLOYMENTS}
BY_BASE_URL: dict[str, Deployment] = {d.base_url: d for d in DEPLOYMENTS}


def known_names() -> str:
    """``sentinel-hub-eu, sentinel-hub-us-west, cdse``: for messages."""
    return ", ".join(BY_NAME)


def by_name(name: str) -> Deployment:
    """The deployment called ``name``; ValueError naming the known ones otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown deployment {name!r}; known: {known_names()}") from None
