import pytest

from bindcore.errors import DuplicateComponentError, UnknownComponentError
from bindcore.registry import Registry


def test_add_get_names():
    r = Registry("modality")
    r.add("image", 1, source="a")
    r.add("audio", 2, source="b")
    assert r.get("image") == 1 and r.names() == ["audio", "image"] and r.source("audio") == "b"
    assert "image" in r and len(r) == 2


def test_unknown_name_suggests_the_closest():
    r = Registry("modality")
    r.add("image", 1, source="a")
    with pytest.raises(UnknownComponentError, match="did you mean 'image'"):
        r.get("imgae")


def test_duplicate_names_both_plugins():
    r = Registry("modality")
    r.add("image", 1, source="plug-a")
    with pytest.raises(DuplicateComponentError, match="plug-a.*plug-b"):
        r.add("image", 2, source="plug-b")


def test_remove_source_rolls_back():
    r = Registry("dataset")
    r.add("x", 1, source="a")
    r.add("y", 2, source="b")
    r.remove_source("a")
    assert r.names() == ["y"]
