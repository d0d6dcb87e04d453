"""Asking a trained VQA run: ``bindcore.load_task_model(RUN_DIR).answer(image, question)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from bindcore import InputError


@dataclass(frozen=True)
class Answer:
    """An answer and the probability the head gives it."""

    answer: str
    probability: float


def check_question(task, question: Any, where: str) -> None:
    """Rejects a question that is not a string, is empty, or does not fit the question encoder's context."""
    if not isinstance(question, str):
        raise InputError(f"a question must be a str, got {type(question).__name__}", where)
    if not question.strip():
        raise InputError("the question is empty; ask something like 'what colour is the square?'", where)
    ids = task.model.modality(task.settings.question).preprocess_one(question, where)  # (L,)
    if not ids.is_floating_point() and int(ids[-1]) != 0:  # no padding left: the tokenizer cut the question
        raise InputError(f"the question is too long for the question encoder's context of {ids.shape[0]} tokens "
                         f"(start and end included); shorten it", where)


class VQAModel:
    """A trained VQA run: the TaskModel that ``bindcore.load_task_model`` loads, with ``answer``.

    Example:
        >>> vqa = bindcore.load_task_model("runs/vqa_shapeworld")  # doctest: +SKIP
        >>> vqa.answer("scene.png", "what colour is the square?")  # doctest: +SKIP
        Answer(answer='red', probability=0.98)
        >>> vqa.answer(["a.png", "b.png"], ["how many objects are there?"] * 2)  # doctest: +SKIP
        [Answer(answer='one', probability=0.99), Answer(answer='two', probability=0.97)]
    """

    def __init__(self, task):
        self.task = task
        self.model, self.head, self.settings = task.model, task.head, task.settings

    @property
    def answers(self) -> list[str]:
        """The answer vocabulary (index 0 is <unk>)."""
        return self.task.classes

    def answer(self, image: Any, question: Any, *, batch_size: int = 64) -> Answer | list[Answer]:
        """Answers one question about one visual input, or lists of both (equal lengths) in batches.

        ``image`` is any raw item of the visual modality (a path, bytes, an array; a sound for an audio head).
        """
        if isinstance(question, (list, tuple)):
            return self.answer_batch(image, question, batch_size=batch_size)
        return self.answer_batch([image], [question])[0]

    def answer_batch(self, images: Sequence[Any], questions: Sequence[Any], *, batch_size: int = 64) -> list[Answer]:
        """One Answer per (visual input, question) pair."""
        if not isinstance(images, (list, tuple)) or len(images) != len(questions):
            raise InputError(f"give as many visual inputs as questions (got {len(images) if isinstance(images, (list, tuple)) else 1} "
                             f"and {len(questions)})")
        for i, q in enumerate(questions):
            check_question(self.task, q, f"question {i}" if len(questions) > 1 else "question")
        items = [{self.settings.visual: image, self.settings.question_key: q} for image, q in zip(images, questions)]
        return [Answer(p.label, p.probability) for p in self.task.predict(items, batch_size=batch_size)]

    def predict(self, items, batch_size: int = 64):
        """The generic TaskModel prediction (dataset-style items)."""
        return self.task.predict(items, batch_size=batch_size)


def wrap(task) -> VQAModel:
    """TaskHeadSpec.wrap."""
    return VQAModel(task)
