"""The course's language table: every sentence the grader writes for a student or an instructor,
in Korean with the English term beside it (the glossary, :mod:`grader.core.words.glossary`, fixes
which Korean word each term gets).

Two kinds of entry, each a module constant in CAPITALS:
- a sentence: a ``str``, with ``{named}`` format fields where it takes values
  (``%s`` for the few that go to a logger);
- a label: a ``(Korean, English)`` pair, shown as "한국어 (English)" by
  :func:`grader.core.words.label` (text) or :func:`grader.core.words.label_html` (HTML).
The weeks' own texts (check titles, hints, picture captions) stay with their week.
"""
from __future__ import annotations

# ---- the student's code, as a check sees it ---------------------------------------------------
MISSING_NAME = ("`{name}` 이(가) 정의되지 않았습니다 (is not defined). 그 이름을 정의하는 셀 (cell)과 "
                "그 위의 셀들을 실행하고, 이름이 정확히 `{name}` 인지 확인하세요.")
NOT_IMPLEMENTED = ("아직 구현하지 않았습니다 (not implemented yet): `# YOUR CODE HERE` 아래의 "
                   "`raise NotImplementedError()` 를 여러분의 코드로 바꾸세요.")
CODE_RAISED = "여러분의 코드가 예외 (exception)를 일으켰습니다: {error_type}"
CHECK_TOO_LONG = ("{seconds:g}초 안에 끝나지 않아 멈췄습니다 (took longer than {seconds:g} s and was stopped). "
                  "무한 반복 (infinite loop)이거나 일이 너무 많지 않은지 보세요.")
CELL_TOO_LONG = ("{seconds:g}초 안에 끝나지 않아 멈췄습니다 (did not finish within {seconds:g} s and was stopped). "
                 "무한 반복 (infinite loop)인가요?")
CELL_RAISED = "예외 (exception)가 났습니다 (raised {error_type}"
CELL_NOTE = "셀 (cell) {number}: {problem}"
OUT_OF_TIME = "멈췄습니다: 제출물 (submission)의 시간이 다 되었습니다 (ran out of time)"
PROCESS_ENDED = "여러분의 코드가 파이썬 프로세스 (Python process)를 끝냈습니다 (ended the process: {why})"
NOT_RUN = "실행되지 않았습니다 (not run): {why}"
CUSTOM_MODEL_CLASS = ("모델이 직접 만든 클래스 (custom model class) `{name}` 입니다: 채점기는 모델을 안전 모드 (safe mode)로 "
                      "다시 읽으므로 그런 클래스는 읽을 수 없습니다 (cannot be loaded). keras.Sequential([...]) 이나 "
                      "keras.Model(inputs, outputs) 에 Keras 기본 층 (built-in layers)만 쓰세요.")
STUDENT_FRAME = "{name}, {line}번째 줄 (line {line})"
NO_REFERENCE = "참조 구현 (reference solutions)이 여기에는 없습니다 (not available here)"
SKIPPED = "건너뛰었습니다 (skipped)"

# ---- comparisons (grader.core.compare) --------------------------------------------------------
EXPECTED, RECEIVED, TOLERANCE = ("기댓값", "expected"), ("받은 값", "received"), ("허용 오차", "tolerance")
ARRAY_DETAILS = "{text} (모양 (shape) {shape}, 자료형 (dtype) {dtype})"
NOT_NUMBERS = "숫자 (numbers: NumPy 배열 (array) 또는 수)여야 하는데 {type} 을(를) 받았습니다"
ELEMENT = "원소 (element) [{index}]"
VALUE = "값 (value)"
ELEMENTS_DIFFER = "{element} 이(가) 다릅니다 ({size}개 중 {wrong}개 틀림, {wrong} of {size} wrong)"
RELATIVE_TOLERANCE = "상대 (relative) {rtol:g}"
ABSOLUTE_TOLERANCE = ", 절대 (absolute) {atol:g}"
SHAPE_DIFFERS = "모양 (shape)이 다릅니다: 기댓값 (expected) {expected}, 받은 값 (received) {received}"
NOT_AN_ARRAY = ("NumPy 배열 (array)이어야 하는데 {type} 을(를) 받았습니다: "
                "노트북이 배열을 돌려달라고 합니다 (the notebook asks for an array)")
NOT_INTEGERS = "정수 (integers)여야 하는데 자료형 (dtype)이 {dtype} 입니다"
NOT_FINITE = "{element} 이(가) 유한한 수가 아닙니다 (not finite: nan 또는 inf)"
TYPE_DIFFERS = "형 (type)이 다릅니다: {expected} 이어야 하는데 {received} 을(를) 받았습니다"
VALUE_DIFFERS = "값 (value)이 다릅니다"
OVERFLOW = ("오버플로 (overflow)가 일어났습니다 ({error_type}: {error}). 큰 양수의 "
            "exp 는 float 에 담기지 않습니다")
WARNING_RAISED = "경고 (warning)가 났습니다: {message}"
BUILDS_ON = "그 함수를 사용합니다 (builds on it)"
FIX_FIRST = ("{culprit} 이(가) 아직 맞지 않습니다 (not right yet; 그 함수의 검사를 먼저 보세요). "
             "{checked} 은(는) {relation}: {culprit} 을(를) 먼저 고치세요 (fix it first). "
             "이 검사가 본 것 (what this check saw): {saw}")

# ---- the notebook file (grader.core.notebook_file) --------------------------------------------
CANNOT_READ = "을(를) 읽을 수 없습니다 (cannot read)"
NOT_A_NOTEBOOK = "주피터 노트북이 아닙니다 (not a Jupyter notebook)"
NO_SUCH_FILE = "{name} {cannot_read}: 그런 파일이 없습니다 (no such file)"
NOT_A_REGULAR_FILE = "{name} {cannot_read}: 링크 (link)이거나 일반 파일 (regular file)이 아닙니다"
NOTEBOOK_TOO_LARGE = ("{name} 이(가) {mb} MB 보다 큽니다 (larger than {mb} MB). "
                      "출력 (outputs)을 지우고 (Kernel > Restart & Clear Output) 저장하세요")
NOT_UTF8 = "{name} {cannot_read}: UTF-8 텍스트가 아닙니다 ({reason} at byte {start})"
CANNOT_READ_BECAUSE = "{name} {cannot_read}: {error}"
NOT_JSON = ("{name} 은(는) 올바른 JSON 이 아닙니다 (not valid JSON: line {line}, "
            "column {column}: {error}). 끝까지 저장되었는지 확인하세요.")
NESTED_TOO_DEEPLY = "{name} 은(는) 너무 깊게 중첩되어 (nested too deeply) 노트북이 아닙니다"
NO_CELL_LIST = "{name} 은(는) {not_a_notebook}: 셀 목록 (list of cells)이 없습니다"
MALFORMED_CELL = "{name} 은(는) {not_a_notebook}: 셀 (cell) {number} 의 형식이 잘못되었습니다 (malformed)"
INVALID_NOTEBOOK = "{name} 은(는) {not_a_notebook}: {problem}"

# ---- the student's notebook side (grader.student) ---------------------------------------------
HIDDEN_TAG = "[숨은 검사 (hidden)]"
HIDDEN_NOTE = "숨은 검사 (hidden checks)의 자세한 내용은 보여 주지 않습니다 (details are not shown)"
HINT = ("힌트", "hint")
SCORE = ("점수", "score")
POINTS = ("점수", "points")
PUBLIC_CHECKS, HIDDEN_CHECKS = ("공개 검사", "public checks"), ("숨은 검사", "hidden checks")
NOT_RUN_YET = "아직 실행하지 않음 (not run yet)"
SAME_AS_ABOVE = "위의 검사와 같은 이유입니다 (same reason as above)."
HIDDEN_RUN_LATER = "{hidden_checks} {points}점은 채점 때 실행됩니다 (run at grading time)."
NOT_WRITTEN_NAME = "`{name}` 를 아직 작성하지 않았습니다 (not implemented yet)."
SOME_CODE_NOT_WRITTEN = "이 셀이 쓰는 코드를 아직 작성하지 않았습니다 (not implemented yet)."
DEMO_SKIPPED = "⏭ 시연 (demo) 셀을 건너뜁니다: {reason} 완성한 뒤 다시 실행하세요."
DEMO_MISSING_NAME = ("⏭ 시연 (demo) 셀을 건너뜁니다: 앞의 셀이 `{name}` 를 만들지 못했습니다 "
                     "(not defined). 앞의 셀을 완성한 뒤 다시 실행하세요.")
DEMO_STOPPED = ("⚠ 시연 (demo) 셀이 위의 오류 (error) 로 멈췄습니다. 노트북의 나머지 셀은 "
                "계속 실행됩니다. 오류를 고친 뒤 다시 실행하세요.")
VALUE_SKIPPED = ("⏭ {not_written} 완성한 뒤 이 셀을 다시 실행하세요. "
                 "그 전까지 아래 테스트 셀 (test cell) 은 0점입니다.")
PUBLIC_POINTS = "공개 점수 (public points)"
RERUN_NOW = "방금 모든 공개 검사를 다시 실행한 결과입니다 (all public checks, run just now)."
LAST_RUNS = ("각 항목의 마지막 테스트 셀 (test cell) 실행 결과입니다 (as last run): 그 뒤에 고친 코드는 "
             "테스트 셀을 다시 실행해야 반영됩니다.")
CLOSING_PUBLIC = "{runs} {public_checks} {earned} / {possible}점."
CLOSING_HIDDEN = " {hidden_checks} {hidden}점은 채점 때 실행됩니다."
CLOSING_TOTAL = " 노트북 총점 (total) {total}점."
CLOSING_NOT_RUN = " 아직 실행하지 않은 항목 (not run yet)이 {count}개 있습니다."
SUMMARY_TITLE = "{spec} 요약 (summary)"
SUMMARY_ROW = "  {target}: 공개 (public) {earned} / {possible}, 숨은 (hidden) {hidden}"
SUMMARY_TOTAL = "  합계 (total): 공개 (public) {earned} / {possible}, 숨은 (hidden) {hidden}"
ITEM, PUBLIC_SHORT, HIDDEN_SHORT, TOTAL = ("항목", "item"), ("공개 점수", "public"), ("숨은 검사", "hidden"), ("합계", "total")
SUMMARY = ("요약", "summary")
CHECKS_DID_NOT_RUN = "검사가 실행되지 않았습니다 (the checks did not run)"
NOTEBOOK_TOO_LONG = ("노트북이 {seconds:g}초 안에 끝나지 않아 멈췄습니다 "
                     "(the notebook did not finish within {seconds:g} s and was stopped)")
KERNEL_DIED = ("노트북의 커널 (kernel)이 죽었습니다: 메모리 (memory)가 모자랐거나 코드가 프로세스를 "
               "끝냈습니다 (the kernel died)")
NOTEBOOK_OUT_OF_TIME = "노트북이 제한 시간 안에 끝나지 않았습니다 (did not finish in time)"
CANNOT_BE_GRADED_FILE = "{error}: 이 파일은 채점할 수 없습니다 (cannot be graded)"
NOTEBOOK_NOT_RUN = "노트북을 실행할 수 없었습니다 (could not be run: {error_type}: {error})"
CHECK_DID_NOT_RUN = "이 검사는 실행되지 않았습니다 (did not run)"

# ---- grader check, and pytest's options (the command line) ------------------------------------
CLI_NOT_A_COMMAND = ("'{command}' 명령은 이 설치에 없습니다 (is not a command of this installation); "
                     "명령 (commands): {commands}.")
CLI_INSTRUCTOR_ONLY = (" `grader grade` 와 `grader report` 는 과목 저장소 (course repository)의 채점자용 명령입니다: "
                       "학생 패키지 (student package)에는 없습니다 (not in the student package).")
CLI_DESCRIPTION = "과목의 노트북 (notebooks)을 검사하고 채점합니다 (check and grade the course's notebooks)."
CLI_CHECK = "노트북의 공개 검사 (public checks)를 실행합니다"
CLI_CELL_TIMEOUT = "셀 (cell) 하나가 실행될 수 있는 초 (seconds; 기본값 (default) {seconds:g})"
CLI_TEST_TIMEOUT = "검사 하나가 실행될 수 있는 초 (seconds; 기본값 (default) {seconds:g})"
CLI_ONLY = ("이 이름의 채점 항목 (graded item) 만 실행합니다: 함수 이름과 정확히 같아야 합니다 "
            "(exact name; `-k step` 은 sgd_step 도 고릅니다). 여러 번 쓸 수 있습니다 (repeatable).")

# ---- the sandbox ------------------------------------------------------------------------------
REPLY_TOO_LARGE = ("여러분의 코드가 돌려준 답이 채점기가 읽는 크기보다 큽니다 (reply too large: {error}). "
                   "노트북의 프로세스 (process)를 다시 시작했습니다 (restarted).")
REPLY_UNREADABLE = "여러분의 코드가 돌려준 답을 읽을 수 없습니다 (could not be read: {error})"
RESTARTED_TOO_OFTEN = ("노트북의 프로세스 (process)를 이미 {times}번 다시 시작했습니다 "
                       "(restarted {times} times)")
DEATH_STOPPED = "멈춰졌습니다 (it was stopped)"
DEATH_SILENT = "응답하지 않습니다 (it stopped answering)"
DEATH_MEMORY = "메모리 (memory)가 모자랐습니다 (out of memory)"
DEATH_SIGNALS = {"SIGSEGV": "세그멘테이션 오류 (segmentation fault)",
                 "SIGKILL": "강제 종료, 메모리 (memory) 부족일 수 있습니다 (killed, perhaps out of memory)",
                 "SIGXCPU": "CPU 시간이 다 되었습니다 (out of CPU time)",
                 "SIGABRT": "중단, 메모리 (memory) 부족일 수 있습니다 (aborted, perhaps out of memory)"}
DEATH_EXIT_CODE = "종료 코드 (exit code) {code}"
KERAS_CANNOT_START = "Keras 가 이 제한 안에서 시작하지 못했습니다 (Keras cannot start: {why})"
MODEL_REFUSED = ("모델 (model) 을 학생 코드와 같은 제한 (limits: 메모리 (memory) {memory_mb} MB, "
                 "시간 (time)) 안에서 읽고 예측 (predict) 할 수 없었습니다 (could not be built within the "
                 "limits): {why}")
MODEL_OUT_OF_TIME = "시간이 다 되었습니다 (out of time)"
MODEL_TOO_SLOW = "이미지 {images} 장의 예측 (predict) 이 {seconds:.0f} 초보다 오래 걸렸습니다 (too slow)"
NO_SPEC_MODULE = "검사 모듈 (spec module)이 없습니다 (no spec module {missing} in {folder})"
HIDDEN_SPECS_ELSEWHERE = " (숨은 검사는 강사 쪽에만 있습니다: hidden specs are only on the instructor's side)"
# the trusted side's refusals (grader.sandbox.protocol): what a sandboxed notebook may not ask for
UNKNOWN_REQUEST = "알 수 없는 요청입니다 (unknown request {op!r})"
NO_SUCH_OBJECT = "그런 객체 (object)가 없습니다 (no such object: it belonged to an earlier run)"
ONLY_FUNCTIONS = "넘겨받은 함수만 호출할 수 있습니다 (only functions handed over may be called)"
NO_PUBLIC_ATTRIBUTE = "{type} 에는 공개 속성 (public attribute) {name!r} 이(가) 없습니다 ({type} has no public attribute {name!r})"
CANNOT_SET = "여기서는 {name!r} 을(를) 바꿀 수 없습니다 (cannot set {name!r} here)"
ONLY_DATA = "여기에는 데이터 (data)만 저장할 수 있습니다 (only data may be stored here)"
ONLY_CONTAINERS = "컨테이너 (container)만 반복할 수 있습니다 (only containers may be iterated)"
NOT_AN_ITERATOR = "반복자 (iterator)가 아닙니다 (not an iterator)"
NOT_A_CONTAINER = "컨테이너 (container)가 아닙니다 (not a container)"
NESTED_TOO_DEEPLY_TO_SEND = "값이 너무 깊게 중첩되어 보낼 수 없습니다 (the value is nested too deeply to send)"
DTYPE_CANNOT_BE_SENT = "자료형 (dtype) {dtype} 의 배열은 보낼 수 없습니다 (arrays of dtype {dtype} cannot be sent)"

# ---- grading (grader.grading) -----------------------------------------------------------------
OVER_CLOCK = ("채점이 제출물 (submission)의 전체 시간 제한 (time limit) {seconds:.0f}초 안에 끝나지 않아 "
              "멈췄습니다 (stopped: the whole submission ran out of time)")
PICTURE_NOT_WRITTEN = "아직 구현하지 않았습니다 (not implemented yet)"
TEST_CELL_EDITED = ("%s: 테스트 셀 (test cell) %s 을 학생이 고쳤습니다 (edited by the student): "
                    "강사의 원본으로 채점합니다 (graded as the instructor wrote it)")
CELL_CHANGED = "%s: 셀 (cell) %s 의 %s 이 바뀌었습니다 (changed): %s -> %s; 원본으로 되돌립니다 (restored)"
TEST_CELL_NOT_PYTHON = "테스트 셀 (test cell)이 올바른 파이썬 코드가 아닙니다 (not valid Python: {error})"
CHECK_NAME_NOT_LITERAL = "check(...) 호출이 검사 이름을 문자열 리터럴 (string literal)로 주지 않습니다"
CHECK_HIDDEN_NOT_BOOL = "check(...) 호출의 hidden= 이 True 나 False 가 아닙니다 (not a literal True or False)"
TEST_CELL_WITHOUT_CHECK = "테스트 셀 (test cell)이 check(...) 를 호출하지 않습니다"
GRADING_FAILED_CELL = "! 채점에 실패했습니다 (grading failed): {error_type}: {error}\n"
TEST_CELL_UNGRADABLE = "이 테스트 셀 (test cell)은 채점할 수 없습니다 (could not be graded): {error}"
NO_SUCH_SPEC = "이 과목에는 {spec!r} 라는 검사가 없습니다 (no such checks): {error}"
FOREIGN_TEST_CELL = "! 이 노트북의 테스트 셀 (test cell)이 아닙니다: 0점 (no points)\n"
GRADING_FAILED = "채점에 실패했습니다 (grading failed): {error_type}: {error}"
NOTEBOOK_UNGRADABLE = "노트북을 채점할 수 없었습니다 (could not be graded)"
UNREADABLE_PATH = "읽을 수 없습니다 (cannot read) {path} ({reason}): 채점하지 않았습니다 (not graded)"
STRAY_MORE = " 외 {more}개 (and {more} more)"
STRAY_NOTEBOOKS = ("채점하지 않은 노트북 (not graded): {shown}{more}. 과제 폴더 (assignment folder) 바로 아래의 "
                   "노트북 하나만 채점합니다 (only the notebook at the top of the assignment folder is graded, as nbgrader does)")
GLOB_IN_ID = ("학생 id (student id)에 {characters} 중 한 글자가 있어 nbgrader autograde는 이 폴더를 찾지 "
              "못합니다 (nbgrader reads the id as a glob pattern and grades nothing here)")
ZIP_ENTRY = "압축 파일 (zip)의 {name!r}: {reason}"
FOLDER_CLASH = "결과 폴더 (results folder)의 이름이 다른 제출과 겹쳐 {key!r}에 씁니다 (folder name clash)"

# ---- the class's grading (grader.batch) -------------------------------------------------------
NOTHING_HANDED_IN = "제출한 노트북이 없습니다 (no notebook was handed in)"
NOT_THIS_COURSE = "{name} 은(는) 이 과목의 노트북이 아닙니다 (not one of this course's notebooks: {specs})"
PROCESS_ENDED_SILENT = ("채점에 실패했습니다: 채점 프로세스 (grading process)가 결과 없이 끝났습니다 "
                        "(grading failed: the grading process ended with code {code} and no result)")
GRADING_PROCESS_FAILED = "채점 프로세스 (grading process)가 실패했습니다 (the grading process failed)"
PROCESS_FAILED_TWICE = "채점 프로세스 (grading process)가 두 번 실패했습니다 (failed twice): {error_type}: {error}"

# ---- archives (grader.grading.archive) --------------------------------------------------------
ZIP_OUTSIDE = "압축 파일 (zip) 밖을 가리키는 경로 (path outside the archive)"
ZIP_LINK = "링크 (symbolic link)는 풀지 않습니다 (links are not unpacked)"
ZIP_NAME_TOO_LONG = "이름이 너무 깁니다 (file name too long)"
ZIP_ENCRYPTED = "암호가 걸려 있습니다 (encrypted entry)"
ZIP_NESTED = "압축 파일 안의 압축 파일 (nested archive)은 풀지 않습니다 (not unpacked)"
ZIP_DECLARED_TOO_LARGE = "너무 큽니다 (too large: {size} bytes declared, at most {limit})"
ZIP_SAME_NAME = "같은 이름이 두 번 있습니다 (the same name twice in the archive)"
ZIP_FILE_AND_FOLDER = "파일과 폴더의 이름이 같습니다 (a file and a folder of the same name)"
ZIP_TOO_MANY = "압축 파일의 항목이 너무 많습니다 (more than {limit} entries)"
ZIP_ENTRY_TOO_LARGE = "너무 큽니다 (too large: more than {limit} bytes)"
ZIP_TOO_LARGE = "압축 파일 전체가 너무 큽니다 (the archive unpacks to more than {limit} bytes)"
ZIP_DAMAGED = "손상되었습니다 (damaged entry: {error})"
ZIP_COMPRESSION = "읽을 수 없는 압축 방식입니다 (unsupported compression: {error})"
ZIP_CANNOT_UNPACK = "풀 수 없습니다 (cannot unpack: {error})"

# ---- a homework's model (grader.core.model_eval): SubmissionError, shown by the homework's checks ----
MODEL_BUILD_RAISED = "build_model() 이 예외 (exception)를 일으켰습니다 (build_model() raised {error_type}: {error})"
MODEL_NOT_KERAS = "build_model() 이 Keras 모델 (model)을 돌려주지 않았습니다 (build_model() returned {type}, not a Keras model)"
MODEL_CANNOT_SAVE = ("모델 (model)을 .keras 파일로 저장할 수 없습니다 (the model could not be saved as a .keras file: "
                     "{error_type}: {error})")
MODEL_TRAINING_STOPPED = ("build_model() + train_model() 이 학습 시간 (training budget) 안에 끝나지 않아 멈췄습니다 "
                          "(did not finish within the training budget and were stopped: {error})")
MODEL_TRAIN_RAISED = ("train_model 이 예외 (exception)를 일으켰습니다 (train_model(model, x_train, y_train) raised "
                      "{error_type}: {error})")
MODEL_TRAINED_CANNOT_SAVE = ("학습한 모델 (trained model)을 .keras 파일로 저장할 수 없습니다 (the trained model could "
                             "not be saved as a .keras file: {error_type}: {error})")
MODEL_NOT_SAFE = ("저장한 모델을 안전 모드 (safe mode)로 읽을 수 없습니다 (the saved model cannot be loaded in Keras's "
                  "safe mode: {first}). Keras 기본 층 (built-in layers)만으로 만드세요: Lambda 대신 "
                  "keras.layers.Rescaling, 직접 만든 층 클래스 (custom layer classes)는 쓰지 마세요")
MODEL_CANNOT_PREDICT = ("학습한 모델이 원본 이미지 (raw images, uint8 0-255, 모양 (shape) {shape})를 예측 (predict)하지 "
                        "못했습니다 (could not predict): {why}")
MODEL_OUTPUT_SHAPE = ("학습한 모델의 출력 (output) 모양 (shape)이 이미지 {count}장에 {shape} 입니다: 숫자마다 확률 하나인 "
                      "({count}, 10) 이어야 합니다 (expected one probability per digit)")
MODEL_OVER_BUDGET = ("build_model() + train_model() 이 {seconds:.0f}초 걸려 학습 시간 {budget:.0f}초를 넘었습니다 "
                     "(took {seconds:.0f} s, over the training budget of {budget:.0f} s)")

# ---- the feedback page (grader.pages.feedback) ------------------------------------------------
STATUS_TEXT = {
    "graded": ("채점 완료", "graded"),
    "unreadable": ("파일을 읽을 수 없음", "the file could not be read"),
    "empty": ("제출물 없음", "nothing was handed in"),
    "unknown": ("이 과제의 노트북이 아님", "not a notebook of this course"),
    "error": ("채점 중 오류", "grading failed"),
}
POINT = ("점", "points")
CHECKS_PASSED = ("검사 통과", "checks passed")
WHAT_IS_CHECKED = ("검사 내용", "what is checked")
HIDDEN_CHECK_SHOWN = ("숨은 검사입니다: 이름과 점수, 힌트만 보입니다", "a hidden check: only its name, points and hint are shown")
YOUR_CODE_IN_PICTURES = ("그림으로 보는 내 코드", "your code in pictures")
COULD_NOT_DRAW = ("그림을 그릴 수 없었습니다", "could not draw")
CHECKS = ("검사 결과", "checks")
WHAT_TO_FIX = ("고칠 곳", "what to fix")
ALL_PASSED = ("모든 검사를 통과했습니다. 잘했어요!", "every check passed. Well done!")
# results.json's text (Gradescope shows it; the class report groups failures by it)
PASSED = "통과 (passed)"
HIDDEN_FAILED = "숨은 검사를 통과하지 못했습니다 (hidden test failed)"
RESULTS_LINE = "{notebook}: {status}, {earned} / {possible}점 (points)"
GRADED_IN = "채점 시간 (graded in) {seconds:.1f} s · 노트북 (notebook) sha256 {sha256}"

# ---- nbgrader's feedback page (grader/pages/templates/course_feedback, through the `words` filter)
FEEDBACK_TEST_CELL, FEEDBACK_ANSWER, FEEDBACK_TASK = ("검사", "test cell"), ("답안", "answer"), ("과제", "task")
FEEDBACK_COMMENT, LATE_PENALTY = ("의견", "comment"), ("늦은 제출 감점", "late submission penalty")

# ---- the class report (grader.pages.class_report) ---------------------------------------------
STUDENTS, NOTEBOOKS = ("학생", "students"), ("노트북", "notebooks")
SCORE_AXIS, STUDENT_COUNT = ("점수", "score"), ("학생 수", "students")
GRADING_SECONDS, NOTEBOOK_COUNT = ("채점 시간, 초", "grading time, s"), ("노트북 수", "notebooks")
HIDDEN_TEST, VALIDATION, ACCURACY_PERCENT = ("숨겨진 테스트", "hidden test"), ("검증", "validation"), ("정확도, %", "accuracy, %")
HOMEWORK_ACCURACY = ("숙제 정확도", "homework accuracy")
CLASS_REPORT = ("수업 리포트", "class report")
SCORE_DISTRIBUTION = ("점수 분포", "score distribution")
HARDEST_TESTS = ("어려운 테스트 순", "tests, hardest first")
MISUNDERSTOOD = ("학생들이 헷갈린 것", "what the class misunderstood")
FOLLOW_UP = ("확인이 필요한 학생", "students to follow up")
GRADING_TIME = ("채점 시간", "grading time per submission")
SCORES_PER_STUDENT = ("학생별 점수", "scores per student")

# ---- the pictures (grader.pages.pictures) -----------------------------------------------------
EXPECTED_0, EXPECTED_1 = ("기댓값 0", "expected 0"), ("기댓값 1", "expected 1")
DISAGREES, WRONG = ("틀림", "disagrees"), ("틀림", "wrong")
GATE_REGIONS, OUTPUT_1 = ("게이트 출력 영역", "gate output regions"), ("출력 1", "output 1")
DECISION_BOUNDARY = ("결정 경계", "decision boundary")
EPOCH, ERRORS, ERRORS_PER_EPOCH = ("에포크", "epoch"), ("오분류 수", "errors"), ("에포크별 오분류", "errors per epoch")
NETWORK_OUTPUT, OUTPUT_HALF = ("네트워크 출력", "network output"), ("출력 0.5", "output 0.5")
LOSS, LOSS_PER_EPOCH = ("손실", "loss"), ("에포크별 손실", "loss per epoch")
LABEL, ORIGINAL, COPY = ("라벨", "label"), ("원본", "original"), ("증강 {number}", "copy {number}")
DATA_AUGMENTATION, SIGN_LETTERS = ("데이터 증강", "data augmentation"), ("수어 알파벳", "sign language letters")
PREDICTED, TRUE_CLASS = ("예측", "predicted"), ("정답", "true")
CONFUSION_MATRIX, ACCURACY = ("혼동 행렬", "confusion matrix"), ("정확도", "accuracy")
