"""Run Pulumi programs without the engine: ``set_mocks`` plus a real provider host.

Every registration of a dynamic resource is forwarded to the SDK's provider host with the
engine's call sequence (Check → Create; Check → Diff → Update / replace; Read for imports),
and a small state keeps ids, inputs and outputs between runs, so a test can play ``up``,
a changed ``up``, ``refresh`` and ``destroy`` of a real program against a real service.
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .engine import PROVIDER_KEY, ProviderHost, _strip_secrets

DYNAMIC_PREFIX = "pulumi-python:dynamic"


class DeploymentError(Exception):
    """A step of the deployment failed (check failures, or a provider error)."""


@dataclass
class StateEntry:
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


class _ForwardingMocks(pulumi.runtime.Mocks):
    def __init__(self, deployment: Deployment, host: ProviderHost) -> None:
        self.deployment = deployment
        self.host = host

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.typ.startswith(DYNAMIC_PREFIX):
            return f"{args.name}-id", args.inputs
        news = {k: v for k, v in _strip_secrets(args.inputs).items() if k != PROVIDER_KEY}
        entry = self.deployment._register(self.host, args.typ, args.name, news, args.resource_id)
        return entry.id, entry.outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list | None]:
        return {}, None


class Deployment:
    """A stack of one program, deployed through the provider host; state kept in memory."""

    def __init__(self, program: Path | str, *, project: str, stack: str = "dev") -> None:
        path = Path(program)
        self.main = path / "__main__.py" if path.is_dir() else path
        self.project = project
        self.stack = stack
        self.state: dict[str, StateEntry] = {}
        self.config: dict[str, str] = {}
        self._seen: set[str] = set()

    def __enter__(self) -> Deployment:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def _host(self) -> ProviderHost:
        host = ProviderHost(project=self.project).__enter__()
        try:
            host.configure(self.config)
        except BaseException:
            host.close()
            raise
        return host

    # -- one registration ------------------------------------------------------------------
    def _check(self, host: ProviderHost, name: str, olds: dict, news: dict) -> dict[str, Any]:
        inputs, failures = host.check(olds, news, urn=name)
        if failures:
            lines = "\n".join(f"  {prop}: {reason}" for prop, reason in failures)
            raise DeploymentError(f"{name}: invalid inputs:\n{lines}")
        return inputs

    def _register(
        self, host: ProviderHost, typ: str, name: str, news: dict[str, Any], import_id: str
    ) -> StateEntry:
        self._seen.add(name)
        old = self.state.get(name)
        if old is None and import_id:
            _, outs, read_inputs = host.read(import_id, {}, inputs=news, urn=name)
            if not outs:
                raise DeploymentError(f"{name}: there is no collection {import_id} to import")
            old = StateEntry(typ, import_id, read_inputs or {}, outs)
            checked = self._check(host, name, old.inputs, news)
            diff = host.diff(old.id, old.outputs, checked, urn=name)
            if diff.changes != "none":
                raise DeploymentError(
                    f"{name}: importing {import_id} would change it ({diff}); make the program's "
                    "inputs match the collection"
                )
            entry = old
        elif old is None:
            checked = self._check(host, name, {}, news)
            new_id, outs = host.create(checked, urn=name)
            entry = StateEntry(typ, new_id, checked, outs)
        else:
            checked = self._check(host, name, old.inputs, news)
            diff = host.diff(old.id, old.outputs, checked, urn=name)
            if diff.changes == "none":
                entry = StateEntry(typ, old.id, checked, old.outputs)
            elif diff.replaces:  # create-before-delete, as the engine does by default
                new_id, outs = host.create(checked, urn=name)
                host.delete(old.id, old.outputs, urn=name)
                entry = StateEntry(typ, new_id, checked, outs)
            else:
                outs = host.update(old.id, old.outputs, checked, urn=name)
                entry = StateEntry(typ, old.id, checked, outs)
        self.state[name] = entry
        return entry

    # -- operations ------------------------------------------------------------------------
    def up(self, config: dict[str, str]) -> dict[str, Any]:
        """Run the program; create/update/replace what it declares, delete what it dropped.

        Returns the stack's exports, resolved.
        """
        self.config = dict(config)
        self._seen = set()
        host = self._host()
        try:
            exports = self._run_program(host)
            for name in [n for n in self.state if n not in self._seen]:
                host.delete(self.state[name].id, self.state[name].outputs, urn=name)
                del self.state[name]
        finally:
            host.close()
        return exports

    def _run_program(self, host: ProviderHost) -> dict[str, Any]:
        runtime_settings.reset_options(project=self.project, stack=self.stack, preview=False)
        runtime_config.set_all_config(self.config)
        pulumi.runtime.set_mocks(
            _ForwardingMocks(self, host), project=self.project, stack=self.stack, preview=False
        )
        root = runtime_settings.get_root_resource()
        exports: dict[str, Any] = {}

        def program() -> Any:
            runpy.run_path(str(self.main), run_name="__main__")
            return pulumi.Output.from_input(dict(root.outputs)).apply(exports.update)

        runtime_settings.SETTINGS.rpc_manager.clear()
        runtime_settings.SETTINGS.outputs.clear()
        _sync_await(run_pulumi_func(lambda: _sync_await(program().future())))
        return exports

    def refresh(self) -> dict[str, str]:
        """Read every resource; drop the gone ones. Returns what happened to each."""
        report: dict[str, str] = {}
        host = self._host()
        try:
            for name, entry in list(self.state.items()):
                new_id, outs, inputs = host.read(entry.id, entry.outputs, entry.inputs, urn=name)
                if not new_id:
                    del self.state[name]
                    report[name] = "deleted outside Pulumi: dropped from the state"
                    continue
                drift = sorted(k for k in outs if outs.get(k) != entry.outputs.get(k))
                report[name] = f"changed: {', '.join(drift)}" if drift else "unchanged"
                self.state[name] = StateEntry(entry.type, new_id, inputs or entry.inputs, outs)
        finally:
            host.close()
        return report

    def destroy(self) -> None:
        host = self._host()
        try:
            for name, entry in list(self.state.items()):
                host.delete(entry.id, entry.outputs, urn=name)
                del self.state[name]
        finally:
            host.close()
