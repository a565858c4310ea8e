"""The subject of a reply: the customer's own with "Re:", or "Your request" in their language."""

import pytest

from cases.models import Case
from cases.outbound import reply_subject


@pytest.mark.parametrize(
    ("subject", "language", "expected"),
    [
        ("Where is my parcel?", "en", "Re: Where is my parcel? [#K7M2ABCD]"),
        ("Re: Wo ist mein Paket?", "de", "Re: Wo ist mein Paket? [#K7M2ABCD]"),
        ("Line\r\nbreak", "en", "Re: Line break [#K7M2ABCD]"),
        ("", "en", "Re: Your request [#K7M2ABCD]"),
        ("", "de", "Re: Ihre Anfrage [#K7M2ABCD]"),
        ("", "", "Re: Your request [#K7M2ABCD]"),
    ],
)
def test_the_subject_of_a_reply(subject, language, expected):
    case = Case(reference="K7M2ABCD", subject=subject, language=language)
    assert reply_subject(case) == expected
