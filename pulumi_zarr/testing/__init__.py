"""Drive the provider as the Pulumi engine does, without the engine (tests, demo, users' CI).

* :class:`ProviderHost` — the SDK's dynamic provider host over gRPC, one method per engine call.
* :class:`Deployment` — run a Pulumi program under mocks, registrations forwarded to the host,
  with a small state between ``up``, ``refresh`` and ``destroy``.
"""

from .engine import Diff, ProviderError, ProviderHost, serialized_provider
from .program import Deployment, DeploymentError

__all__ = [
    "Deployment",
    "DeploymentError",
    "Diff",
    "ProviderError",
    "ProviderHost",
    "serialized_provider",
]
