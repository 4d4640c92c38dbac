"""Each check's measurements read back as their own types; what does not fit is named."""

from __future__ import annotations

import pytest

from wiresleuth.gui.measurements import measurements
from wiresleuth.gui.view_problems import ShapeError
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.mtu_observations import MtuWizardObservations
from wiresleuth.model.observations import TlsWizardObservations
from wiresleuth.model.pac_observations import PacWizardObservations


def test_what_was_written_is_read_back_typed_and_an_absent_check_is_none() -> None:
    pac = PacWizardObservations(configuration=None, pac_url="http://x/wpad.dat")
    read = measurements({"pac": to_jsonable(pac)})
    assert read.of("pac", PacWizardObservations) == pac
    assert read.of("mtu", MtuWizardObservations) is None
    assert measurements(None).of("pac", PacWizardObservations) is None


@pytest.mark.parametrize(
    ("observations", "wizard", "kind", "why"),
    [
        ({"tls": "x"}, "tls", TlsWizardObservations, "TlsWizardObservations: expected an object, got 'x'"),
        ({"tls": {"targets": {}}}, "tls", TlsWizardObservations, "TlsWizardObservations.targets: expected a list, got {}"),
        ({"mtu": {"targets": 1e308}}, "mtu", MtuWizardObservations, "MtuWizardObservations.targets: expected a list, got 1e+308"),
        ({"mtu": {"targets": [{"target": 443}]}}, "mtu", MtuWizardObservations, "MtuWizardObservations.targets[0].target: expected str, got 443"),
        ({"pac": [None]}, "pac", PacWizardObservations, "PacWizardObservations: expected an object, got [None]"),
    ],
)  # fmt: skip
def test_measurements_that_do_not_fit_their_type_say_where(
    observations: dict[str, object], wizard: str, kind: type, why: str
) -> None:
    read = measurements(observations)
    with pytest.raises(ShapeError) as caught:
        read.of(wizard, kind)
    assert str(caught.value).endswith(why)
    assert str(caught.value).startswith(f"the observations of the {wizard} wizard cannot be read")


def test_one_unreadable_check_leaves_the_others_readable() -> None:
    pac = PacWizardObservations(configuration=None)
    read = measurements({"mtu": [1], "pac": to_jsonable(pac)})
    assert read.of("pac", PacWizardObservations) == pac
    with pytest.raises(ShapeError):
        read.of("mtu", MtuWizardObservations)
