"""How a console or portal button ends: it runs one service, then says what happened.

Every POST view that changes one thing and goes back to its page shares this ending: a thing
not found (or not the user's) is a 404; a refusal or a conflict is shown as the service's reason;
success is shown as the view's sentence. A form's own errors go back on the form, on the field
the service named when the form has it.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse

from core.errors import Conflict, NotFound, ServiceError

# A step runs one service. What the service returns is passed over, unless it is a response to
# answer with instead (the step's form, shown again with its errors).
Step = Callable[[], object]


def refusal_on(form, exc: ServiceError) -> None:
    """Shows a service's refusal on `form`: on the field it names (`datasets[2]` is on
    `datasets`), or on the whole form. A form whose fields are named unlike the service's
    says where each goes in its own `error(field, message)`."""
    own = getattr(form, "error", None)
    if callable(own):
        own(exc.field, exc.message)
        return
    name = (exc.field or "").split("[")[0]
    form.add_error(name if name in form.fields else None, exc.message)


def carry_out(request, step: Step, done: str, *, back: HttpResponse) -> HttpResponse:
    """Runs `step`, then answers `back` (a redirect to the page), with `done` as a success
    message or the service's reason as an error message."""
    try:
        answer = step()
    except NotFound:
        raise Http404 from None
    except (Conflict, ServiceError) as exc:
        messages.error(request, exc.message)
    else:
        if isinstance(answer, HttpResponse):
            return answer
        messages.success(request, done)
    return back


def choose(request, action: str, steps: dict[str, tuple[Step, str]], *, back) -> HttpResponse:
    """The button named `action`: `steps` maps each action to its step and what to say when it
    is done. An action the page has no button for is a 404."""
    if action not in steps:
        raise Http404
    step, done = steps[action]
    return carry_out(request, step, done, back=back)
