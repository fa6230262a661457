"""The resource core both surfaces share: the spec of inputs and outputs, the lifecycle of a
collection (create, read, update, delete, waiting for ingestion), and the calls that put them
in the engine's order. It touches Pulumi only through :func:`.unknown.is_unknown`."""
