"""Program tests: an emulator per module; programs run under mocks through the provider host."""

from harness.fixtures import api, buckets, emu, sh_config  # noqa: F401
