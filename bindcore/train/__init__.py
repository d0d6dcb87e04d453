"""Training: run configs, recipes (contrastive, bind), the loop, checkpoints and distributed helpers."""
