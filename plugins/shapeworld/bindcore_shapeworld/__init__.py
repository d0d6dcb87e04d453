"""ShapeWorld: a deterministic procedural world rendered into six modalities from one latent scene."""

from bindcore_shapeworld.captions import caption_with_swap, describe
from bindcore_shapeworld.config import NoiseLevels, ShapeWorldConfig, SplitSizes
from bindcore_shapeworld.dataset import SPLITS, ShapeWorldDataset, build
from bindcore_shapeworld.tasks import TASKS_BY_MODALITY, zero_shot_tasks
from bindcore_shapeworld.vocab import ATTRIBUTES, MODALITIES

__all__ = ["ATTRIBUTES", "MODALITIES", "NoiseLevels", "SPLITS", "ShapeWorldConfig", "ShapeWorldDataset",
           "SplitSizes", "TASKS_BY_MODALITY", "build", "caption_with_swap", "describe", "zero_shot_tasks"]
