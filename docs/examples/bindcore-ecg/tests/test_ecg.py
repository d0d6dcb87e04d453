"""The plugin's own test: bindcore's contract suite over the ecg modality."""

from bindcore.testing import check_modality, load_host


def test_contract():
    check_modality(load_host().modalities.get("ecg"))
