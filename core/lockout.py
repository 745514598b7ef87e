"""One wrong-password policy for every way to sign in: the citizens' API token endpoint, the
portal, the console and Django's admin.

It follows the OWASP Authentication Cheat Sheet: slow an attacker down exponentially without
letting anyone lock a chosen person out for long. Three counters, kept in the cache (shared by
every process in production):

- **one account from one address**: after SUCHI_LOGIN_FREE_FAILURES wrong passwords in a row,
  each further one doubles a wait (1 s, 2 s, 4 s, … up to SUCHI_LOGIN_MAX_DELAY). An attacker
  at one address guessing one account soon waits a quarter of an hour between guesses; the
  owner signing in from elsewhere is not affected.
- **one account from anywhere**: after SUCHI_LOGIN_ACCOUNT_FAILURES wrong passwords, waits
  double up to SUCHI_LOGIN_ACCOUNT_MAX_DELAY (a minute). Guessing spread over many addresses
  gets about one try a minute; the owner, at worst, waits that minute.
- **one address, any account** (password spraying): after SUCHI_LOGIN_MAX_FAILURES wrong
  passwords within SUCHI_LOGIN_FAILURE_WINDOW, that address waits out the window. Only that
  address: the accounts it tried stay open to everyone else.

Counters forget after SUCHI_LOGIN_FAILURE_WINDOW without failures. A right password clears
the account's counters (not the address's, or one valid account would let a sprayer reset).
Usernames are hashed in the keys; addresses come from core.http.client_ip.
"""

import contextlib
import hashlib
import math
import time
import unicodedata

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from .http import client_ip

_PREFIX = "suchi:signin"
clock = time.time  # the seam tests move to skip a wait without sleeping


def _account(username: str) -> str:
    """The account's key: NFKC-normalised first, as Django's sign-in forms read the name (a
    full-width `\uff41dmin` signs in as admin, so it must be counted as admin)."""
    name = unicodedata.normalize("NFKC", username).strip().lower()
    return hashlib.sha256(name.encode()).hexdigest()[:32]


_GENERATION = f"{_PREFIX}:generation"


def _keys(request, username: str) -> dict[str, str]:
    address, account = client_ip(request), _account(username)
    prefix = f"{_PREFIX}:{cache.get(_GENERATION, 0)}"
    return {
        "pair": f"{prefix}:pair:{account}:{address}",
        "account": f"{prefix}:acct:{account}",
        "address": f"{prefix}:ip:{address}",
    }


def _wait(failures: int, free: int, cap: int) -> int:
    """Seconds to wait after `failures` in a row, when `free` cost nothing."""
    if failures < free:
        return 0
    return int(min(cap, 2 ** min(failures - free, 30)))


# One password check at a time per account: a burst of simultaneous guesses would otherwise all
# pass signin_wait before the first failure is counted (an outside probe got 40 checked at once).
# The claim ends with the check's outcome, or after BUSY_SECONDS if the process died mid-check.
BUSY_SECONDS = 10


# A browser that has signed in to an account before carries a signed cookie naming it (OWASP's
# device cookies): the account-wide wait, which guesses from many addresses can keep going, does
# not apply to it, and its wrong passwords are not counted against the account. The waits of its
# own address still apply. So a guesser can slow an account's owner down only on a browser the
# owner never signed in with.
DEVICE_COOKIE = "suchi_device"
DEVICE_DAYS = 180
_DEVICE_SALT = "suchi.lockout.device"


def remember_device(request, response, username: str) -> None:
    """After a right password: the browser is known to this account from now on."""
    known = [a for a in _devices(request) if a != _account(username)]
    value = signing.dumps([_account(username), *known][:5], salt=_DEVICE_SALT, compress=True)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _devices(request) -> list[str]:
    try:
        found = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=_DEVICE_SALT, max_age=DEVICE_DAYS * 86400
        )
    except (signing.BadSignature, AttributeError):  # none, forged, expired; a request of none
        return []
    return [a for a in found if isinstance(a, str)] if isinstance(found, list) else []


def _known(request, username: str) -> bool:
    return _account(username) in _devices(request)


def signin_wait(request, username: str) -> int:
    """Seconds before this address may try this account again; 0 when it may now."""
    keys = _keys(request, username)
    if _known(request, username):
        keys.pop("account")  # the account-wide wait is not a known browser's
    untils = cache.get_many([f"{key}:until" for key in keys.values()])
    now = clock()
    return max(0, math.ceil(max((until - now for until in untils.values()), default=0)))


def signin_begin(request, username: str) -> int:
    """signin_wait, and when it is 0 this request holds the account's one check until
    signin_failed or signin_succeeded (another request meanwhile waits a second), and has taken
    its place on the address's count (a burst spread over many accounts would otherwise pass a
    count read before any of its failures; a right password gives the place back).

    Ask before checking the password: a locked sign-in is refused even when it is right."""
    if wait := signin_wait(request, username):
        return wait
    keys = _keys(request, username)
    if not cache.add(_busy(keys), 1, BUSY_SECONDS):
        return 1  # another check of this account is under way
    window = settings.SUCHI_LOGIN_FAILURE_WINDOW
    ttl = window + settings.SUCHI_LOGIN_MAX_DELAY
    run = request.suchi_signin_run = cache.get(f"{keys['address']}:run", 0)
    count = _counted(_address_count(keys, run), ttl)
    if run:
        # The run lives as long as its count: expired first, it would start again at 0 (a
        # review: a fresh count for a second burst) or reach a count still remembered.
        cache.touch(f"{keys['address']}:run", ttl)
    if count > settings.SUCHI_LOGIN_MAX_FAILURES:
        _give_back(keys, run)
        cache.delete(_busy(keys))
        # The places are held by wrong passwords, or by checks still under way, which may be
        # right: an office behind one address signing in at nine would otherwise lock itself
        # out for the window. Those wait a second; the limit holds either way.
        if cache.get(_wrong(keys, run), 0) >= settings.SUCHI_LOGIN_MAX_FAILURES:
            _lock_address(keys, run, window, ttl)
            return window
        return 1
    # Read after counting: a request that passed signin_wait just as another locked the address
    # may have counted in the run that starts after the wait. It waits too, and gives that place
    # back. (CI caught 15 checked against a limit of 10 before this.) The lock is read before
    # the run it started: written in the other order, so a lock seen has its run seen too.
    locked = cache.get(f"{keys['address']}:until", 0) - clock()
    if locked > 0 and run >= cache.get(f"{keys['address']}:locked_run", 0):
        _give_back(keys, run)
        cache.delete(_busy(keys))
        return math.ceil(locked)
    return 0


def _give_back(keys: dict, run: int) -> None:
    """A check that was not a wrong password gives its place on the address's count back."""
    with contextlib.suppress(ValueError):  # (forgotten meanwhile)
        cache.decr(_address_count(keys, run))


def _wrong(keys: dict, run: int) -> str:
    """The address's wrong passwords in its run (its count also holds the checks under way)."""
    return f"{keys['address']}:wrong:{run}"


def _address_count(keys: dict, run: int) -> str:
    """The address's count of wrong passwords in its current run. A lock ends the run: after
    the wait the address starts afresh (counted on top, its first try would lock it again)."""
    return f"{keys['address']}:n:{run}"


def _lock_address(keys: dict, run: int, window: int, ttl: int) -> None:
    """The address waits the window out. The lock is written before the next run starts, so a
    request that finds the next run finds the lock too."""
    cache.set(f"{keys['address']}:locked_run", run + 1, ttl)
    cache.set(f"{keys['address']}:until", clock() + window, ttl)
    cache.set(f"{keys['address']}:run", run + 1, ttl)


def _busy(keys: dict) -> str:
    return keys["account"] + ":busy"


def _counted(key: str, ttl: int) -> int:
    """One more on a counter, atomically (cache.incr: no lost updates between processes); the
    counter forgets `ttl` seconds after its last count."""
    cache.add(key, 0, ttl)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, ttl)
        return 1
    cache.touch(key, ttl)
    return count


def signin_failed(request, username: str) -> None:
    """Count a wrong password against the address, the account and the pair."""
    window = settings.SUCHI_LOGIN_FAILURE_WINDOW
    ttl = window + settings.SUCHI_LOGIN_MAX_DELAY
    keys = _keys(request, username)
    now = clock()
    rules = {
        "pair": lambda n: _wait(
            n, settings.SUCHI_LOGIN_FREE_FAILURES, settings.SUCHI_LOGIN_MAX_DELAY
        ),
        "account": lambda n: _wait(
            n, settings.SUCHI_LOGIN_ACCOUNT_FAILURES, settings.SUCHI_LOGIN_ACCOUNT_MAX_DELAY
        ),
        "address": lambda n: window if n >= settings.SUCHI_LOGIN_MAX_FAILURES else 0,
    }
    known = _known(request, username)
    run = getattr(request, "suchi_signin_run", None)
    if run is None:
        run = cache.get(f"{keys['address']}:run", 0)
    for name, key in keys.items():
        if name == "account" and known:
            continue  # a known browser's mistakes are not held against the account
        # The address's place was taken in signin_begin (and stays); its wrong passwords, the
        # account's and the pair's are counted now.
        count = _counted(_wrong(keys, run) if name == "address" else f"{key}:n", ttl)
        if (wait := rules[name](count)) and name == "address":
            _lock_address(keys, run, wait, ttl)
        elif wait:
            cache.set(f"{key}:until", now + wait, ttl)
    cache.delete(_busy(keys))


def signin_succeeded(request, username: str) -> None:
    """A right password ends the account's run of failures (the address keeps its count)."""
    keys = _keys(request, username)
    cache.delete_many(
        [f"{keys[name]}:{part}" for name in ("pair", "account") for part in ("n", "until")]
        + [_busy(keys)]
    )
    run = getattr(request, "suchi_signin_run", None)
    if run is not None:  # its place on the address's count, given back
        _give_back(keys, run)


def signin_forget(request, username: str) -> None:
    """Forget every counter of this address and account (an operator's unlock)."""
    keys = _keys(request, username)
    run = cache.get(f"{keys['address']}:run", 0)
    cache.delete_many(
        [f"{key}:{part}" for key in keys.values() for part in ("n", "until")]
        + [_address_count(keys, run), _wrong(keys, run), _busy(keys)]
    )


def signin_forget_all() -> None:
    """Start every counter afresh (after an incident; between tests). The old counters are
    no longer read and expire by themselves."""
    try:
        cache.incr(_GENERATION)
    except ValueError:
        cache.set(_GENERATION, 1, None)


def address_budget_spent(request, kind: str, limit: int, window: int = 3600) -> int:
    """Count one `kind` attempt (a sign-up, say) from the request's address. Over `limit` in the
    current window of `window` seconds: the seconds until the window ends; else 0. A limit of 0
    counts nothing. Kept apart from the wrong-password counters, and reset with them."""
    if limit <= 0:
        return 0
    now = clock()
    slot = int(now // window)
    key = f"{_PREFIX}:{cache.get(_GENERATION, 0)}:{kind}:{slot}:{client_ip(request)}"
    if cache.add(key, 1, window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, window)
            count = 1
    return int(window - now % window) + 1 if count > limit else 0
