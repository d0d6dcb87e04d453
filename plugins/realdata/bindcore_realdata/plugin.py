"""Registers the real datasets with bindcore (each reads files installed by `make data`)."""

from __future__ import annotations

from bindcore import DatasetSpec, hookimpl


@hookimpl
def register_datasets(register):
    from bindcore_realdata import digits, fashion_mnist, middlebury, motions

    register(DatasetSpec(name="digits", Config=digits.DigitsConfig, build=digits.build,
                         summary="handwritten digits (sklearn 8x8, OpenCV 20x20), spoken digits (recorded: Asterisk, "
                                 "6 voices / 5 languages; training: espeak-ng) and captions, paired by class"))
    register(DatasetSpec(name="fashion_mnist", Config=fashion_mnist.FashionMnistConfig, build=fashion_mnist.build,
                         summary="Fashion-MNIST: 70,000 28x28 clothing images with class captions (Debian dataset-fashion-mnist)"))
    register(DatasetSpec(name="basic_motions", Config=motions.BasicMotionsConfig, build=motions.build_basic_motions,
                         summary="UEA BasicMotions (sktime): smartwatch accelerometer + gyroscope, 4 activities, with names"))
    register(DatasetSpec(name="watch_exercises", Config=motions.WatchExercisesConfig, build=motions.build_watch_exercises,
                         summary="seglearn smartwatch shoulder exercises: 6-channel IMU windows, 7 exercises, with names"))
    register(DatasetSpec(name="middlebury", Config=middlebury.MiddleburyConfig, build=middlebury.build,
                         summary="Middlebury stereo scenes (scikit-image, opencv-doc): aligned image and disparity crops"))
