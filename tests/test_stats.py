import json

from fixture_translations import ES, FR, fill

from pressroom.messages import catalogs, extract, stats


def test_stats_count_messages_words_fuzzy_and_untranslated(project, invoke_in):
    extract.extract(project)
    catalogs.update(project, ["en", "es", "fr"])
    fill(project.po_path("fr"), FR)
    fill(project.po_path("es"), ES)
    po = project.po_path("fr")
    po.write_text(po.read_text().replace('msgid "The law"', '#, fuzzy\nmsgid "The law"'))
    rows = {(r.lang, r.part): r for r in stats.compute(project, ["es", "fr"])}
    fr = rows[("fr", "all")]
    assert fr.messages == 42 and fr.fuzzy == 1 and fr.untranslated == 0
    assert fr.translated == 41 and fr.words_fuzzy == 2
    assert rows[("fr", "layouts")].messages == 14
    es = rows[("es", "all")]
    assert es.translated == len(ES) and es.untranslated == 42 - len(ES)
    assert round(es.percent, 1) == round(100 * len(ES) / 42, 1)

    run = invoke_in(project.root, "stats", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert {(d["lang"], d["part"]) for d in data} >= {("es", "brochure"), ("fr", "all")}
    run = invoke_in(project.root, "stats")
    assert run.returncode == 0 and "fr    all" in run.stdout and "97.6 %" in run.stdout
