"""The render workers (pressroom.production.workers), with tasks that render nothing:
every task answered once, a worker serves several tasks, retires above its memory
threshold and is replaced only while tasks are left, and failures name the task."""

from __future__ import annotations

import os

import pytest

from pressroom.errors import PressroomError
from pressroom.production import workers


def pid_of(inputs, task):
    """A task: which worker ran it, and what it was given."""
    return task, inputs["offset"] + task, os.getpid()


def fails_on_three(inputs, task):
    if task == 3:
        raise ValueError(f"task {task} is bad")
    return task


def dies_on_two(inputs, task):
    if task == 2:
        os._exit(9)
    return task


def test_every_task_is_answered_once_by_a_few_long_lived_workers():
    answers = dict(workers.run(pid_of, {"offset": 100}, list(range(8)), jobs=2, limit=10**6))
    assert sorted(answers) == list(range(8))
    assert all(value[1] == 100 + task for task, value in answers.items())  # inputs given once
    pids = {value[2] for value in answers.values()}
    assert len(pids) <= 2 and os.getpid() not in pids


def test_a_worker_over_its_memory_threshold_retires_after_its_task():
    answers = dict(workers.run(pid_of, {"offset": 0}, list(range(5)), jobs=2, limit=0))
    pids = [value[2] for _task, value in sorted(answers.items())]
    assert len(set(pids)) == 5  # each worker retired after one task, a new one took the next


def test_no_worker_is_started_without_a_task():
    started = []
    real = workers._Crew.start

    def counting(crew):
        started.append(1)
        real(crew)

    workers._Crew.start = counting
    try:
        assert dict(workers.run(pid_of, {"offset": 0}, [7], jobs=4, limit=0))[7][1] == 7
        assert len(started) == 1
        started.clear()
        list(workers.run(pid_of, {"offset": 0}, [1, 2, 3], jobs=2, limit=0))
        assert len(started) == 3  # two, then one successor while a task was left
    finally:
        workers._Crew.start = real


def test_an_exception_in_a_task_is_raised_in_the_parent():
    with pytest.raises(ValueError, match="task 3 is bad"):
        list(workers.run(fails_on_three, None, [1, 2, 3, 4, 5], jobs=2, limit=10**6))


def test_a_worker_that_dies_names_its_task():
    with pytest.raises(PressroomError, match=r"the worker rendering 2 stopped \(exit status 9\)"):
        list(workers.run(dies_on_two, None, [1, 2, 3], jobs=1, limit=10**6))


def test_the_memory_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRESSROOM_WORKER_MEMORY_MB", "512")
    assert workers.memory_limit() == 512
    monkeypatch.setenv("PRESSROOM_WORKER_MEMORY_MB", "lots")
    with pytest.raises(PressroomError, match="must be a number of megabytes"):
        workers.memory_limit()
    monkeypatch.delenv("PRESSROOM_WORKER_MEMORY_MB")
    assert workers.memory_limit() == workers.DEFAULT_MEMORY_MB
    assert 1 < workers.memory_mb() < 10**5
