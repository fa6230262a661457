"""Engine-protocol tests: an emulator and a configured provider host per module."""

from harness.fixtures import api, buckets, emu, host, sh_config  # noqa: F401
