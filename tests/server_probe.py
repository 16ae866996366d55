"""What the user running this can read: a list of [label, kind, target] on stdin, {label: verdict} out.

Run as each user of a course server (``tests/test_course_term.py``) with the course's Python.
Kinds: ``file`` (read it), ``dir`` (list it), ``gradebook`` (connect to the URL in ``target``, or,
when ``target`` is a course folder's nbgrader_config.py, to the URL written there, and count the
submissions). A verdict is ``read`` or ``denied: <why>``.
"""
import json
import os
import re
import sys


def attempt(kind: str, target: str) -> str:
    try:
        if kind == "file":
            with open(target, "rb") as handle:
                handle.read(1)
        elif kind == "dir":
            os.listdir(target)
        elif kind == "gradebook":
            url = target
            if target.endswith(".py"):
                text = open(target, encoding="utf-8").read()
                url = re.search(r"db_url = '([^']+)'", text).group(1)
            import sqlalchemy
            engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 5})
            with engine.connect() as connection:
                connection.execute(sqlalchemy.text("SELECT count(*) FROM submitted_assignment")).scalar()
        else:
            return f"denied: unknown kind {kind}"
        return "read"
    except Exception as error:   # noqa: BLE001 - the verdict is the point
        return f"denied: {type(error).__name__}: {str(error)[:160]}"


if __name__ == "__main__":
    print(json.dumps({label: attempt(kind, target) for label, kind, target in json.load(sys.stdin)}))
