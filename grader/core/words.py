"""Sentences the engine itself writes for students (Korean, with the English term beside),
shared by every path that grades: the test cell, ``grader check``, pytest and the sandbox."""
from __future__ import annotations


def missing_name(name: str) -> str:
    return (f"`{name}` 이(가) 정의되지 않았습니다 (is not defined). 그 이름을 정의하는 셀 (cell)과 "
            f"그 위의 셀들을 실행하고, 이름이 정확히 `{name}` 인지 확인하세요.")


NOT_IMPLEMENTED = ("아직 구현하지 않았습니다 (not implemented yet): `# YOUR CODE HERE` 아래의 "
                   "`raise NotImplementedError()` 를 여러분의 코드로 바꾸세요.")


def code_raised(error_type: str, message: str = "", where: str = "") -> str:
    """``여러분의 코드가 예외 (exception)를 일으켰습니다: ValueError: ...`` (and where, if known)."""
    text = f"여러분의 코드가 예외 (exception)를 일으켰습니다: {error_type}" + (f": {message}" if message else "")
    return text + (f" ({where})" if where else "")


def code_at(name: str, line: int, code: str = "") -> str:
    """Where in the student's code: ``step, 3번째 줄 (line 3): return 1 / z``."""
    return f"{name}, {line}번째 줄 (line {line})" + (f": {code}" if code else "")


def check_too_long(seconds: float) -> str:
    """A check that ran past its time limit."""
    return (f"{seconds:g}초 안에 끝나지 않아 멈췄습니다 (took longer than {seconds:g} s and was stopped). "
            f"무한 반복 (infinite loop)이거나 일이 너무 많지 않은지 보세요.")


def cell_too_long(seconds: float) -> str:
    """A notebook cell that ran past its time limit."""
    return (f"{seconds:g}초 안에 끝나지 않아 멈췄습니다 (did not finish within {seconds:g} s and was stopped). "
            f"무한 반복 (infinite loop)인가요?")


def cell_raised(error_type: str, message: str = "") -> str:
    """A notebook cell that raised."""
    return f"예외 (exception)가 났습니다 (raised {error_type}" + (f": {message})" if message else ")")


def cell_note(number: int, problem: str) -> str:
    """A note about one notebook cell, e.g. ``셀 (cell) 3: 예외 (exception)가 났습니다 (raised ...)``."""
    return f"셀 (cell) {number}: {problem}"


OUT_OF_TIME = "멈췄습니다: 제출물 (submission)의 시간이 다 되었습니다 (ran out of time)"


def process_ended(why: str) -> str:
    return f"여러분의 코드가 파이썬 프로세스 (Python process)를 끝냈습니다 (ended the process: {why})"


def not_run(why: str) -> str:
    """A check that never ran, and why."""
    return f"실행되지 않았습니다 (not run): {why}"


def custom_model_class(name: str) -> str:
    """A Keras model of the student's own class, which safe mode cannot load (06 rules it out)."""
    return (f"모델이 직접 만든 클래스 (custom model class) `{name}` 입니다: 채점기는 모델을 안전 모드 (safe mode)로 "
            f"다시 읽으므로 그런 클래스는 읽을 수 없습니다 (cannot be loaded). keras.Sequential([...]) 이나 "
            f"keras.Model(inputs, outputs) 에 Keras 기본 층 (built-in layers)만 쓰세요.")
