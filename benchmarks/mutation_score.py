"""Mutation testing of the reference drivers: how many behaviour changes ``dctck certify`` notices.

    python benchmarks/mutation_score.py run [FILE ...]      # mutate and certify (slow), then report
    python benchmarks/mutation_score.py rerun-survivors [FILE ...]
    python benchmarks/mutation_score.py report [FILE ...]

FILE is ``mock``, ``ec2``, ``_ec2_models``, ``_credentials``, ``openstack`` or ``_os_models``
(default: all six), each a cosmic-ray session configured in ``benchmarks/mutation/FILE.toml``
whose test command is ``benchmarks/mutation_certify.py`` (``dctck certify`` on the mutated
driver). Sessions are kept in
``.mutation/FILE.sqlite``; ``run`` starts them afresh, ``rerun-survivors`` certifies the
survivors of the last run again (after the kit gained checks). ``tox -e mutation`` runs it.
Before ``exec``, ``run`` and ``rerun-survivors`` give the mutants not run yet that the report
counts out anyway (below) a skipped result, so only the others are certified.
cosmic-ray writes each mutant into the source file itself: run sessions in a tree nobody edits or
tests meanwhile (a copy: ``git archive HEAD | tar -x -C DIR``).

The report prints, per file, the mutants, how many the kit killed, the ones counted out, the
survivors, and the score ``killed / (killed + survived)``; then every survivor with its line and
change, and the entries of ``equivalent.toml`` that no mutant matches any more (stale after the
code moved). Counted out: mutants changing only an annotation (never evaluated:
``from __future__ import annotations``), mutants cosmic-ray cannot apply, and those listed, each
with its reason, in ``benchmarks/mutation/equivalent.toml``, matched by file, operator, and the
line before and after (and the enclosing function, ``definition``, where the same line occurs
twice). An entry's ``kind`` says why: none, an equivalent mutant (no behaviour a driver user can
see changes); ``SPEC-permitted``, a change after which the driver still keeps every SPEC rule
(its ``spec`` quotes the sentence that permits it); ``outside the SPI``, behaviour SPEC.md does
not define (a constructor, ``repr``, the ``dctck serve`` hooks).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "benchmarks" / "mutation"
SESSIONS = ROOT / ".mutation"
FILES = ("mock", "ec2", "_ec2_models", "_credentials", "openstack", "_os_models")
PERMITTED = "SPEC-permitted"
OUTSIDE = "outside the SPI"
ANNOTATION = "changes an annotation, which is never evaluated (from __future__ import annotations)"


@dataclass(frozen=True)
class Mutant:
    job_id: str
    path: str
    operator: str
    row: int
    outcome: str | None  # killed, survived, incompetent; None: not run
    before: str
    after: str
    definition: str | None = None  # the function or class the mutant is in

    @property
    def operator_name(self) -> str:
        return self.operator.removeprefix("core/")


def cosmic_ray(*args: str) -> None:
    beside = shutil.which("cosmic-ray", path=str(Path(sys.executable).parent))
    executable = beside or shutil.which("cosmic-ray") or "cosmic-ray"
    subprocess.run([executable, *args], cwd=ROOT, check=True)


def session(name: str) -> Path:
    return SESSIONS / f"{name}.sqlite"


def run(names: list[str]) -> None:
    SESSIONS.mkdir(exist_ok=True)
    for name in names:
        session(name).unlink(missing_ok=True)
        cosmic_ray("init", str(CONFIGS / f"{name}.toml"), str(session(name)))
        skipped = skip_counted_out(name)
        print(f"{name}: {skipped} mutants counted out before exec (not certified)", flush=True)
        cosmic_ray("exec", str(CONFIGS / f"{name}.toml"), str(session(name)))


def skip_counted_out(name: str) -> int:
    """Give every mutant not run yet that the report counts out (an annotation, an
    ``equivalent.toml`` entry) a skipped result before ``exec``, so certifying it costs nothing;
    how many were skipped.

    Each mutant is applied in memory (cosmic-ray's own mutator) to get the diff the entries are
    matched on; the result keeps that diff, so the report matches it as for a mutant that ran."""
    from cosmic_ray.mutating import mutate_code  # tox -e mutation installs cosmic-ray
    from cosmic_ray.plugins import get_operator
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    listed = listed_equivalents()
    sources: dict[Path, tuple[str, set[tuple[int, int, int, int]]]] = {}
    skipped = 0
    with use_db(str(session(name)), WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            (spec,) = item.mutations
            path = ROOT / spec.module_path
            if path not in sources:
                sources[path] = (path.read_text(encoding="utf-8"), annotation_rows(path))
            source, spans = sources[path]
            if in_annotation(tuple(spec.start_pos), spans):
                reason, diff = ANNOTATION, None
            else:
                operator = get_operator(spec.operator_name)(**(spec.operator_args or {}))
                try:
                    mutated = mutate_code(source, operator, spec.occurrence)
                except Exception:  # a cosmic-ray operator that fails here fails in exec too
                    continue  # exec records it (not run)
                if mutated is None:
                    continue  # exec records it as not applicable (no test)
                diff = _diff(source, mutated, str(spec.module_path))
                before, after = _changed_lines(diff)
                mutant = Mutant(
                    item.job_id,
                    str(spec.module_path),
                    spec.operator_name,
                    0,
                    None,
                    before,
                    after,
                    spec.definition_name,
                )
                entry = equivalence(mutant, listed)
                if entry is None:
                    continue
                reason = f"{entry.get('kind', 'equivalent')}: {' '.join(entry['reason'].split())}"
            result = WorkResult(
                worker_outcome=WorkerOutcome.SKIPPED, output=f"counted out: {reason}", diff=diff
            )
            db.set_result(item.job_id, result)
            skipped += 1
    return skipped


def _diff(source: str, mutated: str, path: str) -> str:
    """The unified diff of a mutant, as cosmic-ray records it."""
    lines = difflib.unified_diff(
        source.split("\n"), mutated.split("\n"), f"a/{path}", f"b/{path}", lineterm=""
    )
    return "\n".join(["--- mutation diff ---", *lines])


def rerun_survivors(names: list[str]) -> None:
    for name in names:
        with sqlite3.connect(session(name)) as db:
            db.execute("DELETE FROM work_results WHERE lower(test_outcome) = 'survived'")
        skip_counted_out(name)  # survivors equivalent.toml lists since
        cosmic_ray("exec", str(CONFIGS / f"{name}.toml"), str(session(name)))


def mutants(name: str) -> list[Mutant]:
    with sqlite3.connect(session(name)) as db:
        rows = db.execute(
            "SELECT s.job_id, s.module_path, s.operator_name, s.start_pos_row, r.test_outcome,"
            " r.diff, s.definition_name FROM mutation_specs s"
            " LEFT JOIN work_results r ON r.job_id = s.job_id"
            " ORDER BY s.start_pos_row, s.operator_name"
        ).fetchall()
    found = []
    for job_id, path, operator, row, outcome, diff, definition in rows:
        before, after = _changed_lines(diff or "")
        found.append(Mutant(job_id, path, operator, row, outcome, before, after, definition))
    return found


def _changed_lines(diff: str) -> tuple[str, str]:
    removed = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    return " / ".join(removed), " / ".join(added)


def annotation_rows(path: Path) -> set[tuple[int, int, int, int]]:
    """The source spans of every annotation of a module: mutating them changes nothing."""
    spans = set()
    for node in ast.walk(ast.parse(path.read_text())):
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations.append(node.returns)
            arguments = node.args
            annotations += [
                a.annotation
                for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            ]
            annotations += [a.annotation for a in (arguments.vararg, arguments.kwarg) if a]
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for annotation in annotations:
            if annotation is not None:
                spans.add(
                    (
                        annotation.lineno,
                        annotation.col_offset,
                        annotation.end_lineno or annotation.lineno,
                        annotation.end_col_offset or 0,
                    )
                )
    return spans


def in_annotation(position: tuple[int, int], spans: set[tuple[int, int, int, int]]) -> bool:
    row, col = position
    return any(
        (start_row, start_col) <= (row, col) <= (end_row, end_col)
        for start_row, start_col, end_row, end_col in spans
    )


def listed_equivalents() -> list[dict[str, str]]:
    path = CONFIGS / "equivalent.toml"
    if not path.exists():
        return []
    return list(tomllib.loads(path.read_text()).get("equivalent", []))


def equivalence(mutant: Mutant, listed: list[dict[str, str]]) -> dict[str, str] | None:
    """The entry of ``equivalent.toml`` that lists ``mutant``, if any."""
    for entry in listed:
        if (
            mutant.path.endswith(entry["file"])
            and mutant.operator_name == entry["operator"]
            and mutant.before == entry["before"]
            and mutant.after == entry["after"]
            and entry.get("definition", mutant.definition) == mutant.definition
        ):
            return entry
    return None


@dataclass
class Tally:
    """One file's mutants by what became of them."""

    name: str
    mutants: int = 0
    killed: int = 0
    equivalent: int = 0
    permitted: int = 0
    outside: int = 0
    survived: int = 0
    not_run: int = 0  # cosmic-ray could not apply the mutation (incompetent)
    pending: int = 0

    @property
    def score(self) -> float:
        counted = self.killed + self.survived
        return self.killed / counted if counted else 0.0


def tally(
    name: str, listed: list[dict[str, str]], used: dict[int, list[Mutant]]
) -> tuple[Tally, list[Mutant]]:
    """Count a session's mutants; the survivors; ``used`` gains the mutants each entry matched."""
    found = mutants(name)
    spans = annotation_rows(ROOT / found[0].path) if found else set()
    with sqlite3.connect(session(name)) as db:
        positions = {
            job: (r, c)
            for job, r, c in db.execute(
                "SELECT job_id, start_pos_row, start_pos_col FROM mutation_specs"
            )
        }
    counts, survivors = Tally(name, mutants=len(found)), []
    for mutant in found:
        entry = None
        if not in_annotation(positions[mutant.job_id], spans):
            entry = equivalence(mutant, listed)
            if entry is not None:
                used.setdefault(id(entry), []).append(mutant)
        kind = None if entry is None else entry.get("kind")
        if in_annotation(positions[mutant.job_id], spans) or (entry and kind is None):
            counts.equivalent += 1
        elif kind == PERMITTED:
            counts.permitted += 1
        elif kind == OUTSIDE:
            counts.outside += 1
        elif mutant.outcome is None:
            counts.pending += 1
        elif mutant.outcome.lower() == "killed":
            counts.killed += 1
        elif mutant.outcome.lower() == "survived":
            counts.survived += 1
            survivors.append(mutant)
        else:
            counts.not_run += 1
    return counts, survivors


def report(names: list[str]) -> None:
    listed = listed_equivalents()
    used: dict[int, list[Mutant]] = {}
    rows: list[Tally] = []
    survivors: list[tuple[Mutant, str]] = []
    for name in names:
        if not session(name).exists():
            print(f"{name}: no session (run it first)")
            continue
        counts, left = tally(name, listed, used)
        rows.append(counts)
        survivors += [(mutant, name) for mutant in left]
    columns = ("file", "mutants", "killed", "equiv", "SPEC ok", "not SPI", "survived", "not run")
    print(
        "{:<17}{:>8}{:>8}{:>7}{:>9}{:>9}{:>10}{:>9}{:>9}{:>8}".format(*columns, "pending", "score")
    )
    for t in rows:
        print(
            f"{t.name + '.py':<17}{t.mutants:>8}{t.killed:>8}{t.equivalent:>7}{t.permitted:>9}"
            f"{t.outside:>9}{t.survived:>10}{t.not_run:>9}{t.pending:>9}{t.score:>8.1%}"
        )
    print(
        "score = killed / (killed + survived). Counted out: equivalent mutants (annotations and"
        " equivalent.toml), SPEC-permitted changes, behaviour outside the SPI, and mutants"
        " cosmic-ray could not apply (not run)"
    )
    if survivors:
        print("\nsurvivors:")
        for mutant, name in survivors:
            print(
                f"  {name}.py:{mutant.row} {mutant.operator_name}: {mutant.before!r} -> "
                f"{mutant.after!r}"
            )
    counted_out = [(e, m) for e in listed for m in used.get(id(e), [])]
    if counted_out:
        print("\ncounted out by equivalent.toml:")
        for entry, mutant in sorted(counted_out, key=lambda pair: (pair[1].path, pair[1].row)):
            reason = " ".join(entry["reason"].split())
            print(
                f"  {Path(mutant.path).name}:{mutant.row} {mutant.operator_name}"
                f" [{entry.get('kind', 'equivalent')}]: {reason}"
            )
    files = {f"reference_drivers/{name}.py" for name in (t.name for t in rows)}
    stale = [e for e in listed if e["file"] in files and id(e) not in used]
    if stale:
        print("\nentries of equivalent.toml that match no mutant (stale: re-key or remove them):")
        for entry in stale:
            print(f"  {entry['file']} {entry['operator']}: {entry['before']!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("run", "rerun-survivors", "report"))
    parser.add_argument("files", nargs="*", help=f"some of {', '.join(FILES)} (default: all)")
    args = parser.parse_args()
    names = args.files or list(FILES)
    unknown = [name for name in names if name not in FILES]
    if unknown:
        parser.error(f"unknown file {unknown[0]!r} (expected {', '.join(FILES)})")
    if args.command == "run":
        run(names)
    elif args.command == "rerun-survivors":
        rerun_survivors(names)
    report(names)


if __name__ == "__main__":
    main()
