from wiresleuth.gui.view_problems import MAX_PROBLEMS, Problems


def test_nothing_noted_is_no_problem() -> None:
    assert Problems().problems == ()


def test_many_problems_are_counted_after_the_first_few() -> None:
    problems = Problems()
    for index in range(MAX_PROBLEMS + 5):
        problems.note(f"v{index} is no time")
    assert len(problems.problems) == MAX_PROBLEMS + 1
    assert problems.problems[0] == "v0 is no time" and problems.problems[-1] == "and 5 more"
