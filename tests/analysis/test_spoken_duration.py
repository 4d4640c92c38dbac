import pytest

from wiresleuth.analysis.spoken_duration import spoken_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(3.02, "3.0 s"), (0.1, "0.1 s"), (0.04, "40 ms"), (0.0012, "1 ms"), (0.0003, "less than 1 ms")],
)
def test_spoken_duration(seconds: float, text: str) -> None:
    assert spoken_duration(seconds) == text
