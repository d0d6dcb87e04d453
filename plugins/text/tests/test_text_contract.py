"""The bindcore modality contract for the text plugin."""

from bindcore.testing import check_modality, load_host


def test_contract():
    check_modality(load_host().modalities.get("text"))
