"""Print-run manifests (``build/<lang>/<doc>.manifest.json``) and ``invoke verify``.

A print build records what made each PDF: the git commit (and whether the
inputs had uncommitted changes), the sha256 of the PDF and of every input
(content file, images, catalogue, templates, stylesheets, fonts, output
profile, configuration), the environment (:mod:`pressroom.render.environment`: the
versions of pressroom, Python, the rendering libraries, CLDR, Pango, HarfBuzz
and fontconfig, the sha256 of pressroom's own code, the system fonts the
layouts fall back to), the PDF variant and output intent, the page count and
the translation figures. A printer or an auditor can tell exactly which sources
a printed copy came from.

``verify`` checks the claim: it exports the recorded commit with ``git archive``
into a temporary folder, builds the same document and language there with that
commit's own ``tasks.py`` (and its ``src/`` when the project carries pressroom's
code), and compares the sha256 of the new PDF with the manifest's. When they
differ, it names, one line each, the inputs and the parts of the environment
that differ between the two manifests, and each library version that differs
from the commit's ``uv.lock`` (with what to do: ``uv sync --locked``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pressroom.errors import PressroomError
from pressroom.fsutil import atomic_write_bytes
from pressroom.fsutil import sha256_file_cached as _sha256
from pressroom.model.config import PSEUDO_LANGUAGES, Project
from pressroom.render import environment

SCHEMA = 2  # 2: the environment (more versions, pressroom's code, system fonts)
_KINDS = {".html": "templates", ".css": "stylesheets", ".ttf": "fonts", ".otf": "fonts",
          ".woff": "fonts", ".woff2": "fonts"}


class VerifyFailed(PressroomError):
    pass



def _git(root: Path, *args: str) -> str | None:
    try:
        run = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                             timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 else None


def _shared_inputs(project: Project) -> dict[str, dict[str, str]]:
    """The inputs every PDF of the project shares: layouts, images, output profile."""
    from pressroom.render.printmarks import cmyk_profile

    groups: dict[str, dict[str, str]] = {"images": {}, "templates": {}, "stylesheets": {},
                                         "fonts": {}, "other layout files": {},
                                         "output profile": {}}
    for path in project.asset_files():
        groups["images"][project.rel(path)] = _sha256(path)
    for path in sorted(p for p in project.layouts_dir.rglob("*") if p.is_file()):
        kind = _KINDS.get(path.suffix.lower(), "other layout files")
        groups[kind][project.rel(path)] = _sha256(path)
    profile = cmyk_profile(project)
    groups["output profile"][str(profile) if project.rel(profile) == profile.as_posix()
                             else project.rel(profile)] = _sha256(profile)
    return groups


def _inputs(project: Project, doc: str, lang: str,
            shared: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    groups = {"content": {project.rel(project.content_path(doc)):
                          _sha256(project.content_path(doc))}, "catalogues": {}}
    po = project.po_path(lang)
    if lang not in PSEUDO_LANGUAGES and po.exists():
        groups["catalogues"][project.rel(po)] = _sha256(po)
    groups.update(shared)
    order = ("content", "images", "catalogues", "templates", "stylesheets", "fonts",
             "other layout files", "output profile")
    return {kind: groups[kind] for kind in order if groups.get(kind)}


def _icc_description(path: Path) -> str:
    """The profile's description (its 'desc' tag), as printers name profiles."""
    data = path.read_bytes()
    try:
        count = int.from_bytes(data[128:132], "big")
        for i in range(count):
            entry = data[132 + 12 * i: 144 + 12 * i]
            if entry[:4] == b"desc":
                offset, size = int.from_bytes(entry[4:8], "big"), int.from_bytes(entry[8:12], "big")
                tag = data[offset: offset + size]
                if tag[:4] == b"desc":
                    length = int.from_bytes(tag[8:12], "big")
                    return tag[12: 12 + length].rstrip(b"\0").decode("latin-1")
                if tag[:4] == b"mluc":
                    first_len = int.from_bytes(tag[20:24], "big")
                    first_off = int.from_bytes(tag[24:28], "big")
                    return tag[first_off: first_off + first_len].decode("utf-16-be")
    except (ValueError, IndexError):
        pass
    return path.name


def _translation(project: Project, doc: str, lang: str) -> dict | None:
    if lang == project.source_language or lang in PSEUDO_LANGUAGES:
        return None
    from pressroom.messages.stats import compute

    rows = {row.part: row for row in compute(project, [lang])}
    out = {}
    for part in (doc, "layouts"):
        if part in rows:
            row = rows[part]
            out[part] = {"messages": row.messages, "translated": row.translated,
                         "fuzzy": row.fuzzy, "untranslated": row.untranslated}
    return out


def _git_state(project: Project) -> tuple[str | None, list[str]]:
    """The commit, and the inputs (or pressroom's own code) changed since it."""
    commit = (_git(project.root, "rev-parse", "HEAD") or "").strip() or None
    dirty: list[str] = []
    if commit:
        watched = [str(p) for p in (project.content_dir, project.layouts_dir,
                                    project.locales_dir, project.pyproject_path,
                                    project.root / "src") if p.exists()]
        status = _git(project.root, "status", "--porcelain", "--", *watched) or ""
        dirty = sorted(line[3:] for line in status.splitlines() if line.strip())
    return commit, dirty


def build_manifest(project: Project, doc: str, lang: str, pdf: Path, pages: int, *,
                   shared: dict | None = None, git: tuple | None = None,
                   env: dict | None = None) -> dict:
    from pressroom.render.printmarks import cmyk_profile

    inputs = _inputs(project, doc, lang, shared or _shared_inputs(project))
    env = env or environment.describe(project)
    commit, dirty = git or _git_state(project)
    profile = cmyk_profile(project)
    config = json.dumps(project.options, sort_keys=True, default=str).encode("utf-8")
    return {
        "schema": SCHEMA,
        "document": doc,
        "language": lang,
        "pdf": {"path": project.rel(pdf), "sha256": _sha256(pdf), "bytes": pdf.stat().st_size,
                "pages": pages, "variant": "PDF/X-4",
                "output_intent": {"profile": _icc_description(profile),
                                  "sha256": _sha256(profile)}},
        "git": {"commit": commit, "uncommitted_changes": dirty},
        "versions": env["versions"],
        "pressroom_source": env["pressroom_source"],
        "system_fonts": env["system_fonts"],
        "configuration_sha256": hashlib.sha256(config).hexdigest(),
        "inputs": inputs,
        "translation": _translation(project, doc, lang),
    }


class ManifestWriter:
    """Writes the manifest of each print PDF as soon as it is built; what the PDFs
    share (git state, layouts, images, output profile, environment) is read once,
    on first use."""

    def __init__(self, project: Project, allow_incomplete: bool = False):
        self.project = project
        self.allow_incomplete = allow_incomplete
        self._shared: dict | None = None
        self._git: tuple | None = None
        self._env: dict | None = None

    def write(self, doc: str, lang: str, pdf: Path, pages: int) -> Path:
        if self._shared is None:
            self._shared, self._git = _shared_inputs(self.project), _git_state(self.project)
            self._env = environment.describe(self.project)
        path = Project.manifest_path(pdf)
        data = build_manifest(self.project, doc, lang, pdf, pages, shared=self._shared,
                              git=self._git, env=self._env)
        from pressroom.qa.gate import (
            print_run,  # --allow-incomplete, and the strings printed in English
        )

        data["print_run"] = print_run(self.project, doc, lang, self.allow_incomplete)
        atomic_write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
        return path


# --------------------------------------------------------------------------- verify
@dataclass
class Verified:
    doc: str
    lang: str
    commit: str
    sha256: str


def _load(project: Project, doc: str, lang: str) -> tuple[Path, dict]:
    path = Project.manifest_path(project.pdf_path(lang, doc))
    shown = project.rel(path)
    try:
        return path, json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VerifyFailed("no manifest: run `invoke build` (print profile) first", shown) from None
    except ValueError as exc:
        raise VerifyFailed(f"unreadable manifest: {exc}", shown) from None


def _export(project: Project, commit: str, dest: Path) -> Path:
    """The project's tracked files as they were at ``commit``, under ``dest``;
    returns the project root there."""
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise VerifyFailed(f"'{commit}' is not a git commit id")
    top = (_git(project.root, "rev-parse", "--show-toplevel") or "").strip()
    if not top:
        raise VerifyFailed("the project is not in a git checkout (or git is not installed)")
    prefix = (_git(project.root, "rev-parse", "--show-prefix") or "").strip()
    try:
        archive = subprocess.run(["git", "-C", top, "archive", "--format=tar", commit, "--",
                                  prefix or "."], capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise VerifyFailed(f"git archive failed: {exc}") from None
    if archive.returncode != 0:
        raise VerifyFailed(f"git cannot export commit {commit[:12]}: "
                           f"{archive.stderr.decode(errors='replace').strip()}")
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: refuses links out, /, ..
                tar.extractall(dest, filter="data")
            else:
                for member in tar.getmembers():
                    name = Path(member.name)
                    if member.issym() or member.islnk() or name.is_absolute() \
                            or ".." in name.parts:
                        raise tarfile.TarError(f"unsafe entry {member.name}")
                tar.extractall(dest)
    except (tarfile.TarError, OSError) as exc:
        raise VerifyFailed(f"cannot unpack commit {commit[:12]}: {exc}") from None
    return dest / prefix


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def verify(project: Project, langs: list[str], docs: list[str], say=print,
           warn=_warn) -> list[Verified]:
    """Rebuild each manifest's PDF from its commit; raise VerifyFailed on a difference,
    after calling ``warn`` with one line (``<manifest>: …``) per difference found."""
    out = []
    for lang in langs:
        for doc in docs:
            path, recorded = _load(project, doc, lang)
            shown = project.rel(path)
            commit = (recorded.get("git") or {}).get("commit")
            if not commit or not isinstance(commit, str):
                raise VerifyFailed("the PDF was not built in a git checkout: nothing to rebuild "
                                   "from", shown)
            dirty = recorded["git"].get("uncommitted_changes") or []
            if dirty:
                raise VerifyFailed(
                    f"the PDF was built from uncommitted changes ({', '.join(dirty[:5])}"
                    f"{', …' if len(dirty) > 5 else ''}): commit them and build again", shown)
            with tempfile.TemporaryDirectory(prefix="pressroom-verify-") as tmp:
                root = _export(project, commit, Path(tmp))
                lock = _lock(project, commit)
                own_code = (root / "src" / "pressroom").is_dir()
                try:
                    rebuilt = _rebuild(root, doc, lang, shown)
                except VerifyFailed:  # what differs here may be why
                    current = dict(environment.describe(project))
                    current.pop("pressroom_source")  # not the code the rebuild ran
                    for line in environment_differences(recorded, current, lock):
                        warn(f"{shown}: {line}")
                    raise
                fresh = json.loads(Project.manifest_path(rebuilt).read_text(encoding="utf-8"))
            want, got = recorded["pdf"]["sha256"], fresh["pdf"]["sha256"]
            if want != got:
                here = environment.describe(project)  # what an older commit's code omits
                fresh["versions"] = {**here["versions"], **_table(fresh.get("versions"))}
                fresh.setdefault("system_fonts", here["system_fonts"])
                lines = _input_differences(recorded, fresh) + environment_differences(
                    recorded, fresh, lock,
                    source="the commit's src/" if own_code else "the installed pressroom")
                for line in lines:
                    warn(f"{shown}: {line}")
                raise VerifyFailed(_difference(recorded, fresh, commit, len(lines)), shown)
            say(f"{recorded['pdf']['path']}: verified; rebuilt from commit {commit[:12]}, "
                f"same PDF (sha256 {got[:16]}…, {fresh['pdf']['pages']} pages)")
            out.append(Verified(doc, lang, commit, got))
    return out


def _lock(project: Project, commit: str) -> dict[str, list[str]] | None:
    """The package versions of the commit's ``uv.lock`` (beside the project, else at
    the top of the repository); None when the commit has none or it is unreadable."""
    for spec in (f"{commit}:./uv.lock", f"{commit}:uv.lock"):
        text = _git(project.root, "show", spec)
        if text is not None:
            try:
                return environment.locked_versions(text)
            except ValueError:
                return None
    return None


def _rebuild(root: Path, doc: str, lang: str, shown: str) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    if (root / "src" / "pressroom").is_dir():  # the commit's own pressroom
        env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), env.get("PYTHONPATH", "")])
    try:
        run = subprocess.run([sys.executable, "-m", "invoke", "build", "--lang", lang, "--doc",
                              doc, "--no-preflight", "--allow-incomplete", "--force", "-j", "1"],
                             cwd=root, env=env, capture_output=True, text=True, timeout=1800,
                             check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise VerifyFailed(f"the rebuild could not run: {exc}", shown) from None
    pdf = Project(root=root).pdf_path(lang, doc)
    if run.returncode != 0 or not pdf.exists():
        last = (run.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise VerifyFailed(f"the rebuild from the recorded commit failed: {last}", shown)
    return pdf


def _short(digest) -> str:
    return f"{digest[:12]}…" if isinstance(digest, str) else "none"


def _input_differences(recorded: dict, fresh: dict) -> list[str]:
    lines = []
    old_inputs, new_inputs = _table(recorded.get("inputs")), _table(fresh.get("inputs"))
    for kind in sorted(set(old_inputs) | set(new_inputs)):
        old, new = _table(old_inputs.get(kind)), _table(new_inputs.get(kind))
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                what = ("not in the rebuild" if name not in new else
                        "not recorded" if name not in old else
                        f"sha256 {_short(old[name])} recorded, {_short(new[name])} rebuilt")
                lines.append(f"{kind}: {name}: {what}")
    return lines


def _unlocked_difference(name: str, old: str | None, new: str | None) -> str | None:
    """pressroom itself, or a library uv.lock does not pin: only a change is reported."""
    why = ("pressroom's own version" if name == "pressroom" else
           f"{environment.NOT_LOCKED[name]}, not pinned by uv.lock")
    if old != new:
        return f"{name} {old or 'not'} recorded, {new or 'none'} here ({why})"
    return None


def _version_difference(name: str, old: str | None, new: str | None,
                        lock: dict[str, list[str]] | None) -> str | None:
    """One library's recorded and installed versions, against ``uv.lock``'s pins."""
    if name == "pressroom" or name in environment.NOT_LOCKED:
        return _unlocked_difference(name, old, new)
    locked = (lock or {}).get(name)
    if not locked:
        if old == new:
            return None
        where = "no uv.lock" if lock is None else "not in uv.lock"
        return f"{name} {old or 'not'} recorded, {new or 'not'} installed ({where})"
    pinned = " or ".join(locked)
    if new not in locked:
        state = (f"{name} {old} recorded and installed" if old == new else
                 f"{name} {old or 'not'} recorded, {new or 'not'} installed")
        return f"{state} (uv.lock: {pinned}): run `uv sync --locked`"
    if old != new:
        return (f"{name} {old or 'not'} recorded, {new} installed (uv.lock: {pinned}): "
                "the PDF was built outside the locked environment")
    return None


def _source_difference(recorded: dict, current: dict, source: str) -> list[str]:
    """pressroom's own code, by the digest of its source files."""
    old_src = _table(recorded.get("pressroom_source"))
    new_src = _table(current.get("pressroom_source"))
    if old_src and new_src and old_src.get("sha256") != new_src.get("sha256"):
        return [(f"pressroom's code: sha256 {_short(old_src.get('sha256'))} recorded "
                 f"({old_src.get('files')} files), {_short(new_src.get('sha256'))} in "
                 f"{source} ({new_src.get('files')} files)")]
    return []


def _font_differences(recorded: dict, current: dict) -> list[str]:
    """System fonts used for each family, by file and digest."""
    old_f, new_f = recorded.get("system_fonts"), current.get("system_fonts")
    if not (isinstance(old_f, dict) and isinstance(new_f, dict)):
        return []
    lines = []
    for family in sorted(set(old_f) | set(new_f)):
        a, b = _table(old_f.get(family)), _table(new_f.get(family))
        if a != b:
            lines.append(f"system font for '{family}': {a.get('file', 'none')} (sha256 "
                         f"{_short(a.get('sha256'))}) recorded, {b.get('file', 'none')} "
                         f"(sha256 {_short(b.get('sha256'))}) here")
    return lines


def environment_differences(recorded: dict, current: dict,
                            lock: dict[str, list[str]] | None,
                            source: str = "the rebuild") -> list[str]:
    """One line per difference between the environment a manifest recorded and
    ``current`` (another manifest, or :func:`environment.describe`): library
    versions (against ``uv.lock`` too), pressroom's code, system fonts."""
    lines = []
    old_v, new_v = _table(recorded.get("versions")), _table(current.get("versions"))
    for name in dict.fromkeys([*old_v, *new_v]):
        line = _version_difference(name, old_v.get(name), new_v.get(name), lock)
        if line is not None:
            lines.append(line)
    return (lines + _source_difference(recorded, current, source)
            + _font_differences(recorded, current))


def _table(value) -> dict:
    """A manifest's table, or {} when a hand-edited manifest holds something else."""
    return value if isinstance(value, dict) else {}


def _difference(recorded: dict, fresh: dict, commit: str, count: int) -> str:
    why = (f"{count} difference(s), listed above" if count else
           "same inputs and environment in both manifests: the PDF or its manifest was "
           "changed after the build, or the render is not reproducible here")
    return (f"NOT verified: rebuilt from commit {commit[:12]}, the PDF differs "
            f"(sha256 {recorded['pdf']['sha256'][:16]}… recorded, "
            f"{fresh['pdf']['sha256'][:16]}… rebuilt); {why}")
