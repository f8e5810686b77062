"""`[tool.pressroom]` as typed settings: every key checked when the project is
loaded, an error naming the key (dotted) at its line of pyproject.toml; and every
artefact path from `Project`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, make_project

from pressroom import cli
from pressroom.errors import ConfigError
from pressroom.messages.languages import init_language
from pressroom.model.config import Policy, Project, Settings, key_lines, load_project, policy

BASE = """\
[project]
name = "x"

[tool.pressroom]
source_language = "en"
languages = ["en", "es", "fr"]
documents = ["brochure", "standards"]
project = "Test"
crop_marks = true
bleed_mm = 3
max_page_difference = 0
{top}
[tool.pressroom.page_multiple]
brochure = 4
{multiple}
[tool.pressroom.policy]
max_fuzzy = 0
{defaults}
[tool.pressroom.policy.brochure]
max_untranslated = 3
{brochure}
"""


def write(root: Path, top: str = "", multiple: str = "", defaults: str = "",
          brochure: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    text = BASE.format(top=top, multiple=multiple, defaults=defaults, brochure=brochure)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def line_with(root: Path, text: str) -> int:
    lines = (root / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(text))


def config_error(root: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_project(root)
    return caught.value


# --------------------------------------------------------------------------- valid
def test_an_empty_table_gives_todays_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.pressroom]\n", encoding="utf-8")
    project = load_project(tmp_path)
    assert project.source_language == "en"
    assert project.languages == ("en", "es", "fr")
    assert project.documents == ("brochure", "standards")
    assert project.name == "publications"
    assert project.settings == Settings(policies=(Policy("brochure"), Policy("standards")))
    assert project.release_languages == project.languages
    assert project.settings.page_multiple("brochure") == 1
    assert project.settings.crop_marks is True and project.settings.bleed_mm == 3.0
    assert project.settings.max_page_difference == 0 and project.settings.cmyk_profile is None
    assert policy(project, "brochure") == Policy("brochure", 0, 0, None, "error")


def test_no_pyproject_at_all_gives_the_defaults(tmp_path):
    assert load_project(tmp_path).settings.policy("standards") == Policy("standards")


def test_the_repositorys_own_configuration(tmp_path):
    project = load_project(REPO)
    assert project.name == "IAWG publications"
    assert project.settings.page_multiple("brochure") == 4
    assert project.settings.page_multiple("standards") == 2
    assert policy(project, "standards") == Policy("standards", 0, 0, 12, "error")
    assert policy(project, "brochure") == Policy("brochure", 3, 0, 16, "error")
    # the raw table is kept as written: the fingerprints and manifests hash it
    raw = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pressroom"]
    assert json.dumps(project.options, sort_keys=True, default=str) == \
        json.dumps(raw, sort_keys=True, default=str)


def test_policy_defaults_apply_to_every_document_under_their_own_rules(tmp_path):
    project = load_project(write(tmp_path, defaults="max_pages = 20", brochure="layout = \"warning\""))
    assert policy(project, "brochure") == Policy("brochure", 3, 0, 20, "warning")
    assert policy(project, "standards") == Policy("standards", 0, 0, 20, "error")


def test_typed_values(tmp_path):
    top = ('release_languages = ["en", "fr"]\ncmyk_profile = "printer.icc"\n'
           "bleed_mm = 5.5\nmax_page_difference = 2\ncrop_marks = false")
    text = BASE.format(top="", multiple="", defaults="", brochure="")
    text = text.replace("crop_marks = true\nbleed_mm = 3\nmax_page_difference = 0\n", top + "\n")
    tmp_path.joinpath("pyproject.toml").write_text(text, encoding="utf-8")
    settings = load_project(tmp_path).settings
    assert settings == Settings(release_languages=("en", "fr"), cmyk_profile="printer.icc",
                                crop_marks=False, bleed_mm=5.5, max_page_difference=2,
                                page_multiples=(("brochure", 4),), policies=settings.policies)
    assert load_project(tmp_path).release_languages == ("en", "fr")


def test_the_source_language_is_always_configured(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pressroom]\nsource_language = "de"\nlanguages = ["fr"]\n'
        'release_languages = ["de"]\n', encoding="utf-8")
    assert load_project(tmp_path).languages == ("de", "fr")


# --------------------------------------------------------------------------- errors
TYPE_ERRORS = [
    # (section, line written, dotted key)
    ("top", "release_languages = \"en\"", "tool.pressroom.release_languages"),
    ("top", "release_languages = [\"de\"]", "tool.pressroom.release_languages"),
    ("top", "cmyk_profile = 5", "tool.pressroom.cmyk_profile"),
    ("top", "cmyk_profile = \"\"", "tool.pressroom.cmyk_profile"),
    ("multiple", "standards = 0", "tool.pressroom.page_multiple.standards"),
    ("multiple", "standards = \"4\"", "tool.pressroom.page_multiple.standards"),
    ("multiple", "standards = 2.0", "tool.pressroom.page_multiple.standards"),
    ("defaults", "max_pages = \"ten\"", "tool.pressroom.policy.max_pages"),
    ("brochure", "max_fuzzy = \"all\"", "tool.pressroom.policy.brochure.max_fuzzy"),
    ("brochure", "max_fuzzy = true", "tool.pressroom.policy.brochure.max_fuzzy"),
    ("brochure", "max_pages = 0", "tool.pressroom.policy.brochure.max_pages"),
    ("brochure", "max_pages = 1.5", "tool.pressroom.policy.brochure.max_pages"),
    ("brochure", "layout = \"maybe\"", "tool.pressroom.policy.brochure.layout"),
    ("brochure", "layout = 1", "tool.pressroom.policy.brochure.layout"),
]
# keys already in BASE: a wrong value replaces the right one
REPLACED = [
    ("source_language = \"en\"", "source_language = 3", "tool.pressroom.source_language"),
    ("languages = [\"en\", \"es\", \"fr\"]", "languages = \"en\"", "tool.pressroom.languages"),
    ("languages = [\"en\", \"es\", \"fr\"]", "languages = [\"en\", 2]",
     "tool.pressroom.languages"),
    ("documents = [\"brochure\", \"standards\"]", "documents = \"brochure\"",
     "tool.pressroom.documents"),
    ("project = \"Test\"", "project = true", "tool.pressroom.project"),
    ("crop_marks = true", "crop_marks = \"yes\"", "tool.pressroom.crop_marks"),
    ("crop_marks = true", "crop_marks = 1", "tool.pressroom.crop_marks"),
    ("bleed_mm = 3", "bleed_mm = \"3\"", "tool.pressroom.bleed_mm"),
    ("bleed_mm = 3", "bleed_mm = -1", "tool.pressroom.bleed_mm"),
    ("bleed_mm = 3", "bleed_mm = true", "tool.pressroom.bleed_mm"),
    ("max_page_difference = 0", "max_page_difference = 1.5",
     "tool.pressroom.max_page_difference"),
    ("max_page_difference = 0", "max_page_difference = -1",
     "tool.pressroom.max_page_difference"),
    ("max_untranslated = 3", "max_untranslated = -1",
     "tool.pressroom.policy.brochure.max_untranslated"),
]


def assert_names(error: ConfigError, key: str, line: int) -> None:
    assert error.path == "pyproject.toml"
    assert error.line == line, str(error)
    assert error.message.startswith(f"{key}: "), error.message
    assert str(error).startswith(f"pyproject.toml:{line}: {key}: ")


@pytest.mark.parametrize(("section", "text", "key"), TYPE_ERRORS)
def test_a_wrong_value_names_its_key_and_line(tmp_path, section, text, key):
    root = write(tmp_path, **{section: text})
    assert_names(config_error(root), key, line_with(root, text))


@pytest.mark.parametrize(("right", "wrong", "key"), REPLACED)
def test_a_wrong_value_of_a_key_with_a_default_names_it(tmp_path, right, wrong, key):
    root = write(tmp_path)
    path = root / "pyproject.toml"
    path.write_text(path.read_text().replace(right + "\n", wrong + "\n", 1))
    assert_names(config_error(root), key, line_with(root, wrong))


@pytest.mark.parametrize(("section", "text", "key", "says"), [
    ("top", "langauges = [\"en\"]", "tool.pressroom.langauges", "unknown key (known: "),
    ("multiple", "leaflet = 4", "tool.pressroom.page_multiple.leaflet",
     "unknown document 'leaflet' (configured: brochure, standards)"),
    ("defaults", "max_word = 3", "tool.pressroom.policy.max_word", "unknown key (known: "),
    ("brochure", "max_words = 3", "tool.pressroom.policy.brochure.max_words",
     "unknown key (known: max_untranslated, max_fuzzy, max_pages, layout)"),
    ("brochure", "[tool.pressroom.policy.leaflet]", "tool.pressroom.policy.leaflet",
     "unknown document 'leaflet'"),
])
def test_an_unknown_key_or_document_names_it(tmp_path, section, text, key, says):
    root = write(tmp_path, **{section: text})
    error = config_error(root)
    assert_names(error, key, line_with(root, text))
    assert says in error.message


def test_a_table_that_is_not_one(tmp_path):
    root = write(tmp_path)
    path = root / "pyproject.toml"
    path.write_text(path.read_text().replace("[tool.pressroom.page_multiple]\nbrochure = 4\n", "")
                    .replace("project = \"Test\"\n", "project = \"Test\"\npage_multiple = 4\n"))
    assert_names(config_error(root), "tool.pressroom.page_multiple",
                 line_with(root, "page_multiple = 4"))


def test_dotted_keys_and_inline_tables_are_placed(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pressroom]\ndocuments = ["brochure"]\n'
        'description = """\nmax_pages = 3\n"""\n'  # inside a string: not a key
        'page_multiple = { brochure = "4" }\n', encoding="utf-8")
    error = config_error(tmp_path)
    assert error.message.startswith("tool.pressroom.description: unknown key")
    assert error.line == 3
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pressroom]\ndocuments = ["brochure"]\n'
        'page_multiple = { brochure = "4" }\n', encoding="utf-8")
    assert_names(config_error(tmp_path), "tool.pressroom.page_multiple.brochure", 3)
    (tmp_path / "pyproject.toml").write_text(
        '[tool]\npressroom.documents = ["brochure"]\n'
        "pressroom.policy.brochure.max_pages = 'x'\n", encoding="utf-8")
    assert_names(config_error(tmp_path), "tool.pressroom.policy.brochure.max_pages", 3)


def test_invalid_toml_is_placed_too(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.pressroom]\nproject = "x"\nproject = "y"\n')
    error = config_error(tmp_path)
    assert (error.path, error.line, error.col) == ("pyproject.toml", 3, 14)
    assert error.message.startswith("invalid TOML: Cannot overwrite a value")


def test_key_lines_of_headers_keys_and_strings():
    text = ('[a]\nx = 1\ns = """\ny = 2\n"""\n[a."b.c"]  # a comment\n'
            "'q' . r = 3\nlist = [\n  [\"z\"],\n]\nw = 4\n")
    assert key_lines(text) == {("a",): 1, ("a", "x"): 2, ("a", "s"): 3, ("a", "b.c"): 6,
                               ("a", "b.c", "q", "r"): 7, ("a", "b.c", "list"): 8,
                               ("a", "b.c", "w"): 11}


# --------------------------------------------------------------------------- the CLI
def test_the_cli_prints_the_key_and_line_without_a_traceback(tmp_path, capsys):
    root = make_project(tmp_path / "proj")
    path = root / "pyproject.toml"
    path.write_text(path.read_text() + "\n[tool.pressroom.policy.brochure]\nmax_pages = \"12\"\n")
    line = line_with(root, "max_pages")
    with pytest.raises(SystemExit) as exit_:
        cli.extract(root=root)
    assert exit_.value.code == 1
    out, err = capsys.readouterr()
    assert err == (f"pyproject.toml:{line}: tool.pressroom.policy.brochure.max_pages: must be "
                   "a whole number ≥ 1, not '12'\n")
    assert "Traceback" not in out + err


def test_the_cli_reports_a_typo_in_a_top_level_key(tmp_path, capsys):
    root = make_project(tmp_path / "proj")
    path = root / "pyproject.toml"
    path.write_text(path.read_text().replace('project = "Fixture"', 'projet = "Fixture"'))
    with pytest.raises(SystemExit) as exit_:
        cli.stats(root=root)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"pyproject.toml:{line_with(root, 'projet')}: "
                          "tool.pressroom.projet: unknown key (known: source_language, ")
    assert len(err.splitlines()) == 1


def test_init_lang_writes_a_configuration_that_validates(tmp_path):
    root = make_project(tmp_path / "proj")
    path = root / "pyproject.toml"
    path.write_text(path.read_text().replace('languages = ["en", "es", "fr"]\n', "")
                    + "\n[tool.pressroom.policy.brochure]\nmax_untranslated = 2\n")
    init_language(load_project(root), "de")
    project = load_project(root)
    assert project.languages == ("en", "es", "fr", "de")
    assert project.release_languages == ("en", "es", "fr")
    assert policy(project, "brochure").max_untranslated == 2


# --------------------------------------------------------------------------- paths
def test_every_artefact_is_under_build(tmp_path):
    project = Project(root=tmp_path)
    build = tmp_path / "build"
    assert project.build_dir == build
    assert project.pdf_path("fr", "brochure", "screen") == build / "fr" / "brochure.screen.pdf"
    pdf = project.pdf_path("fr", "brochure")
    assert Project.record_path(pdf) == build / "fr" / "brochure.pdf.json"
    assert Project.layout_path(pdf) == build / "fr" / "brochure.pdf.layout.json"
    assert Project.manifest_path(pdf) == build / "fr" / "brochure.manifest.json"
    assert project.mo_path("fr") == build / "locale" / "fr" / "LC_MESSAGES" / "messages.mo"
    assert project.preview_dir("fr", "brochure") == build / "preview" / "fr" / "brochure"
    assert project.preview_record_path("fr", "brochure") == \
        build / "preview" / "fr" / "brochure" / "preview.json"
    assert project.proof_sheet_path("brochure") == build / "proof" / "brochure.png"
    assert project.proof_pages_dir("brochure", "fr") == build / "proof" / "pages" / "brochure" / "fr"
    assert project.proof_pages_dir("brochure", "fr", "screen") == \
        build / "proof" / "pages" / "brochure" / "fr.screen"
    assert project.proof_diff_dir("brochure", "fr") == build / "proof" / "diff" / "brochure" / "fr"
    assert project.proof_changes_path == build / "proof" / "diff" / "changes.json"
    assert project.context_dir("fr") == build / "context" / "fr"
    assert project.context_image_path("fr", "abc") == build / "context" / "fr" / "abc.png"
    assert project.context_index_path("fr") == build / "context" / "fr" / "index.html"
    assert project.context_json_path("fr") == build / "context" / "fr" / "screenshots.json"
