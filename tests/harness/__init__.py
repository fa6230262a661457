"""Test harness: the Pulumi engine's calls against the SDK's dynamic provider host, and
Pulumi programs run under mocks with dynamic resources forwarded to that host."""
