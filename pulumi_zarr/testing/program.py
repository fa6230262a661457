"""Run Pulumi programs under mocks, with dynamic resources forwarded to a real provider host.

``pulumi.runtime.set_mocks`` replaces the engine's resource monitor; :class:`EngineMocks`
forwards every registration of a dynamic resource to a
:class:`~pulumi_zarr.testing.engine.ProviderHost` and keeps a :class:`StackState` between runs,
so one test can play ``up``, ``import``, ``Resource.get``, :func:`refresh` and :func:`destroy`.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime import rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from ..errors import no_collection
from .engine import PROVIDER_KEY, Diff, ProviderError, ProviderHost, strip_secrets

DYNAMIC_PREFIX = "pulumi-python:dynamic"


class DeploymentError(Exception):
    """A step failed the way ``pulumi up`` would report it (check failures, import mismatch,
    or a provider error, kept as ``__cause__``)."""


@dataclass
class ResourceState:
    name: str
    type: str
    id: str
    inputs: dict[str, Any]  # checked inputs, incl. __provider
    outputs: dict[str, Any]  # incl. __provider


@dataclass
class StackState:
    """What ``Pulumi.<stack>.json`` would hold, plus a log of the engine's steps."""

    resources: dict[str, ResourceState] = field(default_factory=dict)
    #: (step, resource name) for every run: create, update, same, replace, delete, import, read
    log: list[tuple[str, str]] = field(default_factory=list)
    #: steps of the last run only
    last: list[tuple[str, str]] = field(default_factory=list)
    #: every ProviderError met (tests check them for leaked secrets)
    errors: list[BaseException] = field(default_factory=list)
    project: str | None = None

    def step(self, kind: str, name: str) -> None:
        self.log.append((kind, name))
        self.last.append((kind, name))

    def ids(self) -> dict[str, str]:
        return {name: r.id for name, r in self.resources.items()}


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


def _project_file(program: Path) -> dict[str, Any]:
    yaml_file = program.parent / "Pulumi.yaml"
    if not yaml_file.exists():
        return {}
    import yaml

    return yaml.safe_load(yaml_file.read_text()) or {}


def project_of(program: Path) -> str | None:
    """``name:`` from the program's Pulumi.yaml, if there is one."""
    return _project_file(program).get("name")


def project_config_defaults(program: Path, project: str) -> dict[str, Any]:
    """The ``config:`` values of Pulumi.yaml, which apply when the stack does not set them."""
    defaults: dict[str, Any] = {}
    for key, spec in (_project_file(program).get("config") or {}).items():
        value = spec.get("value", spec.get("default")) if isinstance(spec, dict) else spec
        if value is not None:
            name = key if ":" in key else f"{project}:{key}"
            defaults[name] = value if isinstance(value, str) else json.dumps(value)
    return defaults


class _FullConfig(NamedTuple):
    config: dict[str, Any]  #: keyed ``ns:key``, values possibly wrapped as secrets
    secret_keys: list[str]


def _full_config(config: dict[str, Any], project: str) -> _FullConfig:
    """The config keyed ``ns:key`` and its secret keys."""
    full: dict[str, Any] = {}
    secret_keys = []
    for key, value in config.items():
        name = key if ":" in key else f"{project}:{key}"
        if rpc.is_rpc_secret(value):
            secret_keys.append(name)
        full[name] = value
    return _FullConfig(full, secret_keys)


class EngineMocks(pulumi.runtime.Mocks):
    """Mocks that play the engine: dynamic resources (type ``pulumi-python:dynamic…``) go to
    the provider host, making the engine's calls; :class:`StackState` (name → id, inputs,
    outputs) is kept between runs:

    * ``up`` of a new program: Check → Create per resource;
    * ``up`` again: Check → Diff → nothing (DIFF_NONE) / Update / replacement (Create new,
      Delete old at the end of the run, as the engine does with create-before-delete; delete
      first when the provider asks ``delete_before_replace``); resources the program no longer
      declares are deleted;
    * ``import_``: Read(id) with no inputs and no state, as the real engine sends it; the
      dynamic host cannot find its provider then and fails (`KeyError: '__provider'`), as with
      the real CLI (tests/e2e/test_import.py);
    * ``Resource.get``: Read(id, {}, inputs) only (not managed, never deleted);
    * :func:`refresh`: Read(id, outputs, inputs) for each; gone ones are dropped;
    * :func:`destroy`: Delete for every resource in the state.

    Resource options (``protect``, ``ignore_changes``…) are the engine's: they are not played
    here; tests/e2e/test_resource_options.py shows them through the real CLI.

    Config keys are ``namespace:key``; a key without namespace gets the project's (from the
    program's ``Pulumi.yaml``). Every key reaches both the program (``pulumi.Config``) and the
    host's ``Configure``. Values wrapped with :func:`pulumi_zarr.testing.engine.secret` are
    secret.
    """

    def __init__(self, state: StackState, host: ProviderHost) -> None:
        self.state = state
        self.host = host
        self.seen: list[str] = []
        self.pending_deletes: list[ResourceState] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list | None]:
        return {}, None

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.typ.startswith(DYNAMIC_PREFIX):
            return f"{args.name}_id", args.inputs
        try:
            entry = self._register(args)
        except BaseException as exc:
            with self._lock:
                self.errors.append(exc)
                self.state.errors.append(exc)
            raise
        outs = dict(entry.outputs)
        outs[PROVIDER_KEY] = rpc.wrap_rpc_secret(outs.get(PROVIDER_KEY))
        return entry.id, outs

    # -- the engine's steps for one registration ---------------------------------------------
    def _check(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        inputs, failures = self.host.check(olds, news, urn=name)
        if failures:
            lines = "\n".join(f"  {prop}: {reason}" for prop, reason in failures)
            raise DeploymentError(f"{name}: check failed:\n{lines}")
        inputs[PROVIDER_KEY] = news[PROVIDER_KEY]
        return inputs

    def _with_provider(self, outs: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        return {**outs, PROVIDER_KEY: news[PROVIDER_KEY]}

    def _register(self, args: pulumi.runtime.MockResourceArgs) -> ResourceState:
        name, typ = args.name, args.typ
        # the engine stores secrets; a host that does not accept them gets plain values
        news = dict(args.inputs)
        news[PROVIDER_KEY] = strip_secrets(news[PROVIDER_KEY])
        host = self.host

        if args.custom is None:  # Resource.get → ReadResource: read only, not managed
            new_id, outs, _ = host.read(args.resource_id or "", {}, inputs=news, urn=name)
            if not new_id:
                raise DeploymentError(f"{name}: {no_collection(args.resource_id or '')}")
            with self._lock:
                self.state.step("read", name)
            return ResourceState(name, typ, new_id, news, self._with_provider(outs, news))

        with self._lock:
            self.seen.append(name)
            old = self.state.resources.get(name)

        if old is None and args.resource_id:  # import_: the engine's ImportStep
            host.read(args.resource_id, {}, urn=name)  # the dynamic host raises here
            raise DeploymentError(f"{name}: the provider host imported {args.resource_id}")
        if old is None:
            checked = self._check(name, {}, news)
            new_id, outs = host.create(checked, urn=name)
            entry = ResourceState(name, typ, new_id, checked, self._with_provider(outs, news))
            step = "create"
        else:
            checked = self._check(name, old.inputs, news)
            diff = host.diff(old.id, old.outputs, checked, urn=name)
            step = self._kind(diff, old, checked)
            if step == "same":
                entry = ResourceState(name, typ, old.id, checked, old.outputs)
            elif step == "replace":
                if diff.delete_before_replace:
                    host.delete(old.id, old.outputs, urn=name)
                    with self._lock:
                        self.state.resources.pop(name, None)
                else:
                    with self._lock:
                        self.pending_deletes.append(old)
                new_id, outs = host.create(checked, urn=name)
                entry = ResourceState(name, typ, new_id, checked, self._with_provider(outs, news))
            else:
                outs = host.update(old.id, old.outputs, checked, urn=name, old_inputs=old.inputs)
                entry = ResourceState(name, typ, old.id, checked, self._with_provider(outs, news))
        with self._lock:
            self.state.resources[name] = entry
            self.state.step(step, name)
        return entry

    @staticmethod
    def _kind(diff: Diff, old: ResourceState, checked: dict[str, Any]) -> str:
        if diff.changes == "none":
            return "same"
        if diff.replaces:
            return "replace"
        if diff.changes == "unknown":  # the engine falls back to comparing the inputs
            return "same" if _plain(old.inputs) == _plain(checked) else "update"
        return "update"


# -- running programs ---------------------------------------------------------------------------
@contextlib.contextmanager
def _program_context(program_dir: Path) -> Iterator[None]:
    """cwd and sys.path as the Python language host sets them for a program."""
    cwd = os.getcwd()
    sys.path.insert(0, str(program_dir))
    os.chdir(program_dir)
    try:
        yield
    finally:
        os.chdir(cwd)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(program_dir))


def reset_runtime() -> None:
    """Forget mocks, root stack and config (set_mocks is process-global)."""
    runtime_settings.reset_options(project="project", stack="stack")
    runtime_config.set_all_config({}, [])


def _quiet_expected_failures(loop: Any, context: dict[str, Any]) -> None:
    """Output futures of a resource whose registration failed are never awaited; asyncio
    would log each one at garbage collection. The failure is raised to the test anyway."""
    if isinstance(context.get("exception"), (DeploymentError, ProviderError)):
        return
    loop.default_exception_handler(context)


def _resolve_main(program: Path | str) -> Path:
    path = Path(program).resolve()
    return path / "__main__.py" if path.is_dir() else path


def _start_host(project: str, config: dict[str, Any]) -> ProviderHost:
    host = ProviderHost(provider="", project=project)
    host.start()
    try:
        host.configure(config)
    except BaseException:
        host.close()
        raise
    return host


def run_program(
    program: Path | str,
    config: dict[str, Any],
    state: StackState,
    *,
    project: str | None = None,
    stack: str = "test",
) -> dict[str, Any]:
    """``pulumi up`` of ``program`` (a directory with ``__main__.py``, or the file) under
    mocks, dynamic resources deployed through a fresh provider host. Returns the stack's
    exports, resolved. Raises :class:`DeploymentError` / ``ProviderError`` like ``up`` fails.
    """
    main = _resolve_main(program)
    project = project or state.project or project_of(main) or "project"
    state.project = project
    state.last = []
    full, secret_keys = _full_config(config, project)
    full = {**project_config_defaults(main, project), **full}

    host = _start_host(project, full)
    mocks = EngineMocks(state, host)
    exports: dict[str, Any] = {}
    try:
        reset_runtime()
        _ensure_event_loop().set_exception_handler(_quiet_expected_failures)
        runtime_settings.reset_options(
            project=project, stack=stack, preview=False, root_directory=str(main.parent)
        )
        runtime_config.set_all_config(
            {k: str(rpc.unwrap_rpc_secret(v)) for k, v in full.items()}, secret_keys
        )
        pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False)
        root = runtime_settings.get_root_resource()
        assert root is not None

        async def _resolve() -> None:
            for key, value in dict(root.outputs).items():
                exports[key] = await pulumi.Output.from_input(value).future()

        def _body() -> Any:
            with _program_context(main.parent):
                runpy.run_path(str(main), run_name="__main__")
            return _resolve()

        runtime_settings.SETTINGS.rpc_manager.clear()
        runtime_settings.SETTINGS.outputs.clear()
        try:
            _sync_await(run_pulumi_func(lambda: _sync_await(_body())))
        except BaseException as exc:
            if mocks.errors:
                first = mocks.errors[0]
                if first is not exc:
                    raise first from exc
            raise
        if mocks.errors:
            raise mocks.errors[0]

        # resources the program no longer declares, then replaced ones: deleted at the end
        removed = [r for n, r in state.resources.items() if n not in mocks.seen]
        for entry in [*reversed(removed), *mocks.pending_deletes]:
            _delete(host, state, entry)
            if state.resources.get(entry.name) is entry:
                del state.resources[entry.name]
    finally:
        host.close()
        reset_runtime()
    return exports


def _delete(host: ProviderHost, state: StackState, entry: ResourceState) -> None:
    try:
        host.delete(entry.id, entry.outputs, urn=entry.name)
    except BaseException as exc:
        state.errors.append(exc)
        raise
    state.step("delete", entry.name)


def destroy(
    state: StackState,
    config: dict[str, Any],
) -> None:
    """``pulumi destroy``: Delete every resource in the state (newest first)."""
    project = state.project or "project"
    full, _ = _full_config(config, project)
    state.last = []
    host = _start_host(project, full)
    try:
        for name in reversed(list(state.resources)):
            _delete(host, state, state.resources[name])
            del state.resources[name]
    finally:
        host.close()


def refresh(
    state: StackState,
    config: dict[str, Any],
) -> dict[str, list[str]]:
    """``pulumi refresh``: Read each resource; returns name → changed output keys
    (``["<gone>"]`` for a dropped one)."""
    project = state.project or "project"
    full, _ = _full_config(config, project)
    state.last = []
    report: dict[str, list[str]] = {}
    host = _start_host(project, full)
    try:
        for name, entry in list(state.resources.items()):
            new_id, outs, inputs = host.read(entry.id, entry.outputs, entry.inputs, urn=name)
            if not new_id:
                del state.resources[name]
                report[name] = ["<gone>"]
                state.step("drop", name)
                continue
            outs = {**outs, PROVIDER_KEY: entry.outputs[PROVIDER_KEY]}
            report[name] = sorted(k for k in outs if outs[k] != entry.outputs.get(k))
            new_inputs = (
                {**inputs, PROVIDER_KEY: entry.inputs[PROVIDER_KEY]} if inputs else entry.inputs
            )
            state.resources[name] = ResourceState(name, entry.type, new_id, new_inputs, outs)
            state.step("refresh", name)
    finally:
        host.close()
    return report
