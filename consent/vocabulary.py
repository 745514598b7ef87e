"""The Account Aggregator and ABDM words a consent request may state (ReBIT FI types,
consent types and data filters; ABDM HI types), declared once and checked here. A request
that states none gets them derived (consent.profiles); tests/fixtures/profiles has the
schemas the lists come from."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.errors import ServiceError

CONSENT_TYPES = ("PROFILE", "SUMMARY", "TRANSACTIONS")
FI_TYPES = (
    "DEPOSIT", "TERM_DEPOSIT", "RECURRING_DEPOSIT", "CREDIT_CARD", "CD", "SIP", "CP",
    "GOVT_SECURITIES", "EQUITIES", "BONDS", "DEBENTURES", "MUTUAL_FUNDS", "ETF", "EPF", "PPF",
    "IDR", "CIS", "AIF", "INSURANCE_POLICIES", "ULIP", "NPS", "INVIT", "REIT", "GSTR1_3B",
    "LIFE_INSURANCE", "GENERAL_INSURANCE", "OTHER",
)  # fmt: skip
HI_TYPES = (
    "Prescription", "DiagnosticReport", "OPConsultation", "DischargeSummary",
    "ImmunizationRecord", "HealthDocumentRecord", "WellnessRecord", "Invoice",
)  # fmt: skip
FILTER_TYPES = ("TRANSACTIONTYPE", "TRANSACTIONAMOUNT")
FILTER_OPERATORS = ("=", "!=", ">", "<", ">=", "<=")
TRANSACTION_TYPES = ("CREDIT", "DEBIT")
MAX_FILTERS = 10


def _words(values, allowed: tuple[str, ...], name: str) -> list[str]:
    if not isinstance(values, list):
        raise ServiceError("A list.", field=name)
    for index, value in enumerate(values):
        if value not in allowed:
            raise ServiceError(
                f"Unknown value {str(value)[:40]!r}; use one of {', '.join(allowed)}.",
                field=f"{name}[{index}]",
            )
    if len(set(values)) != len(values):
        raise ServiceError("A value is listed twice.", field=name)
    return list(values)


def check_consent_types(values) -> list[str]:
    return _words(values, CONSENT_TYPES, "consent_types")


def check_fi_types(values) -> list[str]:
    return _words(values, FI_TYPES, "fi_types")


def check_hi_types(values) -> list[str]:
    return _words(values, HI_TYPES, "hi_types")


def check_data_filters(values) -> list[dict]:
    """ReBIT DataFilter conditions: `{type, operator, value}`; a TRANSACTIONTYPE filter is
    `=` or `!=` CREDIT or DEBIT, a TRANSACTIONAMOUNT one compares a non-negative amount."""
    if not isinstance(values, list) or len(values) > MAX_FILTERS:
        raise ServiceError(f"A list of at most {MAX_FILTERS} conditions.", field="data_filters")
    checked = []
    for index, condition in enumerate(values):
        where = f"data_filters[{index}]"
        if not isinstance(condition, dict) or set(condition) != {"type", "operator", "value"}:
            raise ServiceError("An object with type, operator and value.", field=where)
        kind, operator, value = condition["type"], condition["operator"], condition["value"]
        if kind not in FILTER_TYPES:
            raise ServiceError(f"Use one of {', '.join(FILTER_TYPES)}.", field=f"{where}.type")
        if operator not in FILTER_OPERATORS:
            raise ServiceError(
                f"Use one of {' '.join(FILTER_OPERATORS)}.", field=f"{where}.operator"
            )
        if kind == "TRANSACTIONTYPE":
            if operator not in ("=", "!=") or value not in TRANSACTION_TYPES:
                raise ServiceError(
                    "A transaction type is `=` or `!=` CREDIT or DEBIT.", field=f"{where}.value"
                )
        else:
            value = _amount(value, f"{where}.value")
        checked.append({"type": kind, "operator": operator, "value": value})
    return checked


def _amount(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ServiceError(
            'An amount, as a string of digits (e.g. "5000" or "99.50").', field=where
        )
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ServiceError('An amount, such as "5000" or "99.50".', field=where) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount > Decimal("1e15")
        or amount.as_tuple().exponent < -2
    ):
        raise ServiceError("A non-negative amount with at most two decimals.", field=where)
    return format(amount, "f")


@dataclass(frozen=True)
class StatedTerms:
    """What a consumer states in AA/ABDM words (each may be empty: then derived)."""

    consent_types: list = field(default_factory=list)
    fi_types: list = field(default_factory=list)
    hi_types: list = field(default_factory=list)
    data_filters: list = field(default_factory=list)

    def checked(self) -> "StatedTerms":
        return StatedTerms(
            consent_types=check_consent_types(self.consent_types),
            fi_types=check_fi_types(self.fi_types),
            hi_types=check_hi_types(self.hi_types),
            data_filters=check_data_filters(self.data_filters),
        )
