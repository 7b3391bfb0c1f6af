"""Mutation testing of the reference drivers: how many behaviour changes ``dctck certify`` notices.

    python benchmarks/mutation_score.py run [FILE ...]      # mutate and certify (slow), then report
    python benchmarks/mutation_score.py rerun-survivors [FILE ...]
    python benchmarks/mutation_score.py report [FILE ...]

FILE is ``mock``, ``ec2`` or ``_ec2_models`` (default: all three), each a cosmic-ray session
configured in ``benchmarks/mutation/FILE.toml`` whose test command is
``benchmarks/mutation_certify.py`` (``dctck certify`` on the mutated driver). Sessions are kept in
``.mutation/FILE.sqlite``; ``run`` starts them afresh, ``rerun-survivors`` certifies the
survivors of the last run again (after the kit gained checks). ``tox -e mutation`` runs it.

The report prints, per file, the mutants, how many the kit killed, the equivalent ones (counted
out), the survivors, and the score ``killed / (mutants - equivalent)``; then every survivor with
its line and change. Equivalent mutants are those changing only an annotation (never evaluated:
``from __future__ import annotations``) and those listed, each with its reason, in
``benchmarks/mutation/equivalent.toml``, matched by file, operator, and the line before and after.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sqlite3
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "benchmarks" / "mutation"
SESSIONS = ROOT / ".mutation"
FILES = ("mock", "ec2", "_ec2_models")
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

    @property
    def operator_name(self) -> str:
        return self.operator.removeprefix("core/")


def cosmic_ray(*args: str) -> None:
    executable = shutil.which("cosmic-ray") or "cosmic-ray"
    subprocess.run([executable, *args], cwd=ROOT, check=True)


def session(name: str) -> Path:
    return SESSIONS / f"{name}.sqlite"


def run(names: list[str]) -> None:
    SESSIONS.mkdir(exist_ok=True)
    for name in names:
        session(name).unlink(missing_ok=True)
        cosmic_ray("init", str(CONFIGS / f"{name}.toml"), str(session(name)))
        skip_annotations(name)
        cosmic_ray("exec", str(CONFIGS / f"{name}.toml"), str(session(name)))


def skip_annotations(name: str) -> None:
    """Give the mutants that change only an annotation a result (skipped), so exec leaves them."""
    with sqlite3.connect(session(name)) as db:
        rows = db.execute(
            "SELECT job_id, module_path, start_pos_row, start_pos_col FROM mutation_specs"
        ).fetchall()
        spans = {path: annotation_rows(ROOT / path) for path in {row[1] for row in rows}}
        db.executemany(
            "INSERT INTO work_results (worker_outcome, output, job_id) VALUES ('skipped', ?, ?)",
            [
                (ANNOTATION, job)
                for job, path, row, col in rows
                if in_annotation((row, col), spans[path])
            ],
        )


def rerun_survivors(names: list[str]) -> None:
    for name in names:
        with sqlite3.connect(session(name)) as db:
            db.execute("DELETE FROM work_results WHERE lower(test_outcome) = 'survived'")
        cosmic_ray("exec", str(CONFIGS / f"{name}.toml"), str(session(name)))


def mutants(name: str) -> list[Mutant]:
    with sqlite3.connect(session(name)) as db:
        rows = db.execute(
            "SELECT s.job_id, s.module_path, s.operator_name, s.start_pos_row, r.test_outcome,"
            " r.diff FROM mutation_specs s LEFT JOIN work_results r ON r.job_id = s.job_id"
            " ORDER BY s.start_pos_row, s.operator_name"
        ).fetchall()
    found = []
    for job_id, path, operator, row, outcome, diff in rows:
        before, after = _changed_lines(diff or "")
        found.append(Mutant(job_id, path, operator, row, outcome, before, after))
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
        ):
            return entry
    return None


def report(names: list[str]) -> None:
    listed = listed_equivalents()
    rows = []
    survivors: list[tuple[Mutant, str]] = []
    apart: list[tuple[Mutant, str, str]] = []
    for name in names:
        if not session(name).exists():
            print(f"{name}: no session (run it first)")
            continue
        found = mutants(name)
        path = ROOT / found[0].path if found else ROOT
        spans = annotation_rows(path) if found else set()
        with sqlite3.connect(session(name)) as db:
            positions = {
                job: (r, c)
                for job, r, c in db.execute(
                    "SELECT job_id, start_pos_row, start_pos_col FROM mutation_specs"
                )
            }
        killed = equivalent = outside = survived = other = pending = 0  # other: cosmic-ray failed
        for mutant in found:
            entry = (
                {"reason": ANNOTATION}
                if in_annotation(positions[mutant.job_id], spans)
                else equivalence(mutant, listed)
            )
            if entry is not None and entry.get("kind") == "outside the SPI":
                outside += 1
                apart.append((mutant, name, entry["reason"]))
            elif entry is not None:
                equivalent += 1
            elif mutant.outcome is None:
                pending += 1
            elif mutant.outcome.lower() == "killed":
                killed += 1
            elif mutant.outcome.lower() == "survived":
                survived += 1
                survivors.append((mutant, name))
            else:
                other += 1  # incompetent: cosmic-ray could not apply the mutation (not counted)
        counted = killed + survived
        score = killed / counted if counted else 0.0
        rows.append(
            (name, len(found), killed, equivalent, outside, survived, other, pending, score)
        )
    columns = (
        "file",
        "mutants",
        "killed",
        "equiv",
        "not SPI",
        "survived",
        "not run",
        "pending",
        "score",
    )
    print("{:<16}{:>9}{:>8}{:>7}{:>9}{:>10}{:>9}{:>9}{:>8}".format(*columns))
    for name, total, killed, equivalent, outside, survived, other, pending, score in rows:
        print(
            f"{name + '.py':<16}{total:>9}{killed:>8}{equivalent:>7}{outside:>9}{survived:>10}"
            f"{other:>9}{pending:>9}{score:>8.1%}"
        )
    print(
        "score = killed / (killed + survived): equivalent mutants, those outside the SPI and"
        " those cosmic-ray could not apply (not run) are counted out"
    )
    if apart:
        print("\noutside the SPI (no certification can see them):")
        for mutant, name, reason in apart:
            print(f"  {name}.py:{mutant.row} {mutant.operator_name}: {reason}")
    if survivors:
        print("\nsurvivors:")
        for mutant, name in survivors:
            print(
                f"  {name}.py:{mutant.row} {mutant.operator_name}: {mutant.before!r} -> "
                f"{mutant.after!r}"
            )


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
