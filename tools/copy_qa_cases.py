#!/usr/bin/env python3
"""Copies OpenQuake's QA cases that the native engine is measured against (inputs and
expected outputs) from the reference engine's wheel into tests/data/qa/, so a fresh clone
runs them without Python. usage: tools/copy_qa_cases.py [PYTHON_OF_THE_REFERENCE_ENGINE]

A case's `expected-files.txt` (ours, kept across copies) names the expected files of its
job.ini where `expected/` also holds the outputs of other jobs (case_28, case_51)."""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = {
    "classical": "01 03 04 12 24 25 26 28 30 36 43 44 48 51 60 69 77 83 87".split(),
}


def main():
    python = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".venv-openquake/bin/python")
    qa = pathlib.Path(subprocess.check_output(
        [python, "-c", "import openquake.qa_tests_data as q, os; print(os.path.dirname(q.__file__))"],
        text=True).strip())
    for mode, numbers in CASES.items():
        for number in numbers:
            source = qa / mode / f"case_{number}"
            dest = ROOT / "tests/data/qa" / mode / f"case_{number}"
            listed = dest / "expected-files.txt"
            keep = listed.read_text() if listed.exists() else None
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "__init__.py", "*.pyc"))
            if keep is not None:
                listed.write_text(keep)
            print(f"copied {mode}/case_{number}")


if __name__ == "__main__":
    main()
