"""Class names and text phrasings: captions for training and prompts for zero-shot evaluation."""

from __future__ import annotations

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
DIGIT_TEMPLATES = ("the digit {word}", "{n}", "{word}", "the number {word}", "a handwritten {n}",
                   "the digit {n}", "a picture of the number {word}", "someone saying {word}")

FASHION_CLASSES = ("t-shirt", "trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot")
FASHION_TEMPLATES = ("a photo of a {c}", "a {c}", "a picture of a {c}", "a black and white photo of a {c}",
                     "a product photo of a {c}", "a small photo of the {c}")

MOTION_PROMPTS = {
    "standing": ("a person standing still", "someone standing", "standing"),
    "walking": ("a person walking", "someone walking", "walking"),
    "running": ("a person running", "someone running", "running"),
    "badminton": ("a person playing badminton", "someone swinging a badminton racket", "badminton"),
}

# seglearn's watch dataset: shoulder-rehabilitation exercises, labelled by abbreviation.
EXERCISE_NAMES = {"PEN": "pendulum", "ABD": "abduction", "FEL": "forward elevation", "IR": "internal rotation",
                  "ER": "external rotation", "TRAP": "trapezius extension", "ROW": "upright row"}
EXERCISE_TEMPLATES = ("a {c} shoulder exercise", "doing a {c}", "{c}", "a person doing a {c} exercise")


def digit_prompts(k: int) -> list[str]:
    return [t.format(n=k, word=DIGIT_WORDS[k]) for t in DIGIT_TEMPLATES]


def fashion_prompts(c: str) -> list[str]:
    return [t.format(c=c) for t in FASHION_TEMPLATES]


def exercise_prompts(c: str) -> list[str]:
    return [t.format(c=c) for t in EXERCISE_TEMPLATES]
