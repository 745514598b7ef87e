"""Background jobs inside the web process, for the embedded default (no broker).

Without Redis, Celery runs a task inside the call that queues it (CELERY_TASK_ALWAYS_EAGER).
That suits short jobs, but a harvest can take minutes, and a POST that starts one would hold
its request for all of them. So long jobs (SUCHI_INPROCESS_TASKS) and every job they queue in
turn (a harvest's validation batches) run on a small pool of daemon threads instead. With a
broker none of this runs: Celery workers take the jobs, and beat runs the sweeps.

A process that dies takes this queue with it; the job rows stay behind. `serve_started()`
(called as the web server starts) sweeps them at once and then keeps running the sweeps on a
timer, as beat would. Tests wait for the queue with `drain()`.
"""

import importlib
import logging
import queue
import sys
import threading
import time
from collections.abc import Sequence

from celery import current_app
from django.conf import settings
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

_jobs: queue.Queue = queue.Queue()
_idle = threading.Condition()
_state = {"pending": 0, "threads": 0, "started": False}
_local = threading.local()


def embedded() -> bool:
    """True in the embedded default: no broker, jobs run in this process."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def in_background() -> bool:
    """True on one of the pool's threads."""
    return getattr(_local, "active", False)


def wants(task_name: str) -> bool:
    """Whether a job queued now goes to the pool rather than running inside the caller."""
    return embedded() and (task_name in settings.SUCHI_INPROCESS_TASKS or in_background())


def task_named(task_name: str):
    """The registered Celery task; its module is imported the first time (a web process does
    not import every app's tasks.py the way a worker does)."""
    if task_name not in current_app.tasks:
        importlib.import_module(task_name.rpartition(".")[0])
    return current_app.tasks[task_name]


def submit(task_name: str, args: Sequence = (), kwargs: dict | None = None) -> None:
    """Run `task_name(*args, **kwargs)` on the pool, after the jobs already waiting."""
    with _idle:
        _state["pending"] += 1
        if _state["threads"] < max(1, settings.SUCHI_INPROCESS_WORKERS):
            _state["threads"] += 1
            threading.Thread(target=_work, name="suchi-inprocess", daemon=True).start()
    _jobs.put((task_name, tuple(args), kwargs or {}))


def _work() -> None:
    _local.active = True
    while True:
        task_name, args, kwargs = _jobs.get()
        try:
            # apply() is Celery's in-process execution: the same retry policy as the eager
            # default had; a failure is logged by Celery and kept in the job's own row.
            task_named(task_name).apply(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("in-process job crashed", extra={"task": task_name})
        finally:
            connections.close_all()  # this thread's connections only
            with _idle:
                _state["pending"] -= 1
                _idle.notify_all()


def drain(timeout: float | None = None) -> bool:
    """Wait until no job is waiting or running, including the jobs those jobs queue. False if
    the timeout passed first."""
    with _idle:
        return _idle.wait_for(lambda: _state["pending"] == 0, timeout)


def pending() -> int:
    """Jobs waiting or running on the pool."""
    return _state["pending"]


# --- start-up and schedule ---------------------------------------------------------------------
PROCESS_START = "process-start"


def startup_sweeps() -> None:
    """Queue the sweeps that settle what a dead process left: every job row that says waiting
    or running *since before this process started* belongs to no one (its queue died with the
    last one). The sweeps run on the pool, maybe after the first requests: a keyword argument
    whose value is PROCESS_START gets this instant, so a sweep never takes back a job this
    process has already begun."""
    started = timezone.now().isoformat()
    for task_name, kwargs in settings.SUCHI_STARTUP_SWEEPS:
        kwargs = {
            key: started if value == PROCESS_START else value for key, value in kwargs.items()
        }
        submit(task_name, kwargs=kwargs)


def serve_started() -> None:
    """Call once as a web server process starts (config/wsgi.py, config/asgi.py; runserver
    loads config.wsgi too). In the embedded default: sweep now, then run the schedule on a
    thread. With a broker: nothing (workers and beat do it)."""
    # A test session imports config.wsgi to call the app in-process (schemathesis): its
    # database belongs to the tests, which sweep and drain themselves.
    if not embedded() or _state["started"] or "pytest" in sys.modules:
        return
    _state["started"] = True
    startup_sweeps()
    threading.Thread(target=_schedule, name="suchi-schedule", daemon=True).start()


def _schedule() -> None:
    """Beat, in-process: submit each entry of SUCHI_INPROCESS_SCHEDULE when due, unless the
    pool is busy (a slow sweep never piles up: the entry comes round again)."""
    entries = {
        name: settings.CELERY_BEAT_SCHEDULE[name] for name in settings.SUCHI_INPROCESS_SCHEDULE
    }
    due = {name: time.monotonic() + float(entry["schedule"]) for name, entry in entries.items()}
    while True:
        now = time.monotonic()
        for name, entry in entries.items():
            if now >= due[name]:
                due[name] = now + float(entry["schedule"])
                if _state["pending"] < 2 * max(1, settings.SUCHI_INPROCESS_WORKERS):
                    submit(entry["task"])
        time.sleep(max(0.5, min(due.values()) - time.monotonic()))
