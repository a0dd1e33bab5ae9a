"""What a push did, per entity: the figures the operator, the DAG and the bench print."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EntityReport:
    upserts_queued: int = 0
    deletes_queued: int = 0
    upserts_sent: int = 0
    deletes_sent: int = 0
    accepted: int = 0
    rejected: int = 0
    held: int = 0
    released: int = 0
    batches: int = 0
    retries: int = 0
    renumbered: int = 0


@dataclass
class PushReport:
    entities: dict[str, EntityReport] = field(default_factory=dict)
    recovered_batches: int = 0
    window_open: bool | None = None  # None: not asked (nothing was waiting for the window)
    seconds: float = 0.0

    def __getitem__(self, entity: str) -> EntityReport:
        return self.entities.setdefault(entity, EntityReport())

    @property
    def batches(self) -> int:
        return sum(e.batches for e in self.entities.values())

    @property
    def retries(self) -> int:
        return sum(e.retries for e in self.entities.values())

    @property
    def renumbered_batches(self) -> int:
        return sum(e.renumbered for e in self.entities.values())

    @property
    def sent(self) -> int:
        return sum(e.upserts_sent + e.deletes_sent for e in self.entities.values())

    def summary(self) -> str:
        """Counts only: no key or record content (they carry personal data)."""
        parts = [
            f"{name}: {e.upserts_sent} upserts and {e.deletes_sent} deletes sent in {e.batches} "
            f"batches, {e.accepted} accepted, {e.rejected} rejected, {e.held} held, "
            f"{e.retries} retries"
            for name, e in self.entities.items()
            if e.batches or e.upserts_queued or e.deletes_queued or e.released
        ]
        return "; ".join(parts) or "nothing to send"
