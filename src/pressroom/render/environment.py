"""What a PDF depends on besides the project's own files: pressroom's code, the
rendering libraries and their versions, the system's text stack and fonts.

- :func:`source` is the sha256 of the files of the installed ``pressroom``
  package (an edit anywhere in the code that renders can change a PDF);
- :func:`versions` names the versions of the Python libraries that make the
  HTML or the PDF (:data:`RENDERING_LIBRARIES`), Babel's CLDR data, Python, and
  the system libraries WeasyPrint loads (Pango, HarfBuzz, fontconfig), read
  with ctypes: importing WeasyPrint would cost a no-op build half a second;
- :func:`system_fonts` resolves, with fontconfig, the font families the
  layouts' CSS names without an ``@font-face`` (``serif``, ``sans-serif``,
  ``local()`` sources) to the system's font files, hashed by content (the
  bundled fonts under ``layouts/`` are hashed with the layouts).

Each is computed once per process (a library does not change under a running
process, and its code is already imported); :func:`fingerprint` folds them into
the build fingerprint (:mod:`pressroom.production.builder`) and the manifest records them
(:mod:`pressroom.production.manifest`). :func:`locked_versions` reads ``uv.lock`` for
``verify``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import hashlib
import json
import platform
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pressroom import __version__
from pressroom.diskcache import package_digest, pressroom_digest
from pressroom.fsutil import sha256_file_cached
from pressroom.model.config import Project

# The Python libraries whose version can change the bytes of a PDF: WeasyPrint and
# what it renders with (pydyf writes the PDF, tinyhtml5 parses the HTML, tinycss2
# and cssselect2 read and match the CSS, Pyphen hyphenates, fontTools reads and
# subsets the fonts, Pillow decodes and re-encodes images), and what makes the
# HTML (Babel formats numbers and dates from its CLDR data, Jinja2 and
# MarkupSafe fill the templates, markdown-it-py reads the inline markup).
RENDERING_LIBRARIES = ("weasyprint", "pydyf", "tinyhtml5", "tinycss2", "cssselect2",
                       "pyphen", "fonttools", "pillow", "babel", "jinja2", "markupsafe",
                       "markdown-it-py")
# Versions that uv.lock does not pin: the interpreter, data shipped inside a
# library, and the system's shared libraries.
NOT_LOCKED = {"python": "the interpreter", "cldr": "comes with babel",
              "pango": "system library", "harfbuzz": "system library",
              "fontconfig": "system library"}
# CSS generic families, resolved by fontconfig to a system font.
_INITIAL_FAMILY = "serif"  # WeasyPrint's initial font-family
_NOT_FAMILIES = {"inherit", "initial", "unset", "revert", "revert-layer", "none"}


# --------------------------------------------------------------------------- source
@functools.cache
def source(package: Path | None = None) -> dict:
    """The sha256 of pressroom's own code: every file of the installed package
    (its relative path and its bytes; not bytecode, hidden or backup files), with
    the number of files."""
    sha, count = package_digest(Path(package)) if package else pressroom_digest()
    return {"sha256": sha, "files": count}


# --------------------------------------------------------------------------- versions
def _shared_library(names: tuple[str, ...], short: str):
    """The system library WeasyPrint loads, by its usual file names, then by
    ctypes' search (slower: it may run ldconfig); None when absent."""
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    found = ctypes.util.find_library(short)
    if found:
        try:
            return ctypes.CDLL(found)
        except OSError:
            pass
    return None


def pango_version() -> str | None:
    """Pango's version, read from the shared library WeasyPrint loads (another
    Pango can move a line break)."""
    return _packed_version(_shared_library(
        ("libpango-1.0.so.0", "libpango-1.0-0.dll", "libpango-1.0.dylib"), "pango-1.0"),
        "pango_version")


def _packed_version(lib, function: str) -> str | None:
    """A version a C library reports as one integer, major * 10000 + minor * 100 + micro."""
    try:
        number = getattr(lib, function)() if lib else None
    except AttributeError:
        return None
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}" if number else None


def harfbuzz_version() -> str | None:
    """HarfBuzz shapes the text (with Pango) and subsets the embedded fonts."""
    lib = _shared_library(("libharfbuzz.so.0", "libharfbuzz-0.dll", "libharfbuzz.0.dylib"),
                          "harfbuzz")
    try:
        if lib is None:
            return None
        lib.hb_version_string.restype = ctypes.c_char_p
        return lib.hb_version_string().decode("ascii")
    except (AttributeError, UnicodeDecodeError):
        return None


def _fontconfig():
    return _shared_library(("libfontconfig.so.1", "libfontconfig-1.dll",
                            "libfontconfig.1.dylib"), "fontconfig")


def fontconfig_version() -> str | None:
    """fontconfig chooses the system fonts (generic families, missing glyphs)."""
    return _packed_version(_fontconfig(), "FcGetVersion")


def cldr_version() -> str | None:
    try:
        from babel.core import get_cldr_version
        return str(get_cldr_version())
    except Exception:  # an older Babel without it, or no data
        return None


@functools.lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """pressroom, Python, the rendering libraries, CLDR and the system libraries;
    a library that is not installed is left out."""
    out = {"pressroom": __version__, "python": platform.python_version()}
    for name in RENDERING_LIBRARIES:
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    for name, read in (("cldr", cldr_version), ("pango", pango_version),
                       ("harfbuzz", harfbuzz_version), ("fontconfig", fontconfig_version)):
        found = read()
        if found:
            out[name] = found
    return out


# --------------------------------------------------------------------------- system fonts
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_FAMILY_DECL = re.compile(r"(?:^|[;{\s])(?:font-family|--font[\w-]*)\s*:\s*([^;}]+)",
                          re.IGNORECASE)
_LOCAL = re.compile(r"local\(\s*['\"]?([^'\")]+?)['\"]?\s*\)", re.IGNORECASE)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def font_families(css_texts: list[str]) -> tuple[str, ...]:
    """The families the CSS asks the system for: those named in ``font-family``
    (or ``--font-…`` custom properties) that no ``@font-face`` defines, the
    ``local()`` sources of the ``@font-face`` rules, and WeasyPrint's initial
    ``serif``; sorted."""
    defined, wanted = set(), {_INITIAL_FAMILY}
    for text in css_texts:
        css = _COMMENT.sub("", text)
        for face in _FONT_FACE.findall(css):
            for value in _FAMILY_DECL.findall(";" + face):
                defined.update(_split_families(value))
            wanted.update(name.strip() for name in _LOCAL.findall(face))
        for value in _FAMILY_DECL.findall(_FONT_FACE.sub("", css)):
            wanted.update(_split_families(value))
    return tuple(sorted(name for name in wanted if name and name not in defined))


def _split_families(value: str) -> list[str]:
    out = []
    for part in value.replace("!important", "").split(","):
        name = part.strip().strip("'\"").strip()
        if name and "(" not in name and name.lower() not in _NOT_FAMILIES:
            out.append(name)
    return out


@functools.cache
def resolve_fonts(families: tuple[str, ...]) -> dict[str, str]:
    """Each family -> the font file fontconfig chooses for it ({} without fontconfig)."""
    lib = _fontconfig()
    if lib is None:
        return {}
    try:
        lib.FcNameParse.restype = ctypes.c_void_p
        lib.FcNameParse.argtypes = [ctypes.c_char_p]
        lib.FcConfigSubstitute.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
        lib.FcDefaultSubstitute.argtypes = [ctypes.c_void_p]
        lib.FcFontMatch.restype = ctypes.c_void_p
        lib.FcFontMatch.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                    ctypes.POINTER(ctypes.c_int)]
        lib.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                           ctypes.POINTER(ctypes.c_char_p)]
        lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    except AttributeError:
        return {}
    out = {}
    for family in families:
        # FcNameParse reads '-' and ':' as separators: escape them
        pattern = lib.FcNameParse(re.sub(r"([-:\\,])", r"\\\1", family).encode("utf-8"))
        if not pattern:
            continue
        lib.FcConfigSubstitute(None, pattern, 0)  # 0: FcMatchPattern
        lib.FcDefaultSubstitute(pattern)
        result = ctypes.c_int()
        match = lib.FcFontMatch(None, pattern, ctypes.byref(result))
        lib.FcPatternDestroy(pattern)
        if not match:
            continue
        path = ctypes.c_char_p()
        if lib.FcPatternGetString(match, b"file", 0, ctypes.byref(path)) == 0 and path.value:
            out[family] = path.value.decode("utf-8", "surrogateescape")
        lib.FcPatternDestroy(match)
    return out


def system_fonts(project: Project) -> dict[str, dict[str, str]]:
    """{family: {"file": path, "sha256": …}} for the system fonts the layouts use."""
    css = [p.read_text(encoding="utf-8", errors="replace")
           for p in sorted(project.layouts_dir.rglob("*.css")) if p.is_file()]
    out = {}
    for family, file in resolve_fonts(font_families(css)).items():
        try:
            out[family] = {"file": file, "sha256": sha256_file_cached(Path(file))}
        except OSError:
            out[family] = {"file": file, "sha256": "unreadable"}
    return out


# --------------------------------------------------------------------------- together
def describe(project: Project) -> dict:
    """Everything outside the project's files that the fingerprint covers."""
    return {"versions": versions(), "pressroom_source": source(),
            "system_fonts": system_fonts(project)}


def fingerprint(project: Project) -> str:
    return hashlib.sha256(json.dumps(describe(project), sort_keys=True)
                          .encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- uv.lock
def locked_versions(text: str) -> dict[str, list[str]]:
    """``uv.lock``'s packages: {name: [versions]} (a package can be locked at two
    versions for two Pythons). Raises ValueError on a file that is not TOML."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None
    out: dict[str, list[str]] = {}
    for package in data.get("package", []):
        if isinstance(package, dict) and "name" in package and "version" in package:
            name = re.sub(r"[-_.]+", "-", str(package["name"])).lower()
            out.setdefault(name, [])
            if str(package["version"]) not in out[name]:
                out[name].append(str(package["version"]))
    return out
