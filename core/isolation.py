"""A costly function of untrusted input in a child process, with a wall-clock, a CPU and a
memory limit (the public DCAT validator's checks: catalog/validator).

pyshacl on a large or pathological graph can run for minutes and grow without bound; a web
worker must do neither. The child is forked (it starts with whatever the parent prepared:
parsed shapes, imported libraries), sets RLIMIT_AS to its current size plus the budget and
RLIMIT_CPU to the deadline, asks the kernel to kill it if its parent dies (a web worker killed
by gunicorn's timeout must not leave it running), silences logging (a library that logs a
traceback per bad value would flood the logs), runs the function and sends back its result
through a pipe. Past the deadline it is killed.

The function must be Django-free (no connection, no cache, no logging), so that forking from a
threaded worker takes no lock another thread holds.
"""

import contextlib
import ctypes
import logging
import math
import multiprocessing
import os
import resource
import signal

OK, FAILED, OUT_OF_MEMORY, OUT_OF_TIME, DIED = "ok", "failed", "memory", "time", "died"


def _address_space() -> int:
    """This process's virtual size in bytes (Linux), 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _libc():
    """The C library, opened in the parent: a child that called dlopen itself could wait
    forever on the loader's lock, held at the fork by another thread (a DNS lookup loading its
    NSS module, an import of an extension)."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()


def _die_with_parent(parent: int) -> None:
    """Linux's PR_SET_PDEATHSIG: SIGKILL this process when its parent ends."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the CPU limit ends it
        _LIBC.prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _child(writer, function, args, memory_bytes: int, seconds: float, parent: int) -> None:
    _die_with_parent(parent)
    logging.disable(logging.CRITICAL)
    cpu = math.ceil(seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    current = _address_space()
    if memory_bytes and current:
        limit = current + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        outcome = (OK, function(*args))
    except MemoryError:
        outcome = (OUT_OF_MEMORY, None)
    except RecursionError:
        outcome = (FAILED, ("DocumentInvalid", "the document is nested too deeply to check"))
    except ValueError as exc:  # the parsers' DocumentInvalid, DocumentRefused, JsonInvalid
        # A parser that reports any failure as invalid input may have run out of memory.
        if isinstance(exc.__context__, MemoryError):
            outcome = (OUT_OF_MEMORY, None)
        else:
            outcome = (FAILED, (type(exc).__name__, str(exc)[:1000]))
    except Exception:  # a library's own failure on odd input: the input could not be checked
        outcome = (FAILED, ("DocumentInvalid", "it holds something the checker cannot handle"))
    try:
        writer.send(outcome)
    except MemoryError:
        writer.send((OUT_OF_MEMORY, None))
    writer.close()


def run_isolated(function, *args, seconds: float, memory_bytes: int) -> tuple[str, object]:
    """`function(*args)` in a forked child: (OK, its result), (FAILED, (error class name,
    message)) for a ValueError it raised, or OUT_OF_MEMORY, OUT_OF_TIME, DIED with None."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(writer, function, args, memory_bytes, seconds, os.getpid())
    )
    child.daemon = True
    child.start()
    writer.close()
    try:
        if not reader.poll(seconds):
            return OUT_OF_TIME, None
        try:
            return reader.recv()
        except EOFError:  # killed by the kernel, or a crash before it could answer
            return DIED, None
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join(5)
        if child.exitcode is not None:
            child.close()
