"""The fuzz cases: seed files (the shared corpora, the committed sample bundle, bundles the
lab wrote and lab-style ones made here) and the mutations applied to them, named so that any
case can be rebuilt from its name alone."""

from __future__ import annotations

import dataclasses
import json
import random
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from tests.fuzz.mutations import BUNDLE_MUTATIONS, CAPTURE_MUTATIONS, HEAVY

REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO.parent / "shared" / "corpora"
LAB_CAPTURES = REPO / "tests" / "capture" / "samples" / "lab"
SAMPLE_BUNDLE = REPO / "tests" / "bundle" / "samples" / "format-1.wsbundle"
LAB_BUNDLES = (
    *sorted((REPO / "tests" / "gui" / "samples" / "lab").glob("*.wsbundle")),
    REPO / "tests" / "bundle" / "runs" / "C6-lab.wsbundle",
)
"""Bundles the lab wrote (committed with the viewer's and the recording's tests)."""
CREATED = "2024-05-01T09:30:09Z"
"""A fixed creation time, so that the generated seed bundles are the same bytes every run."""


@dataclass(frozen=True)
class Case:
    """One input: a seed, a mutation and the case's number (its random seed)."""

    kind: str
    """"capture" or "bundle": which readers it goes to."""
    seed: str
    """Name of the seed file (see ``seed_bytes``)."""
    mutation: str
    """Key of CAPTURE_MUTATIONS or BUNDLE_MUTATIONS."""
    number: int

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.seed}-{self.mutation}-{self.number}"

    def data(self, seeds: dict[str, bytes]) -> bytes:
        rng = random.Random(self.name)
        table = CAPTURE_MUTATIONS if self.kind == "capture" else BUNDLE_MUTATIONS
        return table[self.mutation](seeds[self.seed], rng)

    def write(self, folder: Path, seeds: dict[str, bytes]) -> Path:
        suffix = ".wsbundle" if self.kind == "bundle" else ".pcapng"
        path = folder / f"{self.name}{suffix}"
        path.write_bytes(self.data(seeds))
        return path


def capture_seed_paths(tcpdump_every: int = 40) -> dict[str, Path]:
    """The real captures: all of packets/, the lab samples, every n-th tcpdump test file."""
    found: dict[str, Path] = {}
    for path in sorted((CORPORA / "packets").glob("*.pcap*")):
        found[path.stem] = path
    for path in sorted(LAB_CAPTURES.glob("*.pcapng")):
        found[f"lab-{path.stem}"] = path
    tcpdump = sorted(p for p in (CORPORA / "tcpdump-tests").glob("*.pcap*") if p.is_file())
    for path in tcpdump[::tcpdump_every]:
        found[f"tcpdump-{path.stem}"] = path
    return found


def _normalised(members: dict[str, bytes]) -> bytes:
    manifest = json.loads(members["manifest.json"])
    manifest.update(program_version="0.1.0", os={"system": "Linux", "release": "fuzz",
                    "version": "fuzz", "machine": "x86_64", "python": "3.11"})  # fmt: skip
    members = {**members, "manifest.json": json.dumps(manifest, indent=2).encode()}
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 9, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def lab_style_bundles(work: Path) -> dict[str, bytes]:
    """Bundles as runs and ``analyze --out`` make them, from the sample runs (C8, C6, DSCP) and
    the lab's own captures; fixed times so that they are the same bytes every run."""
    from tests.bundle.sample_runs import captured_run, uncaptured_run
    from wiresleuth.bundle.writer import bundle_members
    from wiresleuth.sources.capture_file import analyze_file, run_result

    work.mkdir(parents=True, exist_ok=True)
    (work / "run").mkdir(exist_ok=True)
    bundles = {
        "captured-run": _normalised(bundle_members(captured_run(work / "run"), created=CREATED)),
        "uncaptured-run": _normalised(bundle_members(uncaptured_run(), created=CREATED)),
    }
    for name in ("C1", "C8"):
        folder = work / f"analyze-{name}"
        folder.mkdir(exist_ok=True)
        result = run_result(analyze_file(LAB_CAPTURES / f"{name}.pcapng"), folder)
        result = dataclasses.replace(
            result, started_at=1714555800.0, finished_at=1714555801.0, log=(f"analysed {name}",)
        )
        bundles[f"analyzed-{name}"] = _normalised(bundle_members(result, created=CREATED))
    return bundles


def seed_bytes(work: Path, tcpdump_every: int = 40) -> dict[str, bytes]:
    """Every seed's bytes by name."""
    paths = capture_seed_paths(tcpdump_every)
    seeds = {name: path.read_bytes() for name, path in paths.items()}
    seeds["format-1-sample"] = SAMPLE_BUNDLE.read_bytes()
    seeds.update(lab_style_bundles(work))
    seeds.update({_lab_name(path): path.read_bytes() for path in LAB_BUNDLES})
    return seeds


def _lab_name(path: Path) -> str:
    return f"lab-{path.stem}"


BUNDLE_SEEDS = (
    "format-1-sample", "captured-run", "uncaptured-run", "analyzed-C1", "analyzed-C8",
    *(_lab_name(path) for path in LAB_BUNDLES),
)  # fmt: skip


HEAVY_SEEDS = ("http_google", "lab-C8", "tcp_ports")
"""The capture seeds CI floods with sections and repeated blocks (the long run uses all)."""


def ci_cases() -> list[Case]:
    """The cases CI runs: every capture seed under every light mutation, a few under the
    heavy ones, every bundle seed under every mutation (several times for the members)."""
    cases: list[Case] = []
    for seed in capture_seed_paths():
        for mutation in CAPTURE_MUTATIONS:
            if mutation not in HEAVY or seed in HEAVY_SEEDS:
                cases.append(Case("capture", seed, mutation, 0))
    for seed in BUNDLE_SEEDS:
        for mutation in BUNDLE_MUTATIONS:
            repeats = 3 if mutation in ("json-member", "capture-member", "member-tamper") else 1
            for number in range(repeats):
                cases.append(Case("bundle", seed, mutation, number))
    return cases


def random_cases(count: int, seed: int) -> list[Case]:
    """``count`` cases drawn at random (reproducibly from ``seed``), for the long run."""
    rng = random.Random(seed)
    captures = list(capture_seed_paths(tcpdump_every=1))
    cases = []
    for number in range(count):
        if rng.random() < 0.6:
            cases.append(Case("capture", rng.choice(captures), rng.choice(list(CAPTURE_MUTATIONS)), number))
        else:
            cases.append(Case("bundle", rng.choice(BUNDLE_SEEDS), rng.choice(list(BUNDLE_MUTATIONS)), number))
    return cases
