"""The CrossGuard policy pack for ZarrCollections: `pulumi preview --policy-pack policies`.

The rules are pulumi_zarr.crossguard's; this file registers them with pulumi_policy. The stack
rules guard the stacks whose names match their `stacks` patterns (default `prod*`), set with
`--policy-pack-config` (README: Policy pack).
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from pulumi_zarr import crossguard


def _check_preflight(args: ResourceValidationArgs, report: ReportViolation) -> None:
    patterns = crossguard.stack_patterns(args.get_config())
    message = crossguard.preflight_violation(args.resource_type, args.props, args.urn, patterns)
    if message:
        report(message, args.urn)


def _check_wait(args: ResourceValidationArgs, report: ReportViolation) -> None:
    patterns = crossguard.stack_patterns(args.get_config())
    message = crossguard.wait_violation(args.resource_type, args.props, args.urn, patterns)
    if message:
        report(message, args.urn)


def _check_protect(args: ResourceValidationArgs, report: ReportViolation) -> None:
    patterns = crossguard.stack_patterns(args.get_config())
    message = crossguard.protect_violation(
        args.resource_type, args.opts.protect, args.urn, patterns
    )
    if message:
        report(message, args.urn)


def _check_unique(args: StackValidationArgs, report: ReportViolation) -> None:
    placed = []
    for resource in args.resources:
        try:
            found = crossguard.place(resource.resource_type, resource.props, resource.urn)
        except UnknownValueError:  # bucket or path not known in this preview
            continue
        if found:
            placed.append(found)
    for urn, message in crossguard.duplicate_violations(placed):
        report(message, urn)


_stacks = PolicyConfigSchema(properties=crossguard.STACKS_SCHEMA)

PolicyPack(
    name="zarr-guard",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="zarr-preflight-error",
            description="On guarded stacks a ZarrCollection checks its Zarr group at preview "
            "(preflight 'error').",
            validate=_check_preflight,
            config_schema=_stacks,
        ),
        ResourceValidationPolicy(
            name="zarr-wait-for-ingestion",
            description="On guarded stacks a ZarrCollection waits for its ingestion.",
            validate=_check_wait,
            config_schema=_stacks,
        ),
        ResourceValidationPolicy(
            name="zarr-protected",
            description="On guarded stacks a ZarrCollection is protected.",
            validate=_check_protect,
            config_schema=_stacks,
        ),
        StackValidationPolicy(
            name="zarr-unique-store",
            description="No two ZarrCollections of one stack ingest the same bucket and path.",
            validate=_check_unique,
        ),
    ],
)
