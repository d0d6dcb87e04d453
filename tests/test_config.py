import pytest

from bindcore.config import apply_overrides, resolve_model_config, validate
from bindcore.config.model_config import ModelConfig
from bindcore.errors import ConfigError


def test_unknown_key_names_path_and_suggests(toy_host):
    with pytest.raises(ConfigError, match=r"model\.modalities\.toy\.widht: unknown key; did you mean 'width'"):
        resolve_model_config({"embed_dim": 8, "modalities": {"toy": {"widht": 3}}}, toy_host)


def test_top_level_typo(toy_host):
    with pytest.raises(ConfigError, match=r"model\.embed_dims: unknown key; did you mean 'embed_dim'"):
        validate(ModelConfig, {"embed_dims": 3}, "model")


def test_bad_value_names_path(toy_host):
    with pytest.raises(ConfigError, match=r"model\.modalities\.toy\.blocks"):
        resolve_model_config({"embed_dim": 8, "modalities": {"toy": {"blocks": -1}}}, toy_host)


def test_unknown_modality_type(toy_host):
    with pytest.raises(ConfigError, match="unknown modality 'tyo'; did you mean 'toy'"):
        resolve_model_config({"modalities": {"x": {"type": "tyo"}}}, toy_host)


def test_instance_name_with_type(toy_host):
    _, resolved = resolve_model_config({"modalities": {"left": {"type": "toy"}, "right": {"type": "toy"}}}, toy_host)
    assert set(resolved) == {"left", "right"}


def test_overrides_parse_yaml_values():
    data = apply_overrides({"a": {"b": 1}}, ["a.b=2", "a.c=true", "d.e=[1, 2]", "f=hello"])
    assert data == {"a": {"b": 2, "c": True}, "d": {"e": [1, 2]}, "f": "hello"}


@pytest.mark.parametrize("bad", ["novalue", "=3", "a..b=1"])
def test_bad_override(bad):
    with pytest.raises(ConfigError, match="bad override"):
        apply_overrides({}, [bad])


def test_unknown_preset_suggests():
    with pytest.raises(ConfigError, match="did you mean 'tiny'"):
        resolve_model_config("tiyn", None)


def test_yaml_is_safe_loaded(tmp_path):
    from bindcore.config import load_yaml

    path = tmp_path / "evil.yaml"
    path.write_text("x: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_yaml(path)


def test_overrides_index_lists():
    data = apply_overrides({"stages": [{"steps": 1}, {"steps": 2}]}, ["stages.1.steps=50"])
    assert data == {"stages": [{"steps": 1}, {"steps": 50}]}
    with pytest.raises(ConfigError, match="not an index"):
        apply_overrides({"stages": [{}]}, ["stages.3.steps=1"])
    with pytest.raises(ConfigError, match="not a mapping or a list"):
        apply_overrides({"a": 1}, ["a.b=2"])
