"""What would break if we upgraded? Run the tests against the newest releases.

    python3 tools/upgrade_check.py            # newest releases pyproject.toml allows
    python3 tools/upgrade_check.py --lowest   # the lower bounds of pyproject.toml
    python3 tools/upgrade_check.py -- -x -k catalogs   # arguments after -- go to pytest

It copies the project (the files git tracks, as they are in the work tree) into
a temporary folder, re-resolves the lock there (`uv lock --upgrade`, or
`--resolution lowest-direct`), installs it in a throwaway environment, runs
the tests and prints which packages changed and what failed. Nothing in the
project is touched: an upgrade stays a decision (edit the ranges or run
`uv lock --upgrade-package NAME`, run the tests, regenerate goldens on purpose,
commit the lock). Not part of CI: it needs the newest releases from the registry.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UV = [sys.executable, "-m", "uv"]


def locked_versions(lock: Path) -> dict[str, str]:
    data = tomllib.loads(lock.read_text(encoding="utf-8"))
    return {p["name"]: p.get("version", "?") for p in data.get("package", [])}


def copy_project(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lowest", action="store_true",
                        help="resolve the lower bounds of the direct dependencies instead")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    options = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="pressroom-upgrade-"))
    try:
        copy_project(work)
        before = locked_versions(ROOT / "uv.lock")
        resolve = ["--resolution", "lowest-direct"] if options.lowest else ["--upgrade"]
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        if subprocess.run([*UV, "lock", *resolve], cwd=work, env=env).returncode:
            print("no set of releases satisfies the ranges (see above)")
            return 1
        after = locked_versions(work / "uv.lock")
        changed = sorted(n for n in before.keys() | after.keys()
                         if before.get(n) != after.get(n) and n != "pressroom")
        print(f"\n{'lowest' if options.lowest else 'newest'} releases: "
              f"{len(changed)} package(s) differ from uv.lock")
        for name in changed:
            print(f"  {name:24} {before.get(name, '-'):>12} -> {after.get(name, '-')}")
        # --frozen: install the lock just made as it is (its resolution mode differs
        # from the project's, which --locked would call out of date)
        install = subprocess.run([*UV, "sync", "--frozen", "--quiet"], cwd=work, env=env)
        if install.returncode:
            print("the resolved set does not install (see above): the ranges are wrong")
            return install.returncode
        run = subprocess.run([str(work / ".venv/bin/python"), "-m", "pytest", "-q", "-rfE",
                              "-p", "no:cacheprovider", *options.pytest_args], cwd=work,
                             capture_output=True, text=True)
        lines = run.stdout.strip().splitlines()
        failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
        if run.returncode and not failed:  # stopped before any test: show why
            failed = lines[-40:] + run.stderr.strip().splitlines()[-20:]
        print("\n".join(failed) if failed else "no test failed")
        summary = [line for line in lines if " passed" in line or " failed" in line]
        print(summary[-1] if summary else "")
        return run.returncode
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
