"""Same seed, same bytes: benchmarks on two machines, or two days apart, measure the same data."""

from eligibility import synthetic

from .conftest import generate

FILES = [
    synthetic.HEAT_FILE,
    synthetic.COLD_FILE,
    synthetic.CONSTRUCTION_FILE,
    synthetic.CONSTRUCTION_ZONE_FILE,
    synthetic.PDP_FILE,
    synthetic.ADDRESSES_FILE,
    synthetic.MANIFEST_FILE,
]


def test_the_same_seed_writes_byte_identical_files(small_dataset, tmp_path):
    again = generate(tmp_path / "again")
    for name in FILES:
        assert (again / name).read_bytes() == (small_dataset / name).read_bytes(), name


def test_another_seed_writes_other_networks_and_addresses(small_dataset, tmp_path):
    other = generate(tmp_path / "other", seed=8)
    for name in FILES:
        assert (other / name).read_bytes() != (small_dataset / name).read_bytes(), name


def test_reuse_existing_keeps_a_complete_dataset_of_the_same_seed_and_size(tmp_path):
    directory = generate(tmp_path / "dataset")
    heat = directory / synthetic.HEAT_FILE
    heat.write_text("kept", encoding="utf-8")
    generate(directory, reuse_existing=True)
    assert heat.read_text(encoding="utf-8") == "kept"

    generate(directory, reuse_existing=True, addresses=1500)  # another size: regenerated
    assert heat.read_text(encoding="utf-8") != "kept"
