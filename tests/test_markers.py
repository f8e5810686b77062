"""The test suite's own machinery (conftest): the e2e guard, and the tasks run in
this process giving what a `python -m invoke` subprocess gives."""

from __future__ import annotations

import importlib

import conftest
import pytest
import weasyprint.document
from conftest import RENDER_ENTRY_POINTS, invoke_tasks, run_invoke


def test_every_render_entry_point_is_guarded():
    for module_name, name in RENDER_ENTRY_POINTS:
        assert getattr(importlib.import_module(module_name), name).e2e_guard, name
    assert weasyprint.document.Document.write_pdf.e2e_guard


def test_a_render_in_a_test_not_marked_e2e_fails_it():
    with pytest.raises(pytest.fail.Exception, match=r"test_markers\.py::"
                       r"test_a_render_in_a_test_not_marked_e2e_fails_it renders a PDF "
                       r"with WeasyPrint \(a render\) but is not marked @pytest\.mark\.e2e"):
        conftest._renders_now("a render")


@pytest.mark.e2e
def test_a_render_in_a_test_marked_e2e_goes_ahead():
    conftest._renders_now("a render")  # nothing raised


def test_an_exception_that_escapes_a_task_is_a_traceback_and_status_1(project_dir, monkeypatch):
    from pressroom import cli

    def boom(project):
        raise RuntimeError("boom")
    monkeypatch.setattr(cli.extract_mod, "extract", boom)
    run = invoke_tasks(project_dir, "extract")
    assert run.returncode == 1
    assert "Traceback (most recent call last)" in run.stderr
    assert run.stderr.strip().endswith("RuntimeError: boom")


@pytest.mark.parametrize("args", [("build", "--lang", "xx"), ("build", "--no-such-option"),
                                  ("no-such-task",)])
def test_in_process_the_tasks_give_what_the_command_gives(project_dir, args):
    here, there = invoke_tasks(project_dir, *args), run_invoke(project_dir, *args)
    assert (here.returncode, here.stdout, here.stderr) == \
        (there.returncode, there.stdout, there.stderr)
