"""``pulumi-resource-sentinelhub ENGINE_ADDRESS``: the plugin process the engine starts.

It prints the port it serves on as the first line of stdout (nothing may be printed before).
"""

from __future__ import annotations

import sys


def main() -> None:
    import pulumi_zarr

    from .server import serve

    serve(sys.argv[1:], pulumi_zarr.__version__)


if __name__ == "__main__":
    main()
