from wiresleuth.analysis.wpad_candidates import MAX_CANDIDATES, wpad_candidates


def test_the_walk_stops_at_the_registrable_domain_and_never_reaches_a_tld() -> None:
    assert wpad_candidates(["sub.corp.example.com"]) == [
        "http://wpad.sub.corp.example.com/wpad.dat",
        "http://wpad.corp.example.com/wpad.dat",
        "http://wpad.example.com/wpad.dat",
    ]
    assert wpad_candidates(["example.co.uk"]) == ["http://wpad.example.co.uk/wpad.dat"]
    assert wpad_candidates(["corp.local", "local", ""]) == ["http://wpad.corp.local/wpad.dat"]


def test_no_repeats_and_bounded() -> None:
    urls = wpad_candidates(["a.b.c.d.e.f.g.h.i.example.com", "corp.example.com"])
    assert len(urls) == len(set(urls)) <= MAX_CANDIDATES
