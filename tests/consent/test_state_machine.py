"""Random sequences of consent operations keep the invariants (hypothesis state machine):
terminal states never change, every refusal is a clean Conflict, the ledger verifies, and the
status of each artefact is what its last ledger event says."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from consent.ledger import ledger_verify
from consent.models import ConsentArtefact, ConsentEvent, ConsentRequest
from consent.services import (
    Period,
    ReceiptInput,
    artefact_pause,
    artefact_resume,
    artefact_revoke,
    consent_deny,
    consent_grant,
    consent_request_cancel,
    consent_request_create,
    consents_expire,
    receipt_record,
)
from core.errors import Conflict

from ..factories import make_citizen, make_institution, publish_consent_dataset

pytestmark = pytest.mark.django_db

LAST_EVENT_STATUS = {
    "artefact.issued": "active",
    "artefact.paused": "paused",
    "artefact.resumed": "active",
    "artefact.revoked": "revoked",
    "artefact.expired": "expired",
}
MOVES = {  # action: (allowed from, ends in)
    "pause": ({"active"}, "paused"),
    "resume": ({"paused"}, "active"),
    "revoke": ({"active", "paused"}, "revoked"),
}
SERVICES = {"pause": artefact_pause, "resume": artefact_resume, "revoke": artefact_revoke}


@pytest.mark.slow
def test_random_consent_histories_keep_the_invariants():
    world = {
        "citizen": make_citizen("asha@suchi"),
        "consumer": make_institution(slug="insurer", is_consumer=True, is_provider=False),
    }
    world["dataset"] = publish_consent_dataset(make_institution(slug="ka-health"))

    class ConsentHistory(RuleBasedStateMachine):
        requests = Bundle("requests")
        artefacts = Bundle("artefacts")

        def __init__(self):
            super().__init__()
            self.request_status: dict = {}
            self.artefact_status: dict = {}

        @rule(target=requests)
        def ask(self):
            request = consent_request_create(
                consumer=world["consumer"],
                citizen_handle="asha@suchi",
                purpose_code="CAREMGT",
                purpose_text="Your care",
                dataset_ids=[world["dataset"].pk],
                access_mode="view",
                data_from=date(2026, 1, 1),
                data_to=date(2026, 1, 31),
                fetch_type="onetime",
                frequency=None,
                data_life=Period("day", 7),
                expires_at=timezone.now() + timedelta(days=30),
                notice_text="notice",
                actor="machine",
            )
            self.request_status[request.pk] = "pending"
            return request.pk

        @rule(target=artefacts, request_id=requests)
        def grant(self, request_id):
            if self.request_status[request_id] != "pending":
                with pytest.raises(Conflict):
                    consent_grant(citizen=world["citizen"], request_id=request_id, actor="m")
                return None
            _, (artefact,) = consent_grant(
                citizen=world["citizen"], request_id=request_id, actor="m"
            )
            self.request_status[request_id] = "granted"
            self.artefact_status[artefact.pk] = "active"
            return artefact.pk

        @rule(request_id=requests, how=st.sampled_from(["deny", "cancel"]))
        def answer_no(self, request_id, how):
            def act():
                if how == "deny":
                    consent_deny(citizen=world["citizen"], request_id=request_id, actor="m")
                else:
                    consent_request_cancel(
                        consumer=world["consumer"], request_id=request_id, actor="m"
                    )

            if self.request_status[request_id] != "pending":
                with pytest.raises(Conflict):
                    act()
                return
            act()
            self.request_status[request_id] = "denied" if how == "deny" else "cancelled"

        @rule(artefact_id=artefacts, action=st.sampled_from(sorted(MOVES)))
        def move(self, artefact_id, action):
            if artefact_id is None:
                return
            allowed_from, ends_in = MOVES[action]
            call = SERVICES[action]
            if self.artefact_status[artefact_id] not in allowed_from:
                with pytest.raises(Conflict):
                    call(citizen=world["citizen"], artefact_id=artefact_id, actor="m")
                return
            call(citizen=world["citizen"], artefact_id=artefact_id, actor="m")
            self.artefact_status[artefact_id] = ends_in

        @rule(artefact_id=artefacts)
        def release(self, artefact_id):
            if artefact_id is None:
                return
            artefact = ConsentArtefact.objects.select_related("provider").get(pk=artefact_id)
            receipt = ReceiptInput(
                data_from=date(2026, 1, 1),
                data_to=date(2026, 1, 2),
                record_count=1,
                sha256="f" * 64,
                served_at=timezone.now(),
            )

            def act():
                receipt_record(
                    provider=artefact.provider,
                    artefact_id=artefact_id,
                    receipt=receipt,
                    token=None,
                    actor="p",
                )

            if self.artefact_status[artefact_id] != "active":
                with pytest.raises(Conflict):
                    act()
            else:
                act()

        @rule(artefact_id=consumes(artefacts))
        def time_passes(self, artefact_id):
            if artefact_id is None:
                return
            ConsentArtefact.objects.filter(pk=artefact_id).update(
                valid_until=timezone.now() - timedelta(seconds=1),
                valid_from=timezone.now() - timedelta(days=1),
            )
            consents_expire()
            if self.artefact_status[artefact_id] in {"active", "paused"}:
                self.artefact_status[artefact_id] = "expired"

        @invariant()
        def the_database_agrees_and_the_ledger_verifies(self):
            for pk, status in self.request_status.items():
                assert ConsentRequest.objects.get(pk=pk).status == status
            for pk, status in self.artefact_status.items():
                assert ConsentArtefact.objects.get(pk=pk).status == status
                last = (
                    ConsentEvent.objects.filter(artefact_id=pk, kind__startswith="artefact.")
                    .order_by("-seq")
                    .first()
                )
                assert LAST_EVENT_STATUS[last.kind] == status
            assert ledger_verify()[2] is None

    run_state_machine_as_test(
        ConsentHistory,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
