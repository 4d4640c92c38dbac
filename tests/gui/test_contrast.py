import pytest

from wiresleuth.gui.contrast import contrast, luminance, over, rgb


def test_black_on_white_is_21_to_1_and_a_colour_on_itself_1_to_1() -> None:
    assert contrast(rgb("#000000"), rgb("#ffffff")) == pytest.approx(21.0)
    assert contrast(rgb("#7f8c9a"), rgb("#7f8c9a")) == pytest.approx(1.0)
    assert luminance(rgb("#ffffff")) == pytest.approx(1.0)


def test_known_pairs_match_the_wcag_figures() -> None:
    # WebAIM's contrast checker: #767676 on white is the lightest grey that passes 4.5:1.
    assert contrast(rgb("#767676"), rgb("#ffffff")) == pytest.approx(4.54, abs=0.01)
    assert contrast(rgb("#777777"), rgb("#ffffff")) < 4.5
    # The measurement: the light theme's link colour on the dark base.
    assert contrast(rgb("#1a5fb4"), rgb("#1e2126")) == pytest.approx(2.57, abs=0.01)


def test_a_translucent_tint_is_what_it_looks_like_over_its_background() -> None:
    assert over(rgb("#ff0000"), 255, rgb("#ffffff")) == (255, 0, 0)
    assert over(rgb("#ff0000"), 0, rgb("#ffffff")) == (255, 255, 255)
    assert over(rgb("#000000"), 51, rgb("#ffffff")) == (204, 204, 204)


def test_only_rrggbb_is_read() -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        rgb("red")
