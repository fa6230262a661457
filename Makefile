.PHONY: test demo lint perf
test:            ## set up .venv and run lint + the whole test suite
	bash scripts/test.sh
demo:            ## set up .venv and run the quickstart against the local emulator
	bash scripts/demo.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check pulumi_zarr
perf:            ## benchmarks (on demand)
	.venv/bin/python -m pytest tests/perf -s
