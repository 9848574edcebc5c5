"""Faults a simulated router can be told to show, at start or while running.

Attributes are plain values so a test thread can flip them; the counters are
only touched on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Trap


@dataclass
class TrapRule:
    """Answer a command with !trap instead of running it.

    ``path`` is a full command word such as "/ip/hotspot/add" (None: any command).
    ``nth`` limits it to the nth matching call (counted per router, across
    connections, from 1); with ``path`` None that is the nth command overall.
    """

    path: str | None
    message: str
    category: int | None = None
    nth: int | None = None
    drop: bool = False  # close the connection instead of answering (a lost link mid-command)


DROP = Trap("connection dropped by fault injection")


@dataclass
class Faults:
    refuse_login: bool = False
    drop_after: int | None = None  # per connection: answer N sentences, drop on the next
    latency: float = 0.0  # seconds before each command's replies leave (per command)
    slow: dict[str, float] = field(default_factory=dict)  # extra seconds for one command word
    hang: bool = False  # accept and read, never answer
    traps: list[TrapRule] = field(default_factory=list)
    commands_seen: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    # The most commands one connection had unanswered at once: above 1 only when a
    # client pipelines (sends before the earlier answers came) under some latency.
    most_in_flight: int = 0

    def trap_on(self, path: str | None, message: str, category: int | None = None,
                nth: int | None = None, drop: bool = False) -> TrapRule:
        rule = TrapRule(path, message, category, nth, drop)
        self.traps.append(rule)
        return rule

    def clear(self) -> None:
        self.refuse_login = False
        self.drop_after = None
        self.latency = 0.0
        self.slow.clear()
        self.hang = False
        self.traps.clear()

    def delay_for(self, word: str) -> float:
        """How long the replies to ``word`` wait before they leave."""
        if not self.slow:
            return self.latency
        return self.latency + self.slow.get(word.rstrip("/"), 0.0)

    def injected(self, word: str) -> Trap | None:
        """Count this command; return the trap to answer with, if a rule says so."""
        self.commands_seen += 1
        self.calls[word] = self.calls.get(word, 0) + 1
        for rule in list(self.traps):
            if rule.path is None:
                count = self.commands_seen
            elif rule.path.rstrip("/") == word.rstrip("/"):
                count = self.calls[word]
            else:
                continue
            if rule.nth is None or rule.nth == count:
                return DROP if rule.drop else Trap(rule.message, rule.category)
        return None
