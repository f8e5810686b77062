"""Ctrl-C in a finaliser (WeasyPrint's FontConfiguration.__del__ removes a folder of
fonts, long enough to be hit): remembered, the run ends as interrupted (status 130)
and Python's "Exception ignored in ..." traceback is not printed."""

from __future__ import annotations

import signal
import sys

import pytest

from pressroom import cli


class Finalised:
    """An object whose finaliser raises what it is given, as it is collected."""

    def __init__(self, raising):
        self.raising = raising

    def __del__(self):
        self.raising()


def test_a_ctrl_c_in_a_finaliser_ends_the_run_as_interrupted_without_a_traceback(capsys,
                                                                                  monkeypatch):
    # Python's own hook, as outside pytest: it prints "Exception ignored in ..."
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)

    @cli.user_errors
    def task():
        Finalised(lambda: cli._on_sigint(signal.SIGINT, None))  # collected at once
        print("went on")

    before = sys.unraisablehook
    with pytest.raises(SystemExit) as info:
        task()
    assert info.value.code == 130
    out, err = capsys.readouterr()
    assert out == "went on\n"
    assert err == ("interrupted: files written before the interruption are complete; "
                   "nothing was left half-written\n")
    assert sys.unraisablehook is before


def test_another_error_in_a_finaliser_still_goes_to_the_hook(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: seen.append(unraisable.exc_type))

    def fail():
        raise ValueError("in a finaliser")

    @cli.user_errors
    def task():
        Finalised(fail)

    task()
    assert seen == [ValueError]
