"""Print-run manifests (``build/<lang>/<doc>.manifest.json``) and ``invoke verify``.

A print build records what made each PDF: the git commit (and whether the
inputs had uncommitted changes), the sha256 of the PDF and of every input
(content file, images, catalogue, templates, stylesheets, fonts, output
profile, configuration), the pressroom and WeasyPrint versions, the PDF variant
and output intent, the page count and the translation figures. A printer or an
auditor can tell exactly which sources a printed copy came from.

``verify`` checks the claim: it exports the recorded commit with ``git archive``
into a temporary folder, builds the same document and language there with that
commit's own ``tasks.py`` (and its ``src/`` when the project carries pressroom's
code), and compares the sha256 of the new PDF with the manifest's. When they
differ, it names the inputs whose hashes differ between the two manifests.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__
from .config import PSEUDO_LANGUAGES, Project
from .errors import PressroomError
from .fsutil import atomic_write_bytes
from .fsutil import sha256_file as _sha256

SCHEMA = 1
_KINDS = {".html": "templates", ".css": "stylesheets", ".ttf": "fonts", ".otf": "fonts",
          ".woff": "fonts", ".woff2": "fonts"}


class VerifyFailed(PressroomError):
    pass


def manifest_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.name[: -len(".pdf")] + ".manifest.json")


def _git(root: Path, *args: str) -> str | None:
    try:
        run = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                             timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 else None


def _shared_inputs(project: Project) -> dict[str, dict[str, str]]:
    """The inputs every PDF of the project shares: layouts, images, output profile."""
    from .printmarks import cmyk_profile

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


@functools.lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    out = {"pressroom": __version__, "python": platform.python_version()}
    for name in ("weasyprint", "pydyf", "babel", "jinja2", "fonttools"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    pango = _pango_version()  # the system's text shaper: another Pango can move a line break
    if pango:
        out["pango"] = pango
    return out


def _pango_version() -> str | None:
    """Pango's version, read from the shared library WeasyPrint loads (with ctypes:
    importing WeasyPrint would cost a no-op build half a second)."""
    import ctypes
    import ctypes.util

    names = ["libpango-1.0.so.0", "libpango-1.0-0.dll", "libpango-1.0.dylib"]
    for name in (*names, "find"):
        if name == "find":  # slower (it may run ldconfig): only when the usual names fail
            name = ctypes.util.find_library("pango-1.0")
            if not name:
                break
        try:
            number = ctypes.CDLL(name).pango_version()
        except (OSError, AttributeError):
            continue
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return None


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
    from .stats import compute

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
                                    project.locales_dir, project.root / "pyproject.toml",
                                    project.root / "src") if p.exists()]
        status = _git(project.root, "status", "--porcelain", "--", *watched) or ""
        dirty = sorted(line[3:] for line in status.splitlines() if line.strip())
    return commit, dirty


def build_manifest(project: Project, doc: str, lang: str, pdf: Path, pages: int, *,
                   shared: dict | None = None, git: tuple | None = None) -> dict:
    from .printmarks import cmyk_profile

    inputs = _inputs(project, doc, lang, shared or _shared_inputs(project))
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
        "versions": _versions(),
        "configuration_sha256": hashlib.sha256(config).hexdigest(),
        "inputs": inputs,
        "translation": _translation(project, doc, lang),
    }


class ManifestWriter:
    """Writes the manifest of each print PDF as soon as it is built; what the PDFs
    share (git state, layouts, images, output profile) is read once, on first use."""

    def __init__(self, project: Project, allow_incomplete: bool = False):
        self.project = project
        self.allow_incomplete = allow_incomplete
        self._shared: dict | None = None
        self._git: tuple | None = None

    def write(self, doc: str, lang: str, pdf: Path, pages: int) -> Path:
        if self._shared is None:
            self._shared, self._git = _shared_inputs(self.project), _git_state(self.project)
        path = manifest_path(pdf)
        data = build_manifest(self.project, doc, lang, pdf, pages, shared=self._shared,
                              git=self._git)
        from .gate import print_run  # --allow-incomplete, and the strings printed in English

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
    path = manifest_path(project.pdf_path(lang, doc))
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
                                  prefix or "."], capture_output=True, timeout=300)
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


def verify(project: Project, langs: list[str], docs: list[str], say=print) -> list[Verified]:
    """Rebuild each manifest's PDF from its commit; raise VerifyFailed on a difference."""
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
                rebuilt = _rebuild(root, doc, lang, shown)
                fresh = json.loads(manifest_path(rebuilt).read_text(encoding="utf-8"))
            want, got = recorded["pdf"]["sha256"], fresh["pdf"]["sha256"]
            if want != got:
                raise VerifyFailed(_difference(recorded, fresh, commit), shown)
            say(f"{recorded['pdf']['path']}: verified; rebuilt from commit {commit[:12]}, "
                f"same PDF (sha256 {got[:16]}…, {fresh['pdf']['pages']} pages)")
            out.append(Verified(doc, lang, commit, got))
    return out


def _rebuild(root: Path, doc: str, lang: str, shown: str) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOKE_")}
    if (root / "src" / "pressroom").is_dir():  # the commit's own pressroom
        env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), env.get("PYTHONPATH", "")])
    try:
        run = subprocess.run([sys.executable, "-m", "invoke", "build", "--lang", lang, "--doc",
                              doc, "--no-preflight", "--allow-incomplete", "--force", "-j", "1"],
                             cwd=root, env=env, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as exc:
        raise VerifyFailed(f"the rebuild could not run: {exc}", shown) from None
    pdf = root / "build" / lang / f"{doc}.pdf"
    if run.returncode != 0 or not pdf.exists():
        last = (run.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise VerifyFailed(f"the rebuild from the recorded commit failed: {last}", shown)
    return pdf


def _difference(recorded: dict, fresh: dict, commit: str) -> str:
    changed = []
    for kind in sorted(set(recorded.get("inputs", {})) | set(fresh.get("inputs", {}))):
        old, new = recorded["inputs"].get(kind, {}), fresh["inputs"].get(kind, {})
        changed += [name for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]
    versions = [f"{name} {recorded['versions'].get(name)} → {fresh['versions'].get(name)}"
                for name in sorted(set(recorded.get("versions", {})) | set(fresh["versions"]))
                if recorded["versions"].get(name) != fresh["versions"].get(name)]
    why = (f"inputs that differ: {', '.join(changed[:8])}" if changed else
           f"versions that differ: {', '.join(versions)}" if versions else
           "same inputs and versions in both manifests: the PDF or its manifest was changed "
           "after the build, or the render is not reproducible here")
    return (f"NOT verified: rebuilt from commit {commit[:12]}, the PDF differs "
            f"(sha256 {recorded['pdf']['sha256'][:16]}… recorded, "
            f"{fresh['pdf']['sha256'][:16]}… rebuilt); {why}")
