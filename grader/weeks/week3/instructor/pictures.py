"""Week 3's feedback pictures, one row each: what to observe, how to draw it, its caption, shown or not.

:func:`grader.grading.observe.observe` runs the observers (after the specs, in the sandbox),
:func:`grader.pages.pictures.pictures` draws what came back on the student's page, in this
order, and :mod:`grader.pages.feedback` names a picture that could not be drawn by its caption.
A row that is not shown is for the class report only (the homework's hidden-test accuracy).
"""
from grader.grading.observe import PictureRow
from grader.weeks.week3.instructor import drawers, observers

PICTURES = (
    PictureRow("perceptron", "gates", observers.gates, drawers.gate_regions,
               ("게이트의 결정 영역", "the gates' decision regions")),
    PictureRow("perceptron", "perceptron_training", observers.perceptron_training, drawers.perceptron_training,
               ("퍼셉트론의 학습", "the perceptron's training")),
    PictureRow("xor_mlp", "xor_region", observers.xor_region, drawers.xor_region,
               ("XOR 네트워크의 결정 영역", "the XOR network's decision region")),
    PictureRow("backprop", "losses", observers.losses, drawers.loss_curve, ("손실 곡선", "the loss curve")),
    PictureRow("training_skills", "augmented", observers.augmented, drawers.augmented_images,
               ("증강된 이미지", "the augmented images")),
    PictureRow("sign_language_mnist", "letters", observers.letters, drawers.letter_grid, ("수어 알파벳", "the letters")),
    PictureRow("mnist_homework", "confusion", observers.mnist_model, drawers.confusion_matrix,
               ("혼동 행렬", "the confusion matrix")),
    PictureRow("mnist_homework", "accuracy", observers.mnist_accuracy, None,
               ("숙제 정확도", "the homework's accuracy"), shown=False),
)
