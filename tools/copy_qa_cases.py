#!/usr/bin/env python3
"""Copies OpenQuake's QA cases that the native engine is measured against (inputs and
expected outputs) from the reference engine's wheel into tests/data/qa/, so a fresh clone
runs them without Python. usage: tools/copy_qa_cases.py [PYTHON_OF_THE_REFERENCE_ENGINE]

Files of ours in a case's directory stay: `expected-files.txt` names the expected files of its
job.ini where `expected/` also holds the outputs of other jobs (case_28, case_51), some
cases hold the reference's own exports of their job.ini (`expected-3.26/`, or added files in
`expected/`), and `sitecol-3.26.txt` the columns of the reference's site collection
(tools/reference_sitecols.py)."""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = {
    "classical": "01 02 03 04 12 13 18 23 24 25 26 28 30 32 33 36 42 43 44 48 51 53 60 63 64 69 77 78 83 87".split(),
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
            # copied over what is there: our own files (expected-files.txt, the reference's
            # exports in expected-3.26/, ...) stay
            shutil.copytree(source, dest, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "__init__.py", "*.pyc"))
            print(f"copied {mode}/case_{number}")


if __name__ == "__main__":
    main()
