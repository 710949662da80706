"""Union-find with cannot-link constraints: clusters that never hold a forbidden pair.

Plain union-find merges through any chain: if A matches B and B matches C, A and C end up
together even when A and C are two volumes of a set.  Here every union of two clusters is
checked first: no pair across them may be forbidden (an operator's ``forbid``, a veto), and
the caller's ``joinable`` may refuse it for other reasons (a cluster may not grow through a
chain of weak links).  Refused unions are counted by reason, for the run's report.

The operators' forced pairs are joined first and beat vetoes; their forbidden pairs beat
everything, forced pairs included (the conflict is reported).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

#: ``joinable(left_members, right_members)``: None to allow the union, else the reason to refuse it.
Joinable = Callable[[Sequence[int], Sequence[int]], "str | None"]


@dataclass
class Clustering:
    """Clusters of record ids (source record ids); each id starts alone.

    At a million records most are alone: a record alone has no entry in ``parent`` (it is its
    own root) and none stored in ``members``, which gives it as a cluster of one all the same."""

    records: set[int] = field(default_factory=set)
    parent: dict[int, int] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=lambda: _Members())
    forbidden: dict[int, set[int]] = field(default_factory=dict)
    refused: Counter = field(default_factory=Counter)
    conflicts: list[tuple[int, int]] = field(default_factory=list)

    def add(self, record_id: int) -> None:
        self.records.add(record_id)

    def find(self, record_id: int) -> int:
        parent = self.parent
        root = record_id
        while root in parent:
            root = parent[root]
        while record_id != root:  # path compression
            parent[record_id], record_id = root, parent[record_id]
        return root

    def forbid(self, a: int, b: int) -> None:
        """``a`` and ``b`` may never share a cluster."""
        self.forbidden.setdefault(a, set()).add(b)
        self.forbidden.setdefault(b, set()).add(a)

    def has_forbidden_pair(self, left: Sequence[int], right: Sequence[int]) -> bool:
        small, other = (left, right) if len(left) <= len(right) else (right, left)
        other_set = set(other)
        return any(self.forbidden.get(x, set()) & other_set for x in small)

    def union(self, a: int, b: int, joinable: Joinable | None = None) -> bool:
        """Join the clusters of ``a`` and ``b`` unless that puts a forbidden pair together or
        ``joinable`` refuses; True when they share a cluster afterwards."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        left, right = self.members[root_a], self.members[root_b]
        if self.forbidden and self.has_forbidden_pair(left, right):
            self.refused["cannot-link"] += 1
            return False
        reason = joinable(left, right) if joinable is not None else None
        if reason is not None:
            self.refused[reason] += 1
            return False
        if len(left) < len(right):
            root_a, root_b, left, right = root_b, root_a, right, left
        self.parent[root_b] = root_a
        self.members[root_a] = left + right
        self.members.pop(root_b, None)
        return True

    def clusters(self) -> list[list[int]]:
        """Every cluster's members, sorted, clusters by their smallest member."""
        alone = [[record_id] for record_id in self.records
                 if record_id not in self.parent and record_id not in self.members]
        return sorted(alone + self.groups())

    def groups(self) -> list[list[int]]:
        """The clusters of two or more, as :meth:`clusters` gives them."""
        return sorted(sorted(members) for members in self.members.values())


class _Members(dict[int, list[int]]):
    """Members by root; a root with none stored is a record alone."""

    def __missing__(self, root: int) -> list[int]:
        return [root]


def cluster(record_ids: Iterable[int], matches: Iterable[tuple[int, int]],
            forced: Iterable[tuple[int, int]] = (), forbidden: Iterable[tuple[int, int]] = (),
            joinable: Joinable | None = None) -> Clustering:
    """Clusters of ``record_ids``: forced pairs joined first, then ``matches`` in the order given
    (strongest first), never against a forbidden pair."""
    clustering = Clustering(set(record_ids))
    for a, b in forbidden:
        clustering.add(a)
        clustering.add(b)
        clustering.forbid(a, b)
    for a, b in forced:
        clustering.add(a)
        clustering.add(b)
        if not clustering.union(a, b):
            clustering.conflicts.append((a, b))
    for a, b in matches:
        clustering.union(a, b, joinable)
    return clustering
