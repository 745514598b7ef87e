"""core.jsontext.json_copy: the same as copy.deepcopy for JSON values, and independent of them."""

import copy
import datetime

from hypothesis import given
from hypothesis import strategies as st

from core.jsontext import json_copy

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_a_json_copy_equals_deepcopy_and_shares_no_container(value):
    copied = json_copy(value)
    assert copied == copy.deepcopy(value)

    def containers(v):
        if isinstance(v, dict):
            yield v
            for item in v.values():
                yield from containers(item)
        elif isinstance(v, list):
            yield v
            for item in v:
                yield from containers(item)

    originals = {id(c) for c in containers(value)}
    assert not originals & {id(c) for c in containers(copied)}


def test_anything_else_is_deep_copied_as_before():
    nested = {"when": datetime.date(2026, 12, 7), "seen": {1, 2}, "pair": ("a", ["b"])}
    copied = json_copy(nested)
    assert copied == nested
    assert copied["seen"] is not nested["seen"]
    assert copied["pair"][1] is not nested["pair"][1]
