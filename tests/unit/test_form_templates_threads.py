"""deform's templates are compiled safely when many threads render forms for the first time at once."""

from __future__ import annotations

import threading

import chameleon.template

import schemas


def test_template_compilation_is_serialized_and_concurrent_first_renders_succeed(tmp_path):
    schemas.configure_renderer()
    assert getattr(chameleon.template.BaseTemplate.cook, "_guide_serialized", False)
    from chameleon.zpt.template import PageTemplate

    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def render(number: int) -> None:
        # a fresh template per thread: each one is compiled, all of them at the same moment
        template = PageTemplate(
            f"<ul><li tal:repeat='i items' tal:content='python: i * {number}'>x</li></ul>"
        )
        start.wait()
        try:
            assert (
                template(items=[1, 2]).replace("\n", "") == f"<ul><li>{number}</li><li>{2 * number}</li></ul>"
            )
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=render, args=(n,)) for n in range(1, 17)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
