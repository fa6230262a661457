"""What the acceptance journey saw at each step, against what the emulator does.

Against the emulator a difference fails at once (the emulator is the reference, so CI proves
the suite); against the service each one is recorded and the run ends with the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Difference:
    step: str
    what: str
    emulator: Any
    service: Any

    def __str__(self) -> str:
        return (
            f"- {self.step}: {self.what}: the emulator gives {self.emulator!r}, "
            f"the service {self.service!r}"
        )


@dataclass
class Journey:
    label: str
    strict: bool
    steps: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failure: str | None = None

    def step(self, name: str) -> str:
        self.steps.append(name)
        return name

    def expect(self, what: str, observed: Any, expected: Any) -> bool:
        """``observed`` should be what the emulator gives (``expected``)."""
        if observed == expected:
            return True
        step = self.steps[-1] if self.steps else "setup"
        if self.strict:
            raise AssertionError(f"{step}: {what}: expected {expected!r}, got {observed!r}")
        self.differences.append(Difference(step, what, expected, observed))
        return False

    def note(self, text: str) -> None:
        """Something seen that is not compared (e.g. the service's own wording)."""
        self.notes.append(f"- {self.steps[-1] if self.steps else 'setup'}: {text}")

    def report(self) -> str:
        lines = [f"acceptance journey against {self.label}: steps {', '.join(self.steps)}"]
        if self.failure:
            lines.append(f"stopped: {self.failure}")
        if self.strict:
            lines.append("the emulator is the reference: every expectation held")
        elif self.differences:
            lines.append(f"where the service differed from the emulator ({len(self.differences)}):")
            lines += map(str, self.differences)
        else:
            lines.append("the service did what the emulator does at every step")
        if self.notes:
            lines += ["seen, not compared:", *self.notes]
        return "\n".join(lines)
