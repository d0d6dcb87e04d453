"""bindcore-imu: the IMU modality plugin."""

__version__ = "0.1.0"
