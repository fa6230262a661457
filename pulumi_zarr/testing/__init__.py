"""Drive the provider as the Pulumi engine does, without the engine (tests, demo, users' CI).

* :class:`ProviderHost` — the SDK's dynamic provider host over gRPC, one method per engine call.
* :func:`run_program`, :func:`refresh`, :func:`destroy` — ``pulumi up``/``refresh``/``destroy`` of
  a program under Pulumi's mocks, registrations forwarded to a provider host, with a
  :class:`StackState` kept between runs.
"""

from .engine import UNKNOWN, Diff, ProviderError, ProviderHost, secret
from .program import DeploymentError, StackState, destroy, refresh, run_program

__all__ = [
    "UNKNOWN",
    "DeploymentError",
    "Diff",
    "ProviderError",
    "ProviderHost",
    "StackState",
    "destroy",
    "refresh",
    "run_program",
    "secret",
]
