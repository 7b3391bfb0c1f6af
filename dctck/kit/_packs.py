"""Suite packs: the conformance checks, found through the ``dctck.suites`` entry points.

A pack is a folder of ``suite_*.py`` modules whose checks carry the marker of one of the pack's
areas (``pytestmark = area("quota")``). dctck's own suites are a pack like any other, registered
by the package that ships them; a provider adds its checks by installing a package with an entry
point in the same group, and ``--dctck-areas`` selects among every pack's areas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

__all__ = ["SUITES_GROUP", "SuitePack", "installed_packs", "select_areas"]

#: The entry-point group a pack registers under; the object is a :class:`SuitePack`.
SUITES_GROUP = "dctck.suites"

_BUNDLED = "dctck"


@dataclass(frozen=True)
class SuitePack:
    """A pack of checks: the ``suite_*.py`` modules of ``directory``, in ``areas``.

    ``rest_areas`` are areas whose checks judge the REST front: their modules
    (``suite_<area>.py``) are collected only with ``--dctck-via-rest``.
    """

    name: str
    directory: Path
    areas: tuple[str, ...]
    rest_areas: tuple[str, ...] = field(default=())

    def collects(self, path: Path, via_rest: bool) -> bool:
        """Whether ``path`` is one of this pack's suite modules, in this kind of run."""
        if path.parent != Path(self.directory) or path.suffix != ".py":
            return False
        if not path.name.startswith("suite_"):
            return False
        return via_rest or path.stem.removeprefix("suite_") not in self.rest_areas


def installed_packs() -> list[SuitePack]:
    """Every installed pack, dctck's own first; ``ValueError`` naming a broken one, or two
    packs that declare the same area."""
    found = sorted(entry_points(group=SUITES_GROUP), key=lambda e: (e.name != _BUNDLED, e.name))
    packs = [_load(entry) for entry in found]
    owner: dict[str, str] = {}
    for pack in packs:
        for area in (*pack.areas, *pack.rest_areas):
            if area in owner:
                raise ValueError(
                    f"suite packs {owner[area]!r} and {pack.name!r} both declare area {area!r}"
                )
            owner[area] = pack.name
    return packs


def _load(entry: EntryPoint) -> SuitePack:
    where = f"suite pack {entry.name!r} ({entry.value}, entry point group {SUITES_GROUP})"
    try:
        pack = entry.load()
    except Exception as exc:  # a third party's import may fail in any way
        raise ValueError(f"{where} cannot be loaded: {exc!r:.200}") from None
    if not isinstance(pack, SuitePack):
        raise ValueError(f"{where} is not a dctck.kit.SuitePack: {pack!r:.100}")
    if not Path(pack.directory).is_dir():
        raise ValueError(f"{where}: no directory {str(pack.directory)!r}")
    for area in (*pack.areas, *pack.rest_areas):
        if not (isinstance(area, str) and area.isidentifier()):
            raise ValueError(f"{where}: area {area!r} is not a name a marker can have")
    return pack


def select_areas(packs: Iterable[SuitePack], text: str | None, via_rest: bool) -> list[str]:
    """The areas a run covers, in pack order: those ``text`` names (``"models,quota"``), or all;
    ``ValueError`` for a name no pack declares."""
    packs = list(packs)
    known = [a for p in packs for a in (*p.areas, *(p.rest_areas if via_rest else ()))]
    if text is None:
        return known
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    every = [a for p in packs for a in (*p.areas, *p.rest_areas)]
    unknown = [name for name in wanted if name not in every]
    if unknown or not wanted:
        raise ValueError(
            f"unknown area {', '.join(map(repr, unknown)) or '(none given)'}"
            f" (installed: {', '.join(every)})"
        )
    return [area for area in known if area in wanted]
