"""How week 3's pictures are drawn: one function per picture, from the plain JSON its observer kept.

The regions of the student's logic gates, their perceptron's line and errors, their XOR
network's output, their loss curve, their augmented images, their letters, their confusion
matrix (observed by :mod:`grader.weeks.week3.instructor.observers`). Each ``draw(obs) -> Picture``
checks the data first and raises :class:`~grader.pages.pictures.Undrawable` for what it cannot
draw; the primitives (figures, marks, checks) are :mod:`grader.pages.pictures`'.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from grader.core import words
from grader.pages import figures
from grader.pages.pictures import (MAX_EPOCHS, REGION, WRONG, Picture, Undrawable, axis_of, binary_points, expected_points,
                                   finish, fmt, grid_of, labels_of, legend_handles, mapping, new_figure, numbers,
                                   plural, text_of, value_at)

TRUTH = {"and_gate": ("AND", lambda a, b: a & b), "or_gate": ("OR", lambda a, b: a | b),
         "nand_gate": ("NAND", lambda a, b: 1 - (a & b)), "xor_gate": ("XOR", lambda a, b: a ^ b)}
INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))


def gate_regions(obs) -> Picture:
    """``{"axis": [G], "and_gate": GxG 0/1, "or_gate": ..., "nand_gate": ..., "xor_gate": ...}``:
    one panel per gate, the region where it outputs 1 shaded, the four inputs marked with
    their truth-table value and a red ring where the gate disagrees."""
    obs = mapping(obs)
    axis = axis_of(obs.get("axis"))
    panels = []
    for key, (name, truth) in TRUTH.items():
        value = obs.get(key)
        if value is None or (isinstance(value, dict)):
            continue
        try:
            panels.append((key, name, truth, grid_of(value, axis, key) > 0.5))
        except Undrawable:
            continue
    if not panels:
        raise Undrawable("no gate can be drawn")
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    figure = new_figure(1.75 * len(panels) + 0.6, 3.0)
    axes = figure.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    mistakes = []
    for ax, (_key, name, truth, region) in zip(axes, panels):
        ax.pcolormesh(axis, axis, region.astype(int), cmap=ListedColormap(REGION), vmin=0, vmax=1,
                      shading="nearest", rasterized=True)
        expected = [truth(a, b) for a, b in INPUTS]
        got = [value_at(axis, region, a, b) for a, b in INPUTS]
        wrong = [g is not None and int(g) != e for g, e in zip(got, expected)]
        expected_points(ax, INPUTS, expected, wrong)
        bad = [INPUTS[i] for i, w in enumerate(wrong) if w]
        mistakes += [f"{name} at {p}" for p in bad]
        ax.set_title(f"{name}: " + ("OK" if not bad else f"{len(bad)}/4 " + figures.label(words.WRONG)),
                     color=WRONG if bad else "black", fontsize=10)
        ax.set_xlim(axis[0], axis[-1])
        ax.set_ylim(axis[0], axis[-1])
        ax.set_aspect("equal")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
        ax.set_xlabel("x1")
    axes[0].set_ylabel("x2")
    figure.suptitle(figures.label(words.GATE_REGIONS), fontsize=11)
    shaded = Patch(facecolor=REGION[1], edgecolor="#6b8fa8", label=figures.label(words.OUTPUT_1))
    figure.legend(handles=legend_handles(bool(mistakes), [shaded]), loc="outside lower center",
                  ncol=4, fontsize=8, frameon=False)
    if mistakes:
        caption = ("Shaded: where your gate outputs 1; a red ring marks an input whose truth-table value "
                   f"(black square = 1, white circle = 0) disagrees with your gate: {', '.join(mistakes)}.")
    else:
        caption = ("Shaded: where your gate outputs 1; every input (black square = 1, white circle = 0) "
                   "falls on the side its truth table asks for, and only XOR needs a region no single line can cut.")
    return finish(figure, caption)


def perceptron_training(obs) -> Picture:
    """``{"X": n x 2, "y": n of 0/1, "w": [w1, w2], "b": float, "errors": [per epoch]}``: the data
    with the learned line ``w1*x1 + w2*x2 + b = 0``, and the errors per epoch."""
    obs = mapping(obs)
    X, y = binary_points(obs)
    w = numbers(obs.get("w"), ndim=1, name="w", strict=True)
    if w.shape != (2,):
        raise Undrawable("w must hold two numbers")
    b = numbers(obs.get("b"), name="b", strict=True)
    if b.size != 1:
        raise Undrawable("b must be one number")
    b = float(b.reshape(-1)[0])
    errors = numbers(obs.get("errors"), ndim=1, name="errors", limit=MAX_EPOCHS, strict=True)

    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.maximum((high - low) * 0.12, 0.5)
    low, high = low - pad, high + pad
    predicted = (X @ w + b > 0).astype(int)
    wrong = predicted != y

    figure = new_figure(6.2, 3.0)
    left, right = figure.subplots(1, 2, width_ratios=[1.1, 1])
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], 200), np.linspace(low[1], high[1], 200))
    side = (w[0] * g1 + w[1] * g2 + b > 0).astype(int)
    from matplotlib.colors import ListedColormap
    left.pcolormesh(g1, g2, side, cmap=ListedColormap(REGION), vmin=0, vmax=1, shading="nearest",
                    rasterized=True, alpha=0.8)
    line = None
    if abs(w[1]) > 1e-12 * max(1.0, abs(w[0])):
        xs = np.array([low[0], high[0]])
        line = left.plot(xs, -(w[0] * xs + b) / w[1], color="black", lw=1.8)[0]
    elif abs(w[0]) > 0:
        line = left.axvline(-b / w[0], color="black", lw=1.8)
    if line is not None:
        line.set_label("w1·x1 + w2·x2 + b = 0")
    expected_points(left, X, y, wrong, size=30)
    left.set_xlim(low[0], high[0])
    left.set_ylim(low[1], high[1])
    left.set_xlabel("x1")
    left.set_ylabel("x2")
    left.set_title(figures.label(words.DECISION_BOUNDARY), fontsize=10)
    if line is not None:
        left.legend(loc="upper left", fontsize=7, framealpha=0.85)

    epochs = np.arange(1, len(errors) + 1)
    if len(errors) <= 60:
        right.bar(epochs, errors, color="#4a7fb0", width=0.8)
    else:
        right.plot(epochs, errors, color="#4a7fb0", lw=1.2)
    right.set_xlabel(figures.label(words.EPOCH))
    right.set_ylabel(figures.label(words.ERRORS))
    right.set_title(figures.label(words.ERRORS_PER_EPOCH), fontsize=10)
    from matplotlib.ticker import MaxNLocator
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_ylim(bottom=0)

    where = "no line (w is zero)" if line is None else "the line"
    ending = ("and the last epoch had no error" if errors[-1] == 0
              else f"and the last epoch still had {plural(int(errors[-1]), 'error')}")
    caption = (f"With w = [{fmt(w[0])}, {fmt(w[1])}] and b = {fmt(b)}, {where} leaves "
               f"{plural(int(wrong.sum()), 'point')} of {len(X)} on the wrong side (red rings); training ran "
               f"{plural(len(errors), 'epoch')} {ending}.")
    return finish(figure, caption)


def xor_region(obs) -> Picture:
    """``{"axis": [G], "output": GxG in [0, 1], "X": 4x2, "y": 4 of 0/1}``: the network's output as
    a heat map, its 0.5 contour (the decision boundary) and the XOR points by label."""
    obs = mapping(obs)
    axis = axis_of(obs.get("axis"))
    output = grid_of(obs.get("output"), axis, "output")
    X, y = binary_points(obs)

    figure = new_figure(4.3, 4.0)
    ax = figure.subplots()
    mesh = ax.pcolormesh(axis, axis, np.clip(output, 0, 1), cmap="Blues", vmin=0, vmax=1, shading="gouraud",
                         rasterized=True)
    bar = figure.colorbar(mesh, ax=ax, shrink=0.8, pad=0.03)
    bar.set_label(figures.label(words.NETWORK_OUTPUT))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # no 0.5 level when the output never crosses it
        if output.min() < 0.5 < output.max():
            ax.contour(axis, axis, output, levels=[0.5], colors="black", linewidths=1.8)
    got = [value_at(axis, output, a, b) for a, b in X]
    wrong = [g is not None and int(g > 0.5) != t for g, t in zip(got, y)]
    expected_points(ax, X, y, wrong, size=90)
    ax.set_xlim(axis[0], axis[-1])
    ax.set_ylim(axis[0], axis[-1])
    ax.set_aspect("equal")
    ax.set_xticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_yticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("XOR " + figures.label(words.DECISION_BOUNDARY), fontsize=10)
    from matplotlib.lines import Line2D
    boundary = Line2D([], [], color="black", lw=1.8, label=figures.label(words.OUTPUT_HALF))
    handles = legend_handles(any(wrong), [boundary])       # rows: line, ring / expected 0, expected 1
    handles = [handles[0], handles[1], *handles[3:], handles[2]]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncol=2, fontsize=8, frameon=False)
    count = sum(wrong)
    if count:
        caption = ("Dark means your network outputs close to 1, and the black line is where it outputs 0.5; "
                   f"{plural(count, 'XOR point')} (red rings) land on the wrong side of it.")
    else:
        caption = ("Dark means your network outputs close to 1, and the black line is where it outputs 0.5: "
                   "it must put (0,1) and (1,0) (black squares) on the dark side and (0,0) and (1,1) on the light "
                   "side, which no single straight line can do.")
    return finish(figure, caption)


def loss_curve(obs) -> Picture:
    """``{"losses": [per epoch], "setting": "..."}``: the loss per epoch, on a log scale when it
    spans more than a factor of 10."""
    obs = mapping(obs)
    losses = numbers(obs.get("losses"), ndim=1, name="losses", limit=MAX_EPOCHS, strict=True)
    setting = text_of(obs.get("setting"))
    figure = new_figure(5.0, 3.0)
    ax = figure.subplots()
    epochs = np.arange(1, len(losses) + 1)
    ax.plot(epochs, losses, color="#4a7fb0", lw=1.6, marker="o" if len(losses) <= 40 else None, ms=3)
    from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter
    if losses.min() > 0 and losses.max() / losses.min() > 10:
        ax.set_yscale("log")            # plain tick labels: mathtext's minus needs a glyph the Korean font lacks
        plain = FuncFormatter(lambda value, _: f"{value:g}")
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain if losses.max() / losses.min() < 100 else NullFormatter())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(figures.label(words.EPOCH))
    ax.set_ylabel(figures.label(words.LOSS))
    ax.set_title(figures.label(words.LOSS_PER_EPOCH), fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    first, last, best = losses[0], losses[-1], losses.min()
    if last < first:
        trend = f"falls from {fmt(first)} to {fmt(last)}"
    else:
        trend = f"goes from {fmt(first)} to {fmt(last)} without falling, so something is off in training"
    caption = f"The training loss {trend} over {plural(len(losses), 'epoch')}"
    if last > 2 * best and last < first:
        caption += f" (lowest {fmt(best)}: it rose again at the end)"
    caption += f"; run: {setting}." if setting else "."
    return finish(figure, caption)


def augmented_images(obs) -> Picture:
    """``{"images": (copies+1, n, h, w), "labels": [n]}``: row 0 the originals, one row per
    augmented copy, one column per image with its label on top."""
    obs = mapping(obs)
    images = numbers(obs.get("images"), ndim=4, name="images", strict=True)
    rows, count, height, width = images.shape
    if height < 2 or width < 2:
        raise Undrawable("images must be at least 2 x 2")
    labels = labels_of(obs.get("labels"), count)
    shown_rows, shown_cols = images[:6, :8], min(count, 8)
    low, high = float(images[0].min()), float(images[0].max())
    if high <= low:
        low, high = float(images.min()), float(images.max())
    if high <= low:
        high = low + 1

    cell = 0.8
    figure = new_figure(cell * shown_cols + 0.7, cell * len(shown_rows) + 0.55)
    axes = figure.subplots(len(shown_rows), shown_cols, squeeze=False)
    figure.get_layout_engine().set(w_pad=0.01, h_pad=0.01, wspace=0.02, hspace=0.02)
    for r in range(len(shown_rows)):
        for c in range(shown_cols):
            ax = axes[r][c]
            ax.imshow(shown_rows[r, c], cmap="gray", vmin=low, vmax=high, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(r == 0)
                spine.set_color("#d4a72c")
            if r == 0:
                ax.set_title(f"{figures.label(words.LABEL)} {labels[c]}" if shown_cols <= 5 else f"y={labels[c]}",
                             fontsize=8)
            if c == 0:
                name = figures.label(words.ORIGINAL) if r == 0 else figures.label(words.COPY, number=r)
                ax.set_ylabel(name.replace(" (", "\n("), fontsize=7.5)
    figure.suptitle(figures.label(words.DATA_AUGMENTATION), fontsize=10)
    same = [k for k in range(1, rows) if np.array_equal(images[k], images[0])]
    outside = bool(images[1:].size) and (images[1:].min() < low - 1e-9 or images[1:].max() > high + 1e-9)
    caption = ("Top row: the originals; each row below is one augmented copy, where the digit may shift or flip "
               "but must stay recognisable and keep its column's label")
    if same:
        caption += f"; copy {', '.join(map(str, same))} is identical to the originals"
    if outside:
        caption += f"; some copies leave the originals' pixel range {fmt(low)}..{fmt(high)}"
    if rows > len(shown_rows) or count > shown_cols:
        caption += f" (showing {len(shown_rows) - 1} of {rows - 1} copies, {shown_cols} of {count} images)"
    return finish(figure, caption + ".")


def letter_grid(obs) -> Picture:
    """``{"images": (n, 28, 28), "labels": [n], "letters": [n strings or null]}``: each image titled
    with what the student's ``letter(label)`` returned and the label; a title that is not the
    letter at that alphabet position (0 = A) is red."""
    obs = mapping(obs)
    images = numbers(obs.get("images"), name="images", strict=True)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim != 3 or images.shape[1] < 2 or images.shape[2] < 2:
        raise Undrawable("images must be n x h x w")
    count = len(images)
    labels = labels_of(obs.get("labels"), count)
    said = obs.get("letters")
    if not isinstance(said, list) or len(said) != count:
        raise Undrawable("letters must be a list of n strings")
    said = [text_of(s, 8) if isinstance(s, str) else None for s in said]
    shown = min(count, 24)
    columns = min(shown, 8)
    rows = math.ceil(shown / columns)
    low, high = (0.0, 255.0) if images.min() >= 0 and images.max() <= 255 and images.max() > 1 else \
        (float(images.min()), float(max(images.max(), images.min() + 1e-9)))

    figure = new_figure(0.85 * columns + 0.3, 1.0 * rows + 0.45)
    axes = figure.subplots(rows, columns, squeeze=False)
    wrong = []
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= shown:
            ax.set_axis_off()
            continue
        ax.imshow(images[i], cmap="gray", vmin=low, vmax=high, interpolation="nearest")
        text, number = said[i], labels[i]
        right = 0 <= number < 26 and text == chr(ord("A") + number)
        if not right:
            wrong.append(f"{number} gave {text!r}" if text is not None else f"{number} gave no string")
        shown_text = "None" if text is None else text.replace("$", r"\$")   # student text: no mathtext
        ax.set_title(f"{shown_text} ({number})", fontsize=9,
                     color="black" if right else WRONG)
        for spine in ax.spines.values():
            spine.set_visible(not right)
            spine.set_color(WRONG)
            spine.set_linewidth(2)
    figure.suptitle(figures.label(words.SIGN_LETTERS) + ": letter(label) (label)", fontsize=10)
    caption = ("Each image is titled with what your letter(label) returned and the label number, which counts "
               "from 0 = A (9 = J and 25 = Z never occur)")
    if wrong:
        caption += f"; red titles are not the letter at that position: {'; '.join(wrong[:6])}"
    else:
        caption += ": every title matches its label"
    if count > shown:
        caption += f" (showing {shown} of {count})"
    return finish(figure, caption + ".")


def confusion_matrix(obs) -> Picture:
    """``{"matrix": 10x10 counts (rows true, columns predicted), "split": "...", "accuracy": float,
    "pairs": [[true, predicted, times], ...]}``: an annotated heat map, correct counts on the
    diagonal in blue, mistakes in red on their own scale; the most confused pairs in the caption."""
    obs = mapping(obs)
    matrix = numbers(obs.get("matrix"), ndim=2, name="matrix", strict=True)
    classes = matrix.shape[0]
    if matrix.shape != (classes, classes) or not 2 <= classes <= 30:
        raise Undrawable(f"matrix must be square, not {matrix.shape}")
    if (matrix < 0).any() or not np.all(matrix == np.round(matrix)) or matrix.sum() == 0:
        raise Undrawable("matrix must hold counts")
    matrix = matrix.astype(np.int64)
    split = text_of(obs.get("split"), 40) or "validation"
    accuracy = obs.get("accuracy")
    if not isinstance(accuracy, (int, float)) or isinstance(accuracy, bool) or not 0 <= accuracy <= 1:
        accuracy = float(np.trace(matrix) / matrix.sum())
    pairs = _pairs(obs.get("pairs"), classes)
    if not pairs:
        off = matrix.copy()
        np.fill_diagonal(off, 0)
        order = np.argsort(-off, axis=None, kind="stable")[:3]
        pairs = [(int(i // classes), int(i % classes), int(off.flat[i])) for i in order if off.flat[i] > 0]

    diagonal = np.eye(classes, dtype=bool)
    on = np.ma.masked_where(~diagonal, matrix)
    off = np.ma.masked_where(diagonal | (matrix == 0), matrix)
    figure = new_figure(5.4, 4.8)
    ax = figure.subplots()
    ax.imshow(np.zeros_like(matrix), cmap="Greys", vmin=0, vmax=1)       # white background
    ax.imshow(on, cmap="Blues", vmin=0, vmax=max(1, matrix[diagonal].max()) * 1.15)
    worst = max(1, int(off.max()) if off.count() else 1)
    ax.imshow(off, cmap="Reds", vmin=-0.25 * worst, vmax=worst)
    small = 8 if classes <= 10 else 6
    for (r, c), value in np.ndenumerate(matrix):
        if value == 0 and r != c:
            continue
        dark = (value > 0.6 * matrix[diagonal].max() * 1.15) if r == c else (value > 0.55 * worst)
        ax.text(c, r, str(value), ha="center", va="center", fontsize=small if value < 1000 else small - 1.5,
                color="white" if dark else "black")
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(-0.5, classes), minor=True)
    ax.set_yticks(np.arange(-0.5, classes), minor=True)
    ax.grid(which="minor", color="#d0d7de", lw=0.5)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(figures.label(words.PREDICTED))
    ax.set_ylabel(figures.label(words.TRUE_CLASS))
    ax.set_title(f"{figures.label(words.CONFUSION_MATRIX)}: {split}, {figures.label(words.ACCURACY)} "
                 f"{accuracy:.1%}", fontsize=10)
    mistakes = int(matrix.sum() - np.trace(matrix))
    if pairs:
        listed = ", ".join(f"{t} taken for {p} ({n}x)" for t, p, n in pairs)
        caption = (f"Rows are the true digit and columns your model's answer: blue is right, red cells are the "
                   f"{plural(mistakes, 'mistake')} on the {split} split, most often {listed}.")
    else:
        caption = (f"Rows are the true digit and columns your model's answer: every {split} image lies on the "
                   "blue diagonal, with no mistake.")
    return finish(figure, caption)


def _pairs(value, classes: int) -> list[tuple[int, int, int]] | None:
    """Up to three valid ``(true, predicted, times)`` triples, or None when ``value`` is not such a list."""
    if not isinstance(value, list) or len(value) > 1000:
        return None
    found = []
    for item in value:
        if (not isinstance(item, (list, tuple)) or len(item) != 3
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in item)):
            return None
        t, p, n = item
        if not (0 <= t < classes and 0 <= p < classes and n >= 0):
            return None
        if n > 0 and t != p:
            found.append((t, p, n))
    return found[:3]
